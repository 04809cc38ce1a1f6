import { type Job, type Processor, Worker } from "bullmq";
import type { QueueName } from "../../server/services/scheduler/queues";
import type { WorkerRuntime } from "../module";

/**
 * A BullMQ Worker with the process's settings and structured logs: lock duration (a killed
 * worker's job is taken over by another after it), concurrency, and one log line per failure.
 * `close()` (graceful stop) waits for running jobs; jobs not started stay in the queue.
 */
export function startBullWorker(
  runtime: WorkerRuntime,
  queue: QueueName,
  processor: Processor,
  opts: { concurrency?: number } = {},
): Worker {
  const { env, log } = runtime;
  const worker = new Worker(queue, processor, {
    connection: runtime.bullConnection(),
    prefix: runtime.bullPrefix,
    concurrency: opts.concurrency ?? env.WORKER_CONCURRENCY,
    lockDuration: env.WORKER_LOCK_MS,
    // Stalled jobs (their worker died) are found this often and handed to a live worker.
    stalledInterval: Math.max(1_000, Math.floor(env.WORKER_LOCK_MS / 2)),
    maxStalledCount: 3,
  });
  worker.on("failed", (job: Job | undefined, error: Error) => {
    log.error(
      { queue, job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err: error.message },
      "job failed",
    );
  });
  worker.on("error", (error: Error) => log.warn({ queue, err: error.message }, "worker error"));
  return worker;
}
