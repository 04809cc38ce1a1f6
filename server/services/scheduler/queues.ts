import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { ObjectId } from "mongodb";

/**
 * The worker's BullMQ queues and the job names/ids on them. Every key lives under
 * `<REDIS_PREFIX>bull:<queue>:…`, so environments and tests never share a queue.
 */

/** Publishing and feed fan-out: exact publish jobs, the sweep, the deep pass, re-drives. */
export const SCHEDULER_QUEUE = "scheduler";
/** Signals and profiles: hot-score aggregation, author refresh, deleted-blog purge. */
export const METRICS_QUEUE = "metrics";
export const QUEUE_NAMES = [SCHEDULER_QUEUE, METRICS_QUEUE] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export const bullPrefix = (redisPrefix: string) => `${redisPrefix}bull`;

export interface PublishJobData {
  tenantId: string;
  postId: string;
  version: number;
  /** ms since epoch; the job is delayed until then. */
  publishAt: number;
}

export interface PostJobData {
  tenantId: string;
  postId: string;
}

/** BullMQ refuses ":" in custom ids. One id per (post, version): a new version is a new job. */
export function publishJobId(
  tenantId: ObjectId | string,
  postId: ObjectId | string,
  version: number,
): string {
  return `publish-${String(tenantId)}-${String(postId)}-v${version}`;
}

export function redriveJobId(
  tenantId: ObjectId | string,
  postId: ObjectId | string,
  version: number,
): string {
  return `redrive-${String(tenantId)}-${String(postId)}-v${version}`;
}

/** Finished jobs are kept for a while (admin page), then trimmed. */
export const KEEP_COMPLETED = { age: 3_600, count: 1_000 };
export const KEEP_FAILED = { age: 7 * 86_400, count: 5_000 };

/**
 * The producer side of the queues for a process (the app enqueues, the worker consumes). Lazy:
 * nothing connects until a job is added, so processes and tests that never schedule open nothing.
 */
export class JobQueues {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(private readonly opts: { redis: () => Redis; redisPrefix: string }) {}

  get prefix(): string {
    return bullPrefix(this.opts.redisPrefix);
  }

  get redisPrefix(): string {
    return this.opts.redisPrefix;
  }

  redis(): Redis {
    return this.opts.redis();
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.opts.redis(),
        prefix: this.prefix,
        defaultJobOptions: { removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED },
      });
      // Errors surface on the calls that fail; without a listener every reconnect is printed.
      queue.on("error", () => {});
      this.queues.set(name, queue);
    }
    return queue;
  }

  async close(): Promise<void> {
    await this.dispose();
  }

  /**
   * Closes the producers; with `deleteKeys` (tests) also removes this prefix's queues and the
   * scheduler's job map from Redis — only if this process ever touched them.
   */
  async dispose(opts: { deleteKeys?: boolean } = {}): Promise<void> {
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.all(queues.map((q) => q.close().catch(() => undefined)));
    if (!opts.deleteKeys || !queues.length) return;
    const redis = this.opts.redis();
    for (const pattern of [`${this.prefix}:*`, `${this.opts.redisPrefix}scheduler:*`]) {
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 500);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== "0");
    }
  }
}
