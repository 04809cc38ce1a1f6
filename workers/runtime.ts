import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { DatabaseService } from "../server/db";
import type { Env } from "../server/env";
import type { Logger } from "../server/log";
import { createServices } from "../server/services/container";
import { bullPrefix } from "../server/services/scheduler/queues";
import { clearHeartbeat, HEARTBEAT_TTL_S, writeHeartbeat } from "../server/services/scheduler/worker-health";
import type { WorkerModule, WorkerRuntime } from "./module";

export interface RunningWorker {
  id: string;
  runtime: WorkerRuntime;
  /** Graceful stop: modules in reverse order (each finishes its running jobs), then connections. */
  stop(): Promise<void>;
}

/**
 * Builds the worker's runtime (the app's service container on its own connections), starts the
 * modules and a heartbeat (`/api/health` detail and the admin page list live workers by it).
 */
export async function startWorker(opts: {
  env: Env;
  log: Logger;
  modules: WorkerModule[];
}): Promise<RunningWorker> {
  const { env, log } = opts;
  const id = `${process.pid}-${randomBytes(3).toString("hex")}`;
  const db = new DatabaseService({ uri: env.MONGODB_URI, prefix: env.MONGODB_DB_PREFIX });
  const connections: Redis[] = [];
  const connect = (options: { maxRetriesPerRequest: number | null }) => {
    const redis = new Redis(env.REDIS_URL, { ...options, lazyConnect: false });
    redis.on("error", (error: Error) => log.warn({ err: error.message }, "redis connection error"));
    connections.push(redis);
    return redis;
  };
  // Commands (producers, heartbeats, cursors) fail fast; BullMQ Workers block and must not.
  const commands = connect({ maxRetriesPerRequest: 3 });
  const services = createServices({ db, log, env, redis: () => commands });
  await db.ensureMasterIndexes();
  const runtime: WorkerRuntime = {
    env,
    log,
    services,
    bullConnection: () => connect({ maxRetriesPerRequest: null }),
    bullPrefix: bullPrefix(env.REDIS_PREFIX),
  };

  const started: WorkerModule[] = [];
  const beat = () =>
    writeHeartbeat(commands, env.REDIS_PREFIX, {
      id,
      startedAt: startedAt.toISOString(),
      modules: started.map((m) => m.name),
    }).catch((error: unknown) => log.warn({ err: String(error) }, "heartbeat failed"));
  const startedAt = new Date();
  for (const module of opts.modules) {
    await module.start(runtime);
    started.push(module);
    log.info({ module: module.name }, "worker module started");
  }
  await beat();
  const timer = setInterval(() => void beat(), (HEARTBEAT_TTL_S * 1000) / 3);

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(timer);
      for (const module of [...started].reverse()) {
        await module
          .stop()
          .catch((error: unknown) =>
            log.error({ module: module.name, err: String(error) }, "worker module did not stop cleanly"),
          );
      }
      await clearHeartbeat(commands, env.REDIS_PREFIX, id).catch(() => undefined);
      await services.queues.close();
      await db.close();
      for (const redis of connections) redis.disconnect();
    })();
    return stopping;
  };
  return { id, runtime, stop };
}
