import { ObjectId } from "mongodb";
import { afterEach, describe, expect, it } from "vitest";
import type { TenantDoc } from "@/server/db";
import { feedTestbed } from "../feed/test-kit";
import { startInProcessWorker, until } from "../scheduler/worker-kit";
import { ProfileService } from "../users/profile-service";
import { HotScoreAggregator } from "./aggregator";
import { claimDirtyTenants, dirtyTenantCount, markTenantDirty } from "./dirty";
import { HOT_DECAY_MS, hotScore, signalScore } from "./formula";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const t = await feedTestbed();
  cleanups.push(t.cleanup);
  const aggregator = new HotScoreAggregator({
    db: t.db,
    log: t.log,
    redis: () => t.redis,
    redisPrefix: t.redisPrefix,
  });
  return { ...t, aggregator };
}

type Setup = Awaited<ReturnType<typeof setup>>;

async function signals(
  t: Setup,
  tenant: TenantDoc,
  postId: ObjectId,
  n: { views?: number; likes?: number; comments?: number },
) {
  const db = t.db.forTenant(tenant);
  const at = new Date();
  if (n.views)
    await db.views.insertMany(
      Array.from({ length: n.views }, (_, i) => ({
        _id: new ObjectId(),
        postId,
        reader: `r${i}-${Math.random()}`,
        day: "2026-12-01",
        createdAt: at,
      })),
    );
  if (n.likes)
    await db.likes.insertMany(
      Array.from({ length: n.likes }, () => ({
        _id: new ObjectId(),
        postId,
        userId: new ObjectId(),
        createdAt: at,
      })),
    );
  if (n.comments)
    await db.comments.insertMany(
      Array.from({ length: n.comments }, () => ({
        _id: new ObjectId(),
        postId,
        authorId: null,
        body: "nice",
        createdAt: at,
      })),
    );
}

describe("hot score formula", () => {
  it("is anchored in time: ten times the signals is worth 12.5 hours of recency, and no clock is involved", () => {
    const at = new Date("2026-06-01T12:00:00Z");
    const earlier = new Date(at.getTime() - HOT_DECAY_MS);
    expect(hotScore({ views: 100, likes: 0, comments: 0 }, earlier)).toBeCloseTo(
      hotScore({ views: 10, likes: 0, comments: 0 }, at),
      9,
    );
    expect(signalScore({ views: 1, likes: 1, comments: 1 })).toBe(13);
    // No signals: the score is the publication time alone (hot equals new on a quiet network).
    expect(hotScore({ views: 0, likes: 0, comments: 0 }, at)).toBeLessThan(
      hotScore({ views: 0, likes: 0, comments: 0 }, new Date(at.getTime() + 1)),
    );
  });
});

