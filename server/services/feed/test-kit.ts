/**
 * Test fixtures for the feed, scheduler and hot-score suites: real services on the shared test
 * Mongo (own database prefix) and the local Redis (own key prefix), blogs created through
 * TenantsService, posts written straight into a tenant database where a test is about the feed
 * rather than the editor. Not imported by the app.
 */
import { Redis } from "ioredis";
import { ObjectId } from "mongodb";
import type { PostDoc, TenantDoc, UserDoc } from "@/server/db";
import { callerFrom } from "@/server/http/caller";
import { uniqueRedisPrefix } from "@/test/support/mongo";
import { createTestServices, createUser, memoryLogger, TEST_ROOT_DOMAIN } from "@/test/support/services";
import { FeedService } from "./feed-service";

export const TEST_REDIS_URL = "redis://127.0.0.1:6379";

export async function deleteRedisPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== "0");
}

export interface FeedTestbed extends Awaited<ReturnType<typeof feedTestbed>> {}

export async function feedTestbed(opts: { now?: () => Date; cacheMs?: number } = {}) {
  const redisPrefix = uniqueRedisPrefix();
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  // The app's container (posts with their fan-out, scheduler, queues) on this Redis prefix.
  const t = await createTestServices({ now: opts.now, redis, redisPrefix });
  const now = opts.now ?? (() => new Date());
  const owner = await createUser(t.services, "owner");
  const caller = callerFrom(owner.session, { ip: "203.0.113.9", requestId: "req-feed" });
  const { log, lines } = memoryLogger();
  // Reads without the response cache, so a test sees every write at once.
  const feed = new FeedService({
    db: t.db,
    log,
    now,
    redis: () => redis,
    redisPrefix,
    rootDomain: TEST_ROOT_DOMAIN,
    protocol: "http",
    cacheMs: opts.cacheMs ?? 0,
  });
  const { queues, scheduler } = t.services;

  const blog = async (slug: string): Promise<TenantDoc> => {
    await t.services.tenants.create({ name: `Blog ${slug}`, slug, theme: "classic" }, caller);
    const tenant = await t.services.tenants.findActiveBySlug(slug);
    if (!tenant) throw new Error(`blog ${slug} not active`);
    return tenant;
  };

  /** A post document as the editor stores it, written straight into the tenant database. */
  const insertPost = async (
    tenant: TenantDoc,
    post: Partial<PostDoc> & { slug: string },
    author: UserDoc = owner.user,
  ): Promise<PostDoc> => {
    const at = post.publishedAt ?? now();
    const doc: PostDoc = {
      _id: new ObjectId(),
      title: `Title of ${post.slug}`,
      content: { type: "doc", content: [] },
      html: "<p>Body</p>",
      text: `Body of ${post.slug}`,
      excerpt: `About ${post.slug}`,
      tags: ["general"],
      coverUrl: null,
      status: "published",
      publishAt: null,
      publishedAt: at,
      authorIds: [author._id],
      version: 1,
      syncedVersion: 0,
      readingMinutes: 3,
      createdAt: at,
      updatedAt: at,
      ...post,
    };
    await t.db.forTenant(tenant).posts.insertOne(doc);
    return doc;
  };

  /** Changes a post the way a versioned editor write does (version + 1). */
  const updatePost = async (tenant: TenantDoc, postId: ObjectId, set: Partial<PostDoc>): Promise<PostDoc> => {
    const updated = await t.db
      .forTenant(tenant)
      .posts.findOneAndUpdate(
        { _id: postId },
        { $set: set, $inc: { version: 1 } },
        { returnDocument: "after" },
      );
    if (!updated) throw new Error("no such post");
    return updated;
  };

  const rows = (filter: Record<string, unknown> = {}) =>
    t.db
      .master()
      .globalFeed.find({ removedAt: { $exists: false }, ...filter })
      .toArray();

  const cleanup = async () => {
    await t.cleanup();
    await deleteRedisPrefix(redis, redisPrefix);
    redis.disconnect();
  };

  return {
    ...t,
    owner,
    caller,
    redis,
    redisPrefix,
    log,
    logLines: lines,
    feed,
    queues,
    scheduler,
    blog,
    insertPost,
    updatePost,
    rows,
    cleanup,
  };
}
