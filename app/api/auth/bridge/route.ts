import { createBridgeHandler } from "@/server/auth/bridge";
import { getAuthRedis } from "@/server/auth/redis";
import { env } from "@/server/env";
import { getServices } from "@/server/services/container";

export const GET = createBridgeHandler({ env, redis: getAuthRedis, users: () => getServices().users });
