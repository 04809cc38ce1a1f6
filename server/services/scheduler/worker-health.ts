import { hostname } from "node:os";
import type { Job } from "bullmq";
import type { Redis } from "ioredis";
import type { DatabaseService } from "../../db";
import { dirtyTenantCount } from "../hot-score/dirty";
import { type JobQueues, QUEUE_NAMES, type QueueName } from "./queues";

/**
 * What `/api/health` (detail) and the admin worker page show of the worker: per queue its depth,
 * failures and how long the oldest waiting job has waited (and the most overdue delayed one — a
 * delayed job past its time means no worker is taking jobs), the live worker processes (their
 * heartbeats) and the scheduler's master index.
 */

export interface QueueHealth {
  name: QueueName;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  paused: boolean;
  /** Age of the oldest job waiting for a worker (ms), null when none waits. */
  oldestWaitingMs: number | null;
  /** How late the most overdue delayed job is (ms), null when none is overdue. */
  overdueDelayedMs: number | null;
}

export interface WorkerHeartbeat {
  id: string;
  host: string;
  pid: number;
  startedAt: string;
  beatAt: string;
  modules: string[];
}

export interface WorkerHealth {
  status: "ok" | "degraded" | "down";
  queues: QueueHealth[];
  workers: WorkerHeartbeat[];
  scheduled: { indexed: number; overdue: number; nextDueAt: string | null };
  dirtyTenants: number;
}

/** Heartbeats expire after this; a worker beats every third of it. */
export const HEARTBEAT_TTL_S = 30;
const heartbeatKey = (redisPrefix: string, id: string) => `${redisPrefix}worker:hb:${id}`;

export async function writeHeartbeat(
  redis: Redis,
  redisPrefix: string,
  beat: Omit<WorkerHeartbeat, "beatAt" | "host" | "pid"> & { host?: string; pid?: number },
): Promise<void> {
  const value: WorkerHeartbeat = {
    host: beat.host ?? hostname(),
    pid: beat.pid ?? process.pid,
    ...beat,
    beatAt: new Date().toISOString(),
  };
  await redis.set(heartbeatKey(redisPrefix, beat.id), JSON.stringify(value), "EX", HEARTBEAT_TTL_S);
}

export async function clearHeartbeat(redis: Redis, redisPrefix: string, id: string): Promise<void> {
  await redis.del(heartbeatKey(redisPrefix, id));
}

async function heartbeats(redis: Redis, redisPrefix: string): Promise<WorkerHeartbeat[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", heartbeatKey(redisPrefix, "*"), "COUNT", 200);
    cursor = next;
    keys.push(...found);
  } while (cursor !== "0" && keys.length < 1_000);
  if (!keys.length) return [];
  const values = await redis.mget(...keys);
  return values
    .flatMap((v) => {
      try {
        return v ? [JSON.parse(v) as WorkerHeartbeat] : [];
      } catch {
        return [];
      }
    })
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

const dueAt = (job: Job) => job.timestamp + (job.delay ?? 0);

async function queueHealth(queues: JobQueues, name: QueueName, now: number): Promise<QueueHealth> {
  const queue = queues.queue(name);
  const [counts, paused, [oldestWaiting], [nextDelayed]] = await Promise.all([
    queue.getJobCounts("waiting", "active", "delayed", "failed", "completed", "prioritized"),
    queue.isPaused(),
    queue.getJobs(["wait", "prioritized"], 0, 0, true),
    queue.getJobs(["delayed"], 0, 0, true),
  ]);
  const overdue = nextDelayed ? now - dueAt(nextDelayed) : 0;
  return {
    name,
    waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
    active: counts.active ?? 0,
    delayed: counts.delayed ?? 0,
    failed: counts.failed ?? 0,
    completed: counts.completed ?? 0,
    paused,
    oldestWaitingMs: oldestWaiting ? Math.max(0, now - dueAt(oldestWaiting)) : null,
    // A little slack: a job due this instant is being picked up, not late.
    overdueDelayedMs: overdue > 1_000 ? overdue : null,
  };
}

export async function workerHealth(queues: JobQueues, db: DatabaseService): Promise<WorkerHealth> {
  const now = Date.now();
  const redis = queues.redis();
  const scheduledPosts = db.master().scheduledPosts;
  const [queueStates, workers, indexed, overdue, [next], dirty] = await Promise.all([
    Promise.all(QUEUE_NAMES.map((name) => queueHealth(queues, name, now))),
    heartbeats(redis, queues.redisPrefix),
    scheduledPosts.estimatedDocumentCount(),
    scheduledPosts.countDocuments({ publishAt: { $lt: new Date(now - 60_000) } }),
    scheduledPosts
      .find({}, { projection: { publishAt: 1 } })
      .sort({ publishAt: 1 })
      .limit(1)
      .toArray(),
    dirtyTenantCount(redis, queues.redisPrefix),
  ]);
  const stuck = queueStates.some(
    (q) => (q.oldestWaitingMs ?? 0) > 60_000 || (q.overdueDelayedMs ?? 0) > 60_000,
  );
  return {
    status: workers.length === 0 ? "down" : stuck || overdue > 0 ? "degraded" : "ok",
    queues: queueStates,
    workers,
    scheduled: { indexed, overdue, nextDueAt: next?.publishAt.toISOString() ?? null },
    dirtyTenants: dirty,
  };
}
