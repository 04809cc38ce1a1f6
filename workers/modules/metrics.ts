import type { Job, Worker } from "bullmq";
import { HotScoreAggregator } from "../../server/services/hot-score/aggregator";
import { METRICS_QUEUE } from "../../server/services/scheduler/queues";
import type { WorkerModule, WorkerRuntime } from "../module";
import { startBullWorker } from "./bull-worker";

/** Author profiles changed within this window before the checkpoint are looked at again. */
const PROFILE_OVERLAP_MS = 60_000;
const PROFILES_EVERY_MS = 30_000;
const PURGE_EVERY_MS = 60_000;

/**
 * The metrics queue: `hot-score` (dirty tenants' signals → metrics and scores in global_feed),
 * `profiles` (authors whose profile changed → their name on every feed row) and `tenant-purge`
 * (deleted blogs whose rows are still in the feed). One at a time: each is a batch.
 */
export function metricsModule(): WorkerModule {
  let worker: Worker | null = null;
  return {
    name: "metrics",
    async start(runtime) {
      const queue = runtime.services.queues.queue(METRICS_QUEUE);
      const every = (ms: number) => ({ every: ms });
      const opts = { removeOnComplete: 100, removeOnFail: 500 };
      await queue.upsertJobScheduler("hot-score", every(runtime.env.HOT_SCORE_INTERVAL_MS), {
        name: "hot-score",
        data: {},
        opts,
      });
      await queue.upsertJobScheduler("profiles", every(PROFILES_EVERY_MS), {
        name: "profiles",
        data: {},
        opts,
      });
      await queue.upsertJobScheduler("tenant-purge", every(PURGE_EVERY_MS), {
        name: "tenant-purge",
        data: {},
        opts,
      });
      const aggregator = new HotScoreAggregator({
        db: runtime.services.db,
        log: runtime.log,
        redis: () => runtime.services.queues.redis(),
        redisPrefix: runtime.env.REDIS_PREFIX,
      });
      worker = startBullWorker(runtime, METRICS_QUEUE, (job) => handle(runtime, aggregator, job), {
        concurrency: 1,
      });
    },
    async stop() {
      await worker?.close();
    },
  };
}

async function handle(runtime: WorkerRuntime, aggregator: HotScoreAggregator, job: Job): Promise<unknown> {
  switch (job.name) {
    case "hot-score":
      return aggregator.run();
    case "profiles":
      return refreshProfiles(runtime);
    case "tenant-purge":
      return { tenants: await runtime.services.feed.sync.purgeDeletedTenants() };
    default:
      runtime.log.warn({ job: job.name, jobId: job.id }, "metrics: unknown job, dropped");
      return "unknown";
  }
}

/**
 * Users whose profile changed since the checkpoint (`profileChangedAt`, set with each
 * `profileVersion` bump by the profile service), oldest first, each refreshed in the feed. The
 * checkpoint trails by a minute so a change written with a slightly older clock is not missed;
 * a refresh that finds nothing to change writes nothing.
 */
async function refreshProfiles(runtime: WorkerRuntime): Promise<{ users: number; rows: number }> {
  const redis = runtime.services.queues.redis();
  const key = `${runtime.env.REDIS_PREFIX}feed:profiles-since`;
  const since = Number((await redis.get(key)) ?? 0);
  const users = await runtime.services.db
    .master()
    .users.find(
      { profileChangedAt: { $gte: new Date(Math.max(0, since - PROFILE_OVERLAP_MS)) } },
      { projection: { _id: 1, profileChangedAt: 1 } },
    )
    .sort({ profileChangedAt: 1 })
    .limit(1_000)
    .toArray();
  let rows = 0;
  for (const user of users) rows += await runtime.services.feed.sync.refreshAuthor(user._id);
  const last = users.at(-1)?.profileChangedAt;
  if (last && last.getTime() > since) await redis.set(key, String(last.getTime()));
  return { users: users.length, rows };
}
