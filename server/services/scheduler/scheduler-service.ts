import { type Filter, ObjectId } from "mongodb";
import {
  type DatabaseService,
  isDuplicateKeyError,
  type PostDoc,
  type ScheduledPostDoc,
  type TenantDoc,
} from "../../db";
import { isAppError } from "../../errors";
import type { Logger } from "../../log";
import type { FeedSync } from "../feed/feed-sync";
import { type JobQueues, type PublishJobData, publishJobId, redriveJobId, SCHEDULER_QUEUE } from "./queues";

export type PublishOutcome =
  /** This call published the post (the conditional update matched) and fanned it out. */
  | "published"
  /** Someone else published it already; this call only completed a fan-out left behind. */
  | "already-published"
  /** Still scheduled, but for later (or for another version, which has its own job). */
  | "not-due"
  /** Not scheduled any more (cancelled, deleted, blog gone): nothing to publish. */
  | "not-scheduled";

export interface SchedulerServiceDeps {
  db: DatabaseService;
  log: Logger;
  now: () => Date;
  queues: JobQueues;
  feed: FeedSync;
  /** The posts service's publish of a due post (revision, fan-out); null when not due/scheduled. */
  publisher: () => { publishDue(tenant: TenantDoc, postId: string): Promise<unknown> };
  /** How long a request waits for Redis before leaving the job to the sweep. */
  enqueueTimeoutMs?: number;
}

/** What the scheduler reads of a post: never the body. */
const metaProjection = {
  status: 1,
  version: 1,
  syncedVersion: 1,
  publishAt: 1,
  publishedAt: 1,
  deletedAt: 1,
} as const;

const scheduledId = (tenantId: ObjectId, postId: ObjectId) =>
  `${tenantId.toHexString()}:${postId.toHexString()}`;

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer from Redis within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Publishing at the exact time, three ways that all end in the same conditional update:
 * 1. a delayed BullMQ job per (post, version) at `publishAt` (added when the post is scheduled);
 * 2. the sweep over `conduit_master.scheduled_posts` (the master index written with the post),
 *    which publishes anything due and re-adds the jobs of the coming window after a Redis loss;
 * 3. the deep pass over tenant databases, a page at a time, for anything the index missed.
 * The update matches only a post still `scheduled` at the version it was read with, so two
 * workers (or a job and the sweep) publish a post exactly once; the feed upsert that follows is
 * keyed and version-guarded, so it never duplicates a row.
 */
export class SchedulerService {
  private readonly enqueueTimeoutMs: number;

  constructor(private readonly deps: SchedulerServiceDeps) {
    this.enqueueTimeoutMs = deps.enqueueTimeoutMs ?? 2_000;
  }

  // ── request path (called by the post fan-out) ───────────────────────────────────────────

  /**
   * A post is scheduled (or rescheduled, or edited while scheduled) at `version`: write the
   * master index entry (the posts service wrote it already; this is idempotent), then the delayed
   * job, and remove the job of the version it replaces.
   */
  async schedule(tenantId: ObjectId, postId: ObjectId, version: number, publishAt: Date): Promise<void> {
    if ((await this.writeIndex(tenantId, postId, version, publishAt)) === "newer") return;
    await withTimeout(
      this.enqueuePublish(tenantId, postId, version, publishAt),
      this.enqueueTimeoutMs,
      "schedule",
    );
  }

  /** The post is no longer scheduled as of `version`: drop its index entry and delayed job. */
  async unschedule(tenantId: ObjectId, postId: ObjectId, version: number): Promise<void> {
    await this.deps.db
      .master()
      .scheduledPosts.deleteOne({ _id: scheduledId(tenantId, postId), version: { $lte: version } });
    await this.forgetJob(tenantId, postId);
  }

  /**
   * Which job currently stands for a post: `<prefix>scheduler:job-of` maps "tenant:post" to the
   * job id, so a reschedule or cancel can remove the job it replaces (the index entry in Mongo no
   * longer names the old version by then). It lives and dies with the jobs themselves in Redis.
   */
  private jobOfKey(): string {
    return `${this.deps.queues.redisPrefix}scheduler:job-of`;
  }

