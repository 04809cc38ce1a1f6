import { Redis } from "ioredis";
import { env } from "../env";

const cache = globalThis as unknown as { conduitAuthRedis?: Redis };

/**
 * The auth code's Redis connection (rate limits, sign-in bridge codes). Cached on globalThis so
 * Next dev reloads don't open a new connection each time. Keys must start with REDIS_PREFIX.
 */
export function getAuthRedis(): Redis {
  cache.conduitAuthRedis ??= new Redis(env.REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
  });
  return cache.conduitAuthRedis;
}

export async function closeAuthRedis(): Promise<void> {
  const redis = cache.conduitAuthRedis;
  cache.conduitAuthRedis = undefined;
  await redis?.quit().catch(() => undefined);
}
