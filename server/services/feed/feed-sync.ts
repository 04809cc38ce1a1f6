import type { Redis } from "ioredis";
import type { ObjectId } from "mongodb";
import { type DatabaseService, isDuplicateKeyError, type PostDoc, type TenantDoc } from "../../db";
import type { Logger } from "../../log";
import {
  type Author,
  isFeedVisible,
  rowContent,
  TOMBSTONE_UNSET,
  tombstonePipeline,
  upsertPipeline,
} from "./feed-row";
import { bumpFeedGeneration } from "./generation";

export type SyncOutcome =
  /** The row now shows this version of the post. */
  | "upserted"
  /** The post is not (or no longer) in the feed; a tombstone records the version. */
  | "removed"
  /** The feed already holds this version or a newer one; nothing written. */
  | "stale";

export interface SyncResult {
  outcome: SyncOutcome;
  version: number;
}

export interface FeedSyncDeps {
  db: DatabaseService;
  log: Logger;
  now: () => Date;
  /** Where the feed's change counter lives (readers' caches key on it); absent: not counted. */
  redis?: () => Redis;
  redisPrefix?: string;
}

/**
 * Keeps `global_feed` exact from the tenant's post documents. A sync reads the post on the
 * tenant's own cluster and writes the master with one guarded upsert: the filter asks for an
 * older `version`, so when the row already holds this version or a newer one the upsert collides
 * with the unique `(tenantId, postId)` key and writes nothing. A post that leaves the feed leaves a
 * tombstone (key + version, no queryable fields) instead of a gap, so a slower sync of an earlier,
 * still-published version cannot bring it back. There is no cross-database stage, so a tenant
 * database may live on another cluster.
 */
export class FeedSync {
  constructor(private readonly deps: FeedSyncDeps) {}

  async loadTenant(tenantId: ObjectId): Promise<TenantDoc | null> {
    return this.deps.db.master().tenants.findOne({ _id: tenantId });
  }

  /**
   * Brings the post's row in line with the post as it is now, then records `syncedVersion` on
   * the post. Idempotent: run it again, from any process, at any time.
   */
  async syncPost(tenantOrId: TenantDoc | ObjectId, postId: ObjectId): Promise<SyncResult> {
    const tenant = "slug" in tenantOrId ? tenantOrId : await this.loadTenant(tenantOrId);
    const tenantId = "slug" in tenantOrId ? tenantOrId._id : tenantOrId;
    // A tenant that is gone has no database to read; its rows go as the post's would.
    const post =
      tenant && tenant.status !== "deleted"
        ? await this.deps.db.forTenant(tenant).posts.findOne({ _id: postId })
        : null;
    const result = await this.writeRow(tenant, tenantId, postId, post);
    if (tenant && post && tenant.status !== "deleted") await this.markSynced(tenant, postId, result.version);
    return result;
  }

  private async writeRow(
    tenant: TenantDoc | null,
    tenantId: ObjectId,
    postId: ObjectId,
    post: PostDoc | null,
  ): Promise<SyncResult> {
    const feed = this.deps.db.master().globalFeed;
    const at = this.deps.now();
    if (!post) {
      // The post document itself is gone: tombstone whatever row there is, at its own version.
      await feed.updateOne(
        { tenantId, postId },
        tombstonePipeline(await this.rowVersion(tenantId, postId), at),
      );
      await this.changed();
      return { outcome: "removed", version: 0 };
    }
    const version = post.version ?? 0;
    const visible = tenant !== null && isFeedVisible(tenant, post);
    const pipeline = visible
      ? upsertPipeline(rowContent(tenant, post, await this.authorOf(post), version), at)
      : tombstonePipeline(version, at);
    try {
      await feed.updateOne({ tenantId, postId, version: { $lt: version } }, pipeline, { upsert: true });
    } catch (error) {
      // The row holds this version or a newer one: an equal or later sync already wrote it.
      if (isDuplicateKeyError(error)) return { outcome: "stale", version };
      throw error;
    }
    await this.changed();
    return { outcome: visible ? "upserted" : "removed", version };
  }

