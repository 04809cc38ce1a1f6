import type { Redis } from "ioredis";
import { env } from "../env";
import { log } from "../log";
import { getAuthRedis } from "./redis";

export interface RateLimitResult {
  allowed: boolean;
  /** Attempts left in the current window (0 when blocked). */
  remaining: number;
  /** Seconds until the window resets. */
  retryAfterSeconds: number;
}

export interface RateLimiterOptions {
  redis: Redis;
  /** Every key starts with it (REDIS_PREFIX), so environments and tests never collide. */
  prefix: string;
  limit?: number;
  windowSeconds?: number;
}

/**
 * Fixed-window attempt counter per action + client ip + e-mail, in Redis so every app process
 * shares it. If Redis is unreachable the attempt is allowed (and logged): losing sign-in
 * entirely would be worse than losing throttling for a while.
 */
export class RateLimiter {
  readonly limit: number;
  readonly windowSeconds: number;

  constructor(private readonly options: RateLimiterOptions) {
    this.limit = options.limit ?? 10;
    this.windowSeconds = options.windowSeconds ?? 5 * 60;
  }

  key(action: string, ip: string | null, email: string): string {
    return `${this.options.prefix}ratelimit:${action}:${ip ?? "unknown"}:${email.trim().toLowerCase()}`;
  }

  async hit(action: string, ip: string | null, email: string, limit = this.limit): Promise<RateLimitResult> {
    const key = this.key(action, ip, email);
    try {
      const results = await this.options.redis
        .multi()
        .incr(key)
        .expire(key, this.windowSeconds, "NX")
        .ttl(key)
        .exec();
      const count = Number(results?.[0]?.[1] ?? 0);
      const ttl = Number(results?.[2]?.[1] ?? this.windowSeconds);
      const retryAfterSeconds = ttl > 0 ? ttl : this.windowSeconds;
      return { allowed: count <= limit, remaining: Math.max(0, limit - count), retryAfterSeconds };
    } catch (error) {
      log.warn({ err: error, action }, "rate limiter unavailable; allowing the attempt");
      return { allowed: true, remaining: this.limit, retryAfterSeconds: 0 };
    }
  }

  /** Forget the attempts of one client (after a successful sign-in). */
  async reset(action: string, ip: string | null, email: string): Promise<void> {
    await this.options.redis.del(this.key(action, ip, email)).catch(() => undefined);
  }

  /** Closes the Redis connection (tests, shutdown). */
  async close(): Promise<void> {
    await this.options.redis.quit().catch(() => undefined);
  }
}

/**
 * A password sign-in attempt (browser or API): the per ip + e-mail budget, plus a 5× larger
 * budget per e-mail alone, since `x-forwarded-for` can be forged where no proxy overwrites it and
 * guesses can come from many addresses.
 */
export async function hitSignIn(
  limiter: RateLimiter,
  ip: string | null,
  email: string,
): Promise<RateLimitResult> {
  const perClient = await limiter.hit("signin", ip, email);
  const perAccount = await limiter.hit("signin-account", "*", email, limiter.limit * 5);
  return perClient.allowed ? perAccount : perClient;
}

export function tooManyAttemptsMessage(result: RateLimitResult): string {
  const minutes = Math.max(1, Math.ceil(result.retryAfterSeconds / 60));
  return `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

let shared: RateLimiter | undefined;
/** The process-wide limiter on the shared auth Redis connection. */
export function getRateLimiter(): RateLimiter {
  shared ??= new RateLimiter({ redis: getAuthRedis(), prefix: env.REDIS_PREFIX });
  return shared;
}