  private async forgetJob(tenantId: ObjectId, postId: ObjectId): Promise<void> {
    const field = scheduledId(tenantId, postId);
    try {
      const redis = this.deps.queues.redis();
      const jobId = await withTimeout(redis.hget(this.jobOfKey(), field), this.enqueueTimeoutMs, "job-of");
      if (jobId) {
        await this.removeJob(jobId);
        await redis.hdel(this.jobOfKey(), field);
      }
    } catch (error) {
      this.deps.log.warn({ post: field, err: String(error) }, "scheduler: could not remove a cancelled job");
    }
  }

  /** Upserts the index entry unless a newer version wrote it; returns the entry it replaced. */
  private async writeIndex(
    tenantId: ObjectId,
    postId: ObjectId,
    version: number,
    publishAt: Date,
  ): Promise<{ version: number } | null | "newer"> {
    try {
      return await this.deps.db
        .master()
        .scheduledPosts.findOneAndUpdate(
          { _id: scheduledId(tenantId, postId), version: { $lte: version } },
          { $set: { tenantId, postId, version, publishAt } },
          { upsert: true, returnDocument: "before", projection: { version: 1 } },
        );
    } catch (error) {
      if (isDuplicateKeyError(error)) return "newer";
      throw error;
    }
  }

  async enqueuePublish(
    tenantId: ObjectId,
    postId: ObjectId,
    version: number,
    publishAt: Date,
  ): Promise<void> {
    const data: PublishJobData = {
      tenantId: tenantId.toHexString(),
      postId: postId.toHexString(),
      version,
      publishAt: publishAt.getTime(),
    };
    const jobId = publishJobId(tenantId, postId, version);
    // Same id, same job: adding it again (sweep, deep pass) is a no-op while it exists.
    await this.deps.queues.queue(SCHEDULER_QUEUE).add("publish", data, {
      jobId,
      delay: Math.max(0, publishAt.getTime() - this.deps.now().getTime()),
      attempts: 5,
      backoff: { type: "exponential", delay: 1_000 },
    });
    const field = scheduledId(tenantId, postId);
    const redis = this.deps.queues.redis();
    const previous = await redis.hget(this.jobOfKey(), field);
    await redis.hset(this.jobOfKey(), field, jobId);
    if (previous && previous !== jobId) await this.removeJob(previous);
  }

  /** A fan-out that failed in the request: retry it soon with backoff (the deep pass is the net). */
  async enqueueRedrive(tenantId: ObjectId, postId: ObjectId, version: number): Promise<void> {
    await withTimeout(
      this.deps.queues.queue(SCHEDULER_QUEUE).add(
        "redrive",
        { tenantId: tenantId.toHexString(), postId: postId.toHexString() },
        {
          jobId: redriveJobId(tenantId, postId, version),
          delay: 1_000,
          attempts: 8,
          backoff: { type: "exponential", delay: 2_000 },
        },
      ),
      this.enqueueTimeoutMs,
      "redrive",
    );
  }

  /** Removes a waiting or delayed job; one that is running (it may be the caller) is left to finish. */
  private async removeJob(jobId: string): Promise<void> {
    try {
      const queue = this.deps.queues.queue(SCHEDULER_QUEUE);
      const job = await withTimeout(queue.getJob(jobId), this.enqueueTimeoutMs, "getJob");
      if (!job || (await job.isActive())) return;
      await job.remove();
    } catch (error) {
      // A job left behind is harmless: it finds its version outdated and does nothing.
      this.deps.log.warn({ jobId, err: String(error) }, "scheduler: could not remove a replaced job");
    }
  }

  // ── worker path ─────────────────────────────────────────────────────────────────────────

