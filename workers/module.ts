import type { Redis } from "ioredis";
import type { Env } from "../server/env";
import type { Logger } from "../server/log";
import type { Services } from "../server/services/container";

/**
 * What every part of the worker process gets: the app's services (the same container the web
 * app builds, so a job runs the same code as a request), the validated environment, a logger,
 * and a factory of BullMQ-ready Redis connections (`maxRetriesPerRequest: null`).
 */
export interface WorkerRuntime {
  env: Env;
  log: Logger;
  services: Services;
  /** A new connection for a BullMQ Worker (each Worker blocks on its own). */
  bullConnection(): Redis;
  /** BullMQ key prefix (`<REDIS_PREFIX>bull`). */
  bullPrefix: string;
}

/**
 * One job family or consumer of the worker process: the scheduler and the metrics jobs here, a
 * Kafka consumer later (issue 21). `start` begins taking work; `stop` stops taking new work and
 * resolves once the work in hand is finished (or handed back), for a graceful SIGTERM.
 */
export interface WorkerModule {
  name: string;
  start(runtime: WorkerRuntime): Promise<void>;
  stop(): Promise<void>;
}
