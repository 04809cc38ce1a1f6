import { afterEach, describe, expect, it } from "vitest";
import { readerFixture } from "@/server/front/testing";
import { createUser } from "@/test/support/services";
import { anonymousReader } from "./signals-service";

const BROWSER =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
const BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

const fixtures: Awaited<ReturnType<typeof readerFixture>>[] = [];
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.cleanup()));
});

describe("SignalsService", () => {
  it("counts a view once per reader per post per day, never a bot's, and marks the tenant dirty", async () => {
    let now = new Date("2026-03-01T10:00:00Z");
    const f = await readerFixture();
    fixtures.push(f);
    const tenant = await f.blog("views");
    const post = await f.post(tenant, { slug: "story" });
    const postId = post._id.toHexString();
    const { SignalsService } = await import("./signals-service");
    const signals = new SignalsService({
      db: f.db,
      log: { warn: () => undefined },
      redis: () => f.redis,
      redisPrefix: f.redisPrefix,
      now: () => now,
    });
    const reader = anonymousReader("203.0.113.5", BROWSER);
    expect(reader).not.toContain("203.0.113.5");
    expect(await signals.recordView(tenant, { postId, reader, userAgent: BROWSER })).toBe(true);
    expect(await signals.recordView(tenant, { postId, reader, userAgent: BROWSER })).toBe(false);
    expect(await signals.recordView(tenant, { postId, reader: "bot", userAgent: BOT })).toBe(false);
    expect(await signals.recordView(tenant, { postId, reader: "none", userAgent: null })).toBe(false);
    expect(await signals.recordView(tenant, { postId, reader: "user:other", userAgent: BROWSER })).toBe(true);
    now = new Date("2026-03-02T00:00:01Z");
    expect(await signals.recordView(tenant, { postId, reader, userAgent: BROWSER })).toBe(true);
    expect((await signals.counts(tenant, postId)).views).toBe(3);
    expect(await f.db.forTenant(tenant).views.countDocuments({ postId: post._id })).toBe(3);
    expect(await f.redis.sismember(`${f.redisPrefix}hot:dirty`, tenant._id.toHexString())).toBe(1);
    expect(await f.redis.smembers(`${f.redisPrefix}hot:dirty:${tenant._id.toHexString()}`)).toEqual([postId]);
  });

  it("toggles a like, records the favorite in master, and gives per-post counts for the studio", async () => {
    const f = await readerFixture();
    fixtures.push(f);
    const tenant = await f.blog("likes");
    const a = await f.post(tenant, { slug: "a" });
    const b = await f.post(tenant, { slug: "b" });
    const reader = await createUser(f.services, "reader");
    const uid = reader.user._id.toHexString();
    const aid = a._id.toHexString();

    expect(await f.services.signals.toggleLike(tenant, uid, aid)).toEqual({ liked: true, likes: 1 });
    expect(await f.services.signals.hasLiked(tenant, uid, aid)).toBe(true);
    expect(await f.db.master().favorites.countDocuments({ userId: reader.user._id, postId: a._id })).toBe(1);
    await f.services.signals.toggleLike(tenant, f.owner.user._id.toHexString(), aid);
    const counts = await f.services.signals.countsFor(tenant, [aid, b._id.toHexString(), "junk"]);
    expect(counts.get(aid)).toEqual({ views: 0, likes: 2, comments: 0 });
    expect(counts.get(b._id.toHexString())).toEqual({ views: 0, likes: 0, comments: 0 });
    expect(counts.has("junk")).toBe(false);

    expect(await f.services.signals.toggleLike(tenant, uid, aid)).toEqual({ liked: false, likes: 1 });
    expect(await f.db.master().favorites.countDocuments({ userId: reader.user._id })).toBe(0);
    const draft = await f.post(tenant, { slug: "d", status: "draft", publishedAt: null });
    await expect(f.services.signals.toggleLike(tenant, uid, draft._id.toHexString())).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});