  /**
   * Publishes the post if it is scheduled and due — at `version` when given (a job publishes
   * only the version it was made for). The publish itself is the posts service's (the same
   * transition a writer's "Publish now" makes: one version-guarded update, the publish revision,
   * the whole fan-out); a concurrent publisher loses that update and gets a conflict. Whoever
   * published, the feed row is checked afterwards, so a crash between the publish and its
   * fan-out is completed by the retried job.
   */
  async publishDue(tenantId: ObjectId, postId: ObjectId, version?: number): Promise<PublishOutcome> {
    const tenant = await this.deps.feed.loadTenant(tenantId);
    if (tenant?.status !== "active") {
      await this.deps.db.master().scheduledPosts.deleteOne({ _id: scheduledId(tenantId, postId) });
      await this.forgetJob(tenantId, postId);
      return "not-scheduled";
    }
    const post = await this.deps.db
      .forTenant(tenant)
      .posts.findOne({ _id: postId }, { projection: metaProjection });
    if (!post || post.deletedAt) {
      await this.unschedule(tenantId, postId, Number.MAX_SAFE_INTEGER);
      if (post && (post.syncedVersion ?? 0) < post.version) await this.deps.feed.syncPost(tenant, postId);
      return "not-scheduled";
    }
    if (post.status === "scheduled") {
      const due = post.publishAt instanceof Date && post.publishAt.getTime() <= this.deps.now().getTime();
      if (!due || (version !== undefined && post.version !== version)) {
        // Another version (it has its own job) or not yet due: make sure that job exists.
        await this.ensureScheduled(tenant._id, post);
        return "not-due";
      }
      let published = false;
      try {
        published = (await this.deps.publisher().publishDue(tenant, postId.toHexString())) !== null;
      } catch (error) {
        // Another worker (or the writer) changed the post between our read and the update.
        if (!(isAppError(error) && error.code === "CONFLICT")) throw error;
      }
      const after = await this.ensureSynced(tenant, postId);
      if (published) {
        this.deps.log.info(
          {
            tenantId: tenantId.toHexString(),
            postId: postId.toHexString(),
            version: after?.version,
            publishAt: post.publishAt?.toISOString(),
            latenessMs: this.deps.now().getTime() - (post.publishAt?.getTime() ?? 0),
          },
          "scheduler: published",
        );
        await this.forgetJob(tenantId, postId);
        return "published";
      }
      if (after?.status === "published") return "already-published";
      return after?.status === "scheduled" ? "not-due" : "not-scheduled";
    }
    await this.unschedule(tenantId, postId, post.version);
    if ((post.syncedVersion ?? 0) < post.version) await this.deps.feed.syncPost(tenant, postId);
    return post.status === "published" ? "already-published" : "not-scheduled";
  }

  /** Reads the post back and completes its feed sync if the fan-out did not (or died). */
  private async ensureSynced(tenant: TenantDoc, postId: ObjectId) {
    const post = await this.deps.db
      .forTenant(tenant)
      .posts.findOne({ _id: postId }, { projection: metaProjection });
    if (post && (post.syncedVersion ?? 0) < post.version) await this.deps.feed.syncPost(tenant, postId);
    return post;
  }

  /** Index entry and job for a scheduled post as it is now (both idempotent). */
  async ensureScheduled(
    tenantId: ObjectId,
    post: Pick<PostDoc, "_id" | "version" | "publishAt">,
  ): Promise<void> {
    if (!(post.publishAt instanceof Date)) return;
    const previous = await this.writeIndex(tenantId, post._id, post.version, post.publishAt);
    if (previous === "newer") return;
    await this.enqueuePublish(tenantId, post._id, post.version, post.publishAt);
  }

  /**
   * One post brought in line whatever happened before: scheduled → index + job (published if
   * due); otherwise no index entry; and the feed row synced when `syncedVersion` is behind.
   */
  async reconcile(
    tenant: TenantDoc,
    post: Pick<PostDoc, "_id" | "status" | "version" | "publishAt" | "syncedVersion">,
  ) {
    if (post.status === "scheduled" && post.publishAt instanceof Date) {
      if (post.publishAt.getTime() <= this.deps.now().getTime()) {
        await this.publishDue(tenant._id, post._id);
        return;
      }
      await this.ensureScheduled(tenant._id, post);
    }
    if ((post.syncedVersion ?? 0) < post.version) await this.deps.feed.syncPost(tenant, post._id);
  }

  /** The re-drive job: reads the post and reconciles it. */
  async redrive(tenantId: ObjectId, postId: ObjectId): Promise<void> {
    const tenant = await this.deps.feed.loadTenant(tenantId);
    if (tenant?.status !== "active") {
      await this.deps.feed.syncPost(tenantId, postId);
      return;
    }
    const post = await this.deps.db
      .forTenant(tenant)
      .posts.findOne(
        { _id: postId },
        { projection: { status: 1, version: 1, publishAt: 1, syncedVersion: 1 } },
      );
    if (!post) {
      await this.deps.feed.syncPost(tenant, postId);
      await this.unschedule(tenantId, postId, Number.MAX_SAFE_INTEGER);
      return;
    }
    if (post.status !== "scheduled") await this.unschedule(tenantId, postId, post.version);
    await this.reconcile(tenant, post);
  }

