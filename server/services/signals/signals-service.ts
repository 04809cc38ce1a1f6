import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { isbot } from "isbot";
import { ObjectId } from "mongodb";
import { type DatabaseService, isDuplicateKeyError, type TenantRef } from "../../db";
import { AppError } from "../../errors";
import type { Logger } from "../../log";
import { markTenantDirty } from "../hot-score/dirty";
import { bumpBlogChanges, bumpPersonChanges } from "../reader-cache/blog-changes";

export interface PostCounts {
  views: number;
  likes: number;
  comments: number;
}

export interface SignalsServiceDeps {
  db: DatabaseService;
  log: Pick<Logger, "warn">;
  redis: () => Redis;
  redisPrefix: string;
  now?: () => Date;
}

const ZERO: PostCounts = { views: 0, likes: 0, comments: 0 };

export function toPostId(id: string): ObjectId {
  if (!ObjectId.isValid(id) || !/^[0-9a-f]{24}$/i.test(id))
    throw new AppError("BAD_REQUEST", "Unknown post.");
  return new ObjectId(id);
}

/** A signed-out reader: a hash of ip and user agent, never stored in the clear. */
export function anonymousReader(ip: string | null, userAgent: string | null): string {
  return `anon:${createHash("sha256")
    .update(`${ip ?? "?"}\n${userAgent ?? "?"}`)
    .digest("base64url")
    .slice(0, 22)}`;
}

/**
 * Views and likes of a blog's posts, recorded in the tenant database off the render path (the
 * reader's page asks for them in a small JSON call). Counters on the post (`metrics`) give the
 * counts in one read; the `views`/`likes` collections are the record the hot-score aggregation
 * recounts from, and every recorded signal marks the tenant dirty for it.
 */
export class SignalsService {
  private readonly now: () => Date;

  constructor(private readonly deps: SignalsServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  private async dirty(tenant: TenantRef, postId: ObjectId): Promise<void> {
    await markTenantDirty(this.deps.redis(), this.deps.redisPrefix, tenant._id, postId).catch(
      (error: unknown) =>
        this.deps.log.warn({ err: String(error) }, "could not mark the tenant dirty for the hot score"),
    );
  }

  /** The published post or a 404: signals are only for what readers can see. */
  private async publishedPost(tenant: TenantRef, postId: ObjectId) {
    const post = await this.deps.db
      .forTenant(tenant)
      .posts.findOne(
        { _id: postId, status: "published", deletedAt: null },
        { projection: { _id: 1, metrics: 1 } },
      );
    if (!post) throw new AppError("NOT_FOUND", "That post is not published.");
    return post;
  }

  /**
   * Counts a view once per reader per post per UTC day; bots are never counted. Returns whether
   * this call counted.
   */
  async recordView(
    tenant: TenantRef,
    input: { postId: string; reader: string; userAgent: string | null },
  ): Promise<boolean> {
    if (!input.userAgent || isbot(input.userAgent)) return false;
    const postId = toPostId(input.postId);
    const at = this.now();
    const day = at.toISOString().slice(0, 10);
    const t = this.deps.db.forTenant(tenant);
    try {
      const res = await t.views.updateOne(
        { postId, reader: input.reader, day },
        { $setOnInsert: { _id: new ObjectId(), postId, reader: input.reader, day, createdAt: at } },
        { upsert: true },
      );
      if (!res.upsertedCount) return false;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false; // a concurrent first view of the same reader
      throw error;
    }
    await t.posts.updateOne({ _id: postId }, { $inc: { "metrics.views": 1 } });
    await this.dirty(tenant, postId);
    return true;
  }

  /** Likes or unlikes; the `likes` unique index decides a double click. */
  async toggleLike(
    tenant: TenantRef,
    userId: string,
    rawPostId: string,
  ): Promise<{ liked: boolean; likes: number }> {
    const postId = toPostId(rawPostId);
    await this.publishedPost(tenant, postId);
    const uid = new ObjectId(userId);
    const t = this.deps.db.forTenant(tenant);
    const favorites = this.deps.db.master().favorites;
    const removed = await t.likes.deleteOne({ postId, userId: uid });
    let liked: boolean;
    if (removed.deletedCount) {
      liked = false;
      await Promise.all([
        t.posts.updateOne({ _id: postId }, { $inc: { "metrics.likes": -1 } }),
        favorites.deleteOne({ userId: uid, tenantId: tenant._id, postId }),
      ]);
    } else {
      const at = this.now();
      try {
        await t.likes.insertOne({ _id: new ObjectId(), postId, userId: uid, createdAt: at });
        liked = true;
        await Promise.all([
          t.posts.updateOne({ _id: postId }, { $inc: { "metrics.likes": 1 } }),
          favorites
            .updateOne(
              { userId: uid, tenantId: tenant._id, postId },
              {
                $setOnInsert: {
                  _id: new ObjectId(),
                  userId: uid,
                  tenantId: tenant._id,
                  postId,
                  createdAt: at,
                },
              },
              { upsert: true },
            )
            .catch((error: unknown) => {
              if (!isDuplicateKeyError(error)) throw error;
            }),
        ]);
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        liked = true; // the other click of a double click won
      }
    }
    await this.dirty(tenant, postId);
    // Caches of the blog's posts (the RealWorld API's favoritesCount) and of the person's
    // favourites (its `favorited` flags) see the change at once.
    const { redis, redisPrefix } = this.deps;
    await Promise.all([
      bumpBlogChanges(redis(), redisPrefix, tenant._id.toHexString()),
      bumpPersonChanges(redis(), redisPrefix, uid.toHexString()),
    ]).catch((error: unknown) =>
      this.deps.log.warn({ err: String(error) }, "could not bump the blog's or person's change counter"),
    );
    const counts = await this.counts(tenant, rawPostId);
    return { liked, likes: counts.likes };
  }

  async counts(tenant: TenantRef, rawPostId: string): Promise<PostCounts> {
    const map = await this.countsFor(tenant, [rawPostId]);
    return map.get(rawPostId) ?? { ...ZERO };
  }

  /** Per-post counts in one read, for the studio's posts list and the reader's counters. */
  async countsFor(tenant: TenantRef, rawPostIds: string[]): Promise<Map<string, PostCounts>> {
    const ids = rawPostIds.filter((id) => /^[0-9a-f]{24}$/i.test(id)).map((id) => new ObjectId(id));
    const out = new Map<string, PostCounts>();
    if (!ids.length) return out;
    const docs = await this.deps.db
      .forTenant(tenant)
      .posts.find({ _id: { $in: ids } }, { projection: { metrics: 1 } })
      .toArray();
    for (const doc of docs) {
      const m = doc.metrics ?? ZERO;
      out.set(doc._id.toHexString(), {
        views: Math.max(0, m.views ?? 0),
        likes: Math.max(0, m.likes ?? 0),
        comments: Math.max(0, m.comments ?? 0),
      });
    }
    return out;
  }

  async hasLiked(tenant: TenantRef, userId: string, rawPostId: string): Promise<boolean> {
    const postId = toPostId(rawPostId);
    if (!ObjectId.isValid(userId)) return false;
    return (
      (await this.deps.db
        .forTenant(tenant)
        .likes.countDocuments({ postId, userId: new ObjectId(userId) }, { limit: 1 })) > 0
    );
  }
}
