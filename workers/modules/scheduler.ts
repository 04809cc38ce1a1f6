import { DelayedError, type Job, type Worker } from "bullmq";
import { ObjectId } from "mongodb";
import {
  type PostJobData,
  type PublishJobData,
  SCHEDULER_QUEUE,
} from "../../server/services/scheduler/queues";
import { SchedulerService } from "../../server/services/scheduler/scheduler-service";
import type { WorkerModule, WorkerRuntime } from "../module";
import { startBullWorker } from "./bull-worker";

/**
 * The scheduler queue: `publish` (the exact delayed job of one post version), `sweep` (the
 * master index, every SCHEDULER_SWEEP_MS), `deep-pass` (one page of tenant databases, every
 * SCHEDULER_DEEP_PASS_MS; also completes feed syncs left behind) and `redrive` (one post whose
 * fan-out failed in the request). Every handler is idempotent: a job that runs twice (after a
 * crash, or on two workers) changes nothing the second time.
 */
export function schedulerModule(): WorkerModule {
  let worker: Worker | null = null;
  return {
    name: "scheduler",
    async start(runtime) {
      const { env } = runtime;
      const queue = runtime.services.queues.queue(SCHEDULER_QUEUE);
      // Repeating jobs; upserting them at every start keeps one schedule however many workers run.
      await queue.upsertJobScheduler(
        "sweep",
        { every: env.SCHEDULER_SWEEP_MS },
        { name: "sweep", data: {}, opts: { removeOnComplete: 100, removeOnFail: 500 } },
      );
      await queue.upsertJobScheduler(
        "deep-pass",
        { every: env.SCHEDULER_DEEP_PASS_MS },
        { name: "deep-pass", data: {}, opts: { removeOnComplete: 100, removeOnFail: 500 } },
      );
      // A sweep at start-up publishes whatever came due while no worker ran.
      await queue.add("sweep", {}, { jobId: `sweep-start-${Date.now()}`, removeOnComplete: 100 });
      worker = startBullWorker(runtime, SCHEDULER_QUEUE, (job, token) => handle(runtime, job, token));
    },
    async stop() {
      await worker?.close();
    },
  };
}

const deepCursorKey = (runtime: WorkerRuntime) => `${runtime.env.REDIS_PREFIX}scheduler:deep-cursor`;

async function handle(runtime: WorkerRuntime, job: Job, token?: string): Promise<unknown> {
  const { scheduler } = runtime.services;
  switch (job.name) {
    case "publish": {
      const data = job.data as PublishJobData;
      // Delayed by the producer's clock; if this host's clock says it is early, wait for the time.
      if (data.publishAt > Date.now() + 50 && token) {
        await job.moveToDelayed(data.publishAt, token);
        throw new DelayedError();
      }
      const { tenantId, postId } = SchedulerService.parseIds(data);
      return scheduler.publishDue(tenantId, postId, data.version);
    }
    case "sweep":
      // Up to one sweep interval ahead: re-adds the jobs a Redis loss took with it.
      return scheduler.sweep({ horizonMs: runtime.env.SCHEDULER_SWEEP_MS + 60_000 });
    case "deep-pass": {
      const redis = runtime.services.queues.redis();
      const saved = await redis.get(deepCursorKey(runtime));
      const cursor = saved && /^[0-9a-f]{24}$/.test(saved) ? new ObjectId(saved) : null;
      const result = await scheduler.deepPassPage(cursor, { pageSize: runtime.env.SCHEDULER_DEEP_PASS_PAGE });
      if (result.next) await redis.set(deepCursorKey(runtime), result.next.toHexString());
      else await redis.del(deepCursorKey(runtime));
      return { tenants: result.tenants, posts: result.posts, next: result.next?.toHexString() ?? null };
    }
    case "redrive": {
      const { tenantId, postId } = SchedulerService.parseIds(job.data as PostJobData);
      await scheduler.redrive(tenantId, postId);
      return "ok";
    }
    default:
      runtime.log.warn({ job: job.name, jobId: job.id }, "scheduler: unknown job, dropped");
      return "unknown";
  }
}