  /** Tells readers' caches the feed changed; a failure only delays that by their one-second check. */
  async changed(): Promise<void> {
    const { redis, redisPrefix } = this.deps;
    if (!redis || redisPrefix === undefined) return;
    await bumpFeedGeneration(redis(), redisPrefix).catch((error: unknown) =>
      this.deps.log.warn({ err: String(error) }, "feed: could not bump the change counter"),
    );
  }

  private async rowVersion(tenantId: ObjectId, postId: ObjectId): Promise<number> {
    const row = await this.deps.db
      .master()
      .globalFeed.findOne({ tenantId, postId }, { projection: { version: 1 } });
    return row?.version ?? 0;
  }

  private async authorOf(post: PostDoc): Promise<Author> {
    const first = post.authorIds?.[0];
    if (!first) return null;
    return this.deps.db
      .master()
      .users.findOne({ _id: first }, { projection: { _id: 1, name: 1, username: 1 } });
  }

  /** Records on the post that the feed holds `version` (never moves backwards). */
  private async markSynced(tenant: TenantDoc, postId: ObjectId, version: number): Promise<void> {
    await this.deps.db
      .forTenant(tenant)
      .posts.updateOne(
        { _id: postId, $or: [{ syncedVersion: { $lt: version } }, { syncedVersion: { $exists: false } }] },
        { $set: { syncedVersion: version, "pipeline.syncedAt": this.deps.now() } },
      );
  }

  /**
   * A deleted blog leaves the feed: every row of the tenant becomes a tombstone at its own
   * version (so no late sync brings one back), and the tenant record remembers it was done.
   */
  async removeTenant(tenantId: ObjectId): Promise<number> {
    const at = this.deps.now();
    const { modifiedCount } = await this.deps.db
      .master()
      .globalFeed.updateMany({ tenantId, removedAt: { $exists: false } }, [
        { $set: { removedAt: { $literal: at }, updatedAt: { $literal: at } } },
        { $unset: TOMBSTONE_UNSET },
      ]);
    await this.deps.db
      .master()
      .tenants.updateOne({ _id: tenantId, status: "deleted" }, { $set: { feedPurgedAt: at } });
    if (modifiedCount) {
      await this.changed();
      this.deps.log.info({ tenantId: tenantId.toHexString(), rows: modifiedCount }, "feed: tenant removed");
    }
    return modifiedCount;
  }

  /**
   * Deleted blogs whose rows are still in the feed (the delete request's own removal failed or
   * the process died): at most `limit` per call, by the tenants' status index.
   */
  async purgeDeletedTenants(limit = 100): Promise<number> {
    const pending = await this.deps.db
      .master()
      .tenants.find({ status: "deleted", feedPurgedAt: { $exists: false } }, { projection: { _id: 1 } })
      .limit(limit)
      .toArray();
    for (const t of pending) await this.removeTenant(t._id);
    return pending.length;
  }

  /**
   * Author names and usernames follow profile changes: rows naming `userId` as first author get
   * the user's current name. Matches only rows that differ, so a re-run writes nothing.
   */
  async refreshAuthor(userId: ObjectId): Promise<number> {
    const user = await this.deps.db
      .master()
      .users.findOne({ _id: userId }, { projection: { name: 1, username: 1 } });
    if (!user) return 0;
    const authorName = user.name || user.username;
    const { modifiedCount } = await this.deps.db.master().globalFeed.updateMany(
      {
        authorIds: userId,
        authorId: userId,
        $or: [{ authorName: { $ne: authorName } }, { authorUsername: { $ne: user.username } }],
      },
      { $set: { authorName, authorUsername: user.username } },
    );
    if (modifiedCount) await this.changed();
    return modifiedCount;
  }
}