describe("HotScoreAggregator", () => {
  it("recomputes only dirty tenants (and only their marked posts) and writes metrics and scores", async () => {
    const t = await setup();
    const a = await t.blog("hs-alpha");
    const b = await t.blog("hs-beta");
    const a1 = await t.insertPost(a, { slug: "a1" });
    const a2 = await t.insertPost(a, { slug: "a2" });
    const b1 = await t.insertPost(b, { slug: "b1" });
    for (const [tenant, p] of [
      [a, a1],
      [a, a2],
      [b, b1],
    ] as const)
      await t.feed.sync.syncPost(tenant, p._id);
    const before = await t.rows({ tenantId: b._id });

    await signals(t, a, a1._id, { views: 3, likes: 2, comments: 1 });
    await signals(t, a, a2._id, { views: 5 });
    await signals(t, b, b1._id, { likes: 9 });
    // A hidden and a deleted comment do not count.
    await t.db.forTenant(a).comments.insertMany([
      { _id: new ObjectId(), postId: a1._id, authorId: null, body: "x", hidden: true, createdAt: new Date() },
      {
        _id: new ObjectId(),
        postId: a1._id,
        authorId: null,
        body: "y",
        deletedAt: new Date(),
        createdAt: new Date(),
      },
    ]);
    // Only a1 of blog alpha is marked; blog beta is not marked at all.
    await markTenantDirty(t.redis, t.redisPrefix, a._id, a1._id);
    expect(await dirtyTenantCount(t.redis, t.redisPrefix)).toBe(1);

    expect(await t.aggregator.run()).toEqual({ tenants: 1, rowsUpdated: 1 });
    const [row1] = await t.rows({ postId: a1._id });
    expect(row1?.metrics).toEqual({ views: 3, likes: 2, comments: 1 });
    expect(row1?.signalScore).toBe(3 + 8 + 8);
    expect(row1?.hotScore).toBeCloseTo(hotScore({ views: 3, likes: 2, comments: 1 }, row1!.publishedAt), 9);
    expect((await t.rows({ postId: a2._id }))[0]?.metrics).toEqual({ views: 0, likes: 0, comments: 0 });
    expect(await t.rows({ tenantId: b._id })).toEqual(before);
    expect(await dirtyTenantCount(t.redis, t.redisPrefix)).toBe(0);

    // The whole tenant (no post id): every row of it is recounted; unchanged rows are not written.
    await markTenantDirty(t.redis, t.redisPrefix, a._id);
    expect(await t.aggregator.run()).toEqual({ tenants: 1, rowsUpdated: 1 });
    expect((await t.rows({ postId: a2._id }))[0]?.metrics).toEqual({ views: 5, likes: 0, comments: 0 });
    // Nothing dirty: a run reads nothing.
    expect(await t.aggregator.run()).toEqual({ tenants: 0, rowsUpdated: 0 });
  });

  it("a run that crashed after claiming keeps the claim; the next run finishes it; marks made meanwhile are kept", async () => {
    const t = await setup();
    const a = await t.blog("hs-crash");
    const p = await t.insertPost(a, { slug: "p" });
    await t.feed.sync.syncPost(a, p._id);
    await signals(t, a, p._id, { likes: 1 });
    await markTenantDirty(t.redis, t.redisPrefix, a._id, p._id);
    // Claimed, then the process died before writing.
    expect(await claimDirtyTenants(t.redis, t.redisPrefix)).toEqual([
      { tenantId: a._id.toHexString(), postIds: [p._id.toHexString()] },
    ]);
    // A new signal arrives while the claim is held.
    await signals(t, a, p._id, { likes: 1 });
    await markTenantDirty(t.redis, t.redisPrefix, a._id, p._id);
    await t.aggregator.run();
    expect((await t.rows({ postId: p._id }))[0]?.metrics.likes).toBe(2);
    expect(await dirtyTenantCount(t.redis, t.redisPrefix)).toBe(0);
  });

  it("the worker's metrics jobs: hot scores from the dirty set, author names after a profile change", async () => {
    const t = await setup();
    const a = await t.blog("hs-worker");
    const p = await t.insertPost(a, { slug: "by-owner" });
    await t.feed.sync.syncPost(a, p._id);
    await signals(t, a, p._id, { comments: 2 });
    await markTenantDirty(t.redis, t.redisPrefix, a._id, p._id);
    const profiles = new ProfileService({
      db: t.db,
      storage: null,
      publicBase: "http://localhost:3101/media",
      audit: t.services.audit,
      log: t.log,
    });
    await profiles.update(t.owner.user._id.toHexString(), {
      name: "Grace Hopper",
      username: t.owner.user.username,
      bio: "",
    });

    const worker = await startInProcessWorker(t, { HOT_SCORE_INTERVAL_MS: "500" }, ["metrics"]);
    cleanups.push(worker.stop);
    await until(async () => ((await t.rows({ postId: p._id }))[0]?.metrics.comments ?? 0) === 2);
    await until(async () => (await t.rows({ postId: p._id }))[0]?.authorName === "Grace Hopper");
  });
});
