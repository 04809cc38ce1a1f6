import type { Redis } from "ioredis";
import { type AnyBulkWriteOperation, ObjectId } from "mongodb";
import type { DatabaseService, FeedItemDoc } from "../../db";
import type { Logger } from "../../log";
import { bumpFeedGeneration } from "../feed/generation";
import { claimDirtyTenants, type DirtyTenant, releaseDirtyTenant } from "./dirty";
import { hotScoreExpr, type Signals, signalScoreExpr } from "./formula";

export interface HotScoreAggregatorDeps {
  db: DatabaseService;
  log: Logger;
  redis: () => Redis;
  redisPrefix: string;
}

export interface AggregationRun {
  tenants: number;
  rowsUpdated: number;
}

const isHexId = (s: string) => /^[0-9a-f]{24}$/.test(s);

/**
 * Aggregates the signals the reader sites record in each tenant database (views, likes,
 * comments) into `global_feed` (metrics, `signalScore`, `hotScore`), incrementally: a run takes
 * only the tenants in the dirty set (and, within them, only the marked posts), counts their
 * signals on the tenant's own cluster and writes the rows whose counts changed. Counts are
 * recomputed from the signal documents rather than incremented, so a run that repeats (after a
 * crash, or two workers at once) writes the same numbers.
 */
export class HotScoreAggregator {
  constructor(private readonly deps: HotScoreAggregatorDeps) {}

  async run(opts: { maxTenants?: number; concurrency?: number } = {}): Promise<AggregationRun> {
    const redis = this.deps.redis();
    const claimed = await claimDirtyTenants(redis, this.deps.redisPrefix, opts.maxTenants ?? 500);
    const queue = [...claimed];
    let rowsUpdated = 0;
    const workers = Array.from({ length: Math.min(opts.concurrency ?? 4, queue.length) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        try {
          rowsUpdated += await this.recompute(next);
          await releaseDirtyTenant(redis, this.deps.redisPrefix, next.tenantId);
        } catch (error) {
          // The claim stays in `processing`; the next run retries this tenant.
          this.deps.log.error({ tenantId: next.tenantId, err: String(error) }, "hot-score: tenant failed");
        }
      }
    });
    await Promise.all(workers);
    return { tenants: claimed.length, rowsUpdated };
  }

  /** Recounts one tenant's marked posts (every post in the feed when `postIds` is null). */
  async recompute(dirty: DirtyTenant): Promise<number> {
    if (!isHexId(dirty.tenantId)) return 0;
    const tenantId = new ObjectId(dirty.tenantId);
    const tenant = await this.deps.db.master().tenants.findOne({ _id: tenantId });
    if (tenant?.status !== "active") return 0;
    const postIds = dirty.postIds?.filter(isHexId).map((id) => new ObjectId(id));
    if (postIds && postIds.length === 0) return 0;
    const feed = this.deps.db.master().globalFeed;
    const rows = await feed
      .find(
        { tenantId, removedAt: { $exists: false }, ...(postIds ? { postId: { $in: postIds } } : {}) },
        { projection: { postId: 1, metrics: 1 } },
      )
      .toArray();
    if (!rows.length) return 0;
    const ids = rows.map((r) => r.postId);
    const t = this.deps.db.forTenant(tenant);
    const countBy = async (cursor: Promise<{ _id: ObjectId; n: number }[]>) =>
      new Map((await cursor).map((r) => [r._id.toHexString(), r.n]));
    const group = { $group: { _id: "$postId", n: { $sum: 1 } } };
    const [views, likes, comments] = await Promise.all([
      countBy(
        t.views
          .aggregate<{ _id: ObjectId; n: number }>([{ $match: { postId: { $in: ids } } }, group])
          .toArray(),
      ),
      countBy(
        t.likes
          .aggregate<{ _id: ObjectId; n: number }>([{ $match: { postId: { $in: ids } } }, group])
          .toArray(),
      ),
      countBy(
        t.comments
          .aggregate<{ _id: ObjectId; n: number }>([
            { $match: { postId: { $in: ids }, deletedAt: null, hidden: { $ne: true } } },
            group,
          ])
          .toArray(),
      ),
    ]);
    const writes: AnyBulkWriteOperation<FeedItemDoc>[] = [];
    for (const row of rows) {
      const key = row.postId.toHexString();
      const metrics: Signals = {
        views: views.get(key) ?? 0,
        likes: likes.get(key) ?? 0,
        comments: comments.get(key) ?? 0,
      };
      const old = row.metrics;
      if (
        old &&
        old.views === metrics.views &&
        old.likes === metrics.likes &&
        old.comments === metrics.comments
      ) {
        continue;
      }
      writes.push({
        updateOne: {
          // A row that became a tombstone meanwhile keeps no scores.
          filter: { _id: row._id, removedAt: { $exists: false } },
          update: [
            { $set: { metrics: { $literal: metrics } } },
            { $set: { signalScore: signalScoreExpr, hotScore: hotScoreExpr } },
          ],
        },
      });
    }
    if (!writes.length) return 0;
    const result = await feed.bulkWrite(writes, { ordered: false });
    if (result.modifiedCount) {
      await bumpFeedGeneration(this.deps.redis(), this.deps.redisPrefix).catch((error: unknown) =>
        this.deps.log.warn({ err: String(error) }, "hot-score: could not bump the feed's change counter"),
      );
    }
    return result.modifiedCount;
  }
}