  /**
   * The sweep (every SCHEDULER_SWEEP_MS, the seed's 10-minute cron): publishes every due entry
   * of the master index, and re-adds the jobs of entries due before the next sweep (a no-op
   * while they exist; after a Redis loss, this restores exact timing). Index reads only: no
   * round trip to a tenant database unless one of its posts is due.
   */
  async sweep(opts: {
    horizonMs: number;
    pageSize?: number;
  }): Promise<{ published: number; requeued: number }> {
    const pageSize = opts.pageSize ?? 500;
    const now = this.deps.now();
    const horizon = new Date(now.getTime() + opts.horizonMs);
    let published = 0;
    let requeued = 0;
    let after: { publishAt: Date; _id: string } | null = null;
    for (;;) {
      const filter: Filter<ScheduledPostDoc> = after
        ? {
            $or: [
              { publishAt: { $gt: after.publishAt, $lte: horizon } },
              { publishAt: after.publishAt, _id: { $gt: after._id } },
            ],
          }
        : { publishAt: { $lte: horizon } };
      const page: ScheduledPostDoc[] = await this.deps.db
        .master()
        .scheduledPosts.find(filter)
        .sort({ publishAt: 1, _id: 1 })
        .limit(pageSize)
        .toArray();
      for (const entry of page) {
        try {
          if (entry.publishAt.getTime() <= now.getTime()) {
            if ((await this.publishDue(entry.tenantId, entry.postId)) === "published") published++;
          } else {
            await this.enqueuePublish(entry.tenantId, entry.postId, entry.version, entry.publishAt);
            requeued++;
          }
        } catch (error) {
          this.deps.log.error({ entry: entry._id, err: String(error) }, "scheduler: sweep entry failed");
        }
      }
      const last = page.at(-1);
      if (page.length < pageSize || !last) break;
      after = { publishAt: last.publishAt, _id: last._id };
    }
    return { published, requeued };
  }

  /**
   * One page of the deep pass: `pageSize` active tenants after `cursor` (by id), each asked in
   * one query for its scheduled posts and its posts whose feed sync is behind; each is reconciled.
   * Returns the cursor for the next page (null once the last page was done).
   */
  async deepPassPage(
    cursor: ObjectId | null,
    opts: { pageSize?: number; concurrency?: number } = {},
  ): Promise<{ next: ObjectId | null; tenants: number; posts: number }> {
    const pageSize = opts.pageSize ?? 100;
    const tenants = await this.deps.db
      .master()
      .tenants.find(cursor ? { _id: { $gt: cursor }, status: "active" } : { status: "active" })
      .sort({ _id: 1 })
      .limit(pageSize)
      .toArray();
    let posts = 0;
    const queue = [...tenants];
    const workers = Array.from({ length: Math.min(opts.concurrency ?? 8, queue.length) }, async () => {
      for (let tenant = queue.shift(); tenant; tenant = queue.shift()) {
        try {
          posts += await this.deepPassTenant(tenant);
        } catch (error) {
          this.deps.log.error(
            { tenantId: tenant._id.toHexString(), err: String(error) },
            "scheduler: deep pass failed",
          );
        }
      }
    });
    await Promise.all(workers);
    const last = tenants.at(-1);
    return { next: tenants.length === pageSize && last ? last._id : null, tenants: tenants.length, posts };
  }

  private async deepPassTenant(tenant: TenantDoc): Promise<number> {
    const behind = await this.deps.db
      .forTenant(tenant)
      .posts.find(
        {
          $or: [
            { status: "scheduled" },
            { $expr: { $lt: [{ $ifNull: ["$syncedVersion", 0] }, { $ifNull: ["$version", 0] }] } },
          ],
        },
        { projection: { status: 1, version: 1, publishAt: 1, syncedVersion: 1 } },
      )
      .toArray();
    for (const post of behind) await this.reconcile(tenant, post);
    return behind.length;
  }

  /** Scheduled posts due next, for the admin page. */
  async upcoming(limit = 20) {
    return this.deps.db.master().scheduledPosts.find({}).sort({ publishAt: 1 }).limit(limit).toArray();
  }

  static scheduledId(tenantId: ObjectId, postId: ObjectId): string {
    return scheduledId(tenantId, postId);
  }

  static parseIds(data: { tenantId: string; postId: string }): { tenantId: ObjectId; postId: ObjectId } {
    return { tenantId: new ObjectId(data.tenantId), postId: new ObjectId(data.postId) };
  }
}
