import { ObjectId } from "mongodb";
import { afterEach, describe, expect, it } from "vitest";
import type { TenantDoc } from "@/server/db";
import { createUser } from "@/test/support/services";
import { HotScoreAggregator } from "../hot-score/aggregator";
import { markTenantDirty } from "../hot-score/dirty";
import { type FeedItem, FeedService } from "./feed-service";
import { type FeedTestbed, feedTestbed } from "./test-kit";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function setup() {
  const t = await feedTestbed();
  cleanups.push(t.cleanup);
  return t;
}

const minute = 60_000;
const base = Date.now() - 3 * 86_400_000;

/** `n` published posts spread a minute apart, tags cycling through `tags`, all synced. */
async function seedPosts(t: FeedTestbed, tenant: TenantDoc, n: number, tags: string[][], offset = 0) {
  const posts = [];
  for (let i = 0; i < n; i++) {
    const p = await t.insertPost(tenant, {
      slug: `${tenant.slug}-p${i + offset}`,
      publishedAt: new Date(base + (i + offset) * minute),
      tags: tags[i % tags.length],
    });
    await t.feed.sync.syncPost(tenant, p._id);
    posts.push(p);
  }
  return posts;
}

async function pages(
  feed: FeedService,
  input: Record<string, unknown>,
  between?: (page: number) => Promise<void>,
) {
  const seen: FeedItem[] = [];
  let cursor: string | undefined;
  for (let page = 1; ; page++) {
    const res = await feed.list({ ...input, ...(cursor ? { cursor } : {}) });
    seen.push(...res.items);
    if (!res.nextCursor) return seen;
    cursor = res.nextCursor;
    await between?.(page);
  }
}

const slugs = (items: FeedItem[]) => items.map((i) => i.slug);

describe("FeedService.list: filters and sorts", () => {
  it("filters by one tag, several tags, author (username or id) and blog (slug or id)", async () => {
    const t = await setup();
    const a = await t.blog("q-alpha");
    const b = await t.blog("q-beta");
    const other = await createUser(t.services, "other");
    // Nothing published yet: no chips, and that empty answer is not kept (checked further down).
    expect(await t.feed.popularTags(10)).toEqual([]);
    await seedPosts(t, a, 6, [["go"], ["rust", "go"], ["zig"]]);
    const theirs = await t.insertPost(
      b,
      { slug: "theirs", tags: ["zig"], publishedAt: new Date(base) },
      other.user,
    );
    await t.feed.sync.syncPost(b, theirs._id);

    expect(slugs((await t.feed.list({ tag: "go", sort: "new" })).items)).toEqual([
      "q-alpha-p4",
      "q-alpha-p3",
      "q-alpha-p1",
      "q-alpha-p0",
    ]);
    // Several tags: merged newest first, a post with both tags once.
    expect(slugs((await t.feed.list({ tag: ["rust", "zig"], sort: "new" })).items)).toEqual([
      "q-alpha-p5",
      "q-alpha-p4",
      "q-alpha-p2",
      "q-alpha-p1",
      "theirs",
    ]);
    expect(slugs((await t.feed.list({ tag: "Rust,  ZIG ", sort: "new", limit: 2 })).items)).toEqual([
      "q-alpha-p5",
      "q-alpha-p4",
    ]);
    expect(slugs((await t.feed.list({ author: other.user.username })).items)).toEqual(["theirs"]);
    expect(slugs((await t.feed.list({ author: other.user._id.toHexString() })).items)).toEqual(["theirs"]);
    expect((await t.feed.list({ tenant: "q-beta" })).items.map((i) => i.tenantId)).toEqual([
      b._id.toHexString(),
    ]);
    expect((await t.feed.list({ tenant: a._id.toHexString(), tag: "zig" })).items).toHaveLength(2);
    expect((await t.feed.list({ author: "nobody-here" })).items).toEqual([]);
    expect((await t.feed.list({ tenant: "no-such-blog" })).items).toEqual([]);

    const item = (await t.feed.list({ tenant: "q-beta" })).items[0]!;
    expect(item).toMatchObject({
      tenantSlug: "q-beta",
      slug: "theirs",
      title: "Title of theirs",
      excerpt: "About theirs",
      tags: ["zig"],
      authorName: "other",
      url: "http://q-beta.localhost:3101/theirs",
    });
    expect(typeof item.hotScore).toBe("number");
    expect(item.publishedAt).toBe(new Date(base).toISOString());

    // Topic chips: the network's tags by post count, or one writer's own tags on an author page.
    expect(await t.feed.popularTags(10)).toEqual([
      { tag: "go", posts: 4 },
      { tag: "zig", posts: 3 },
      { tag: "rust", posts: 2 },
    ]);
    expect(await t.feed.popularTags(10, { author: other.user.username })).toEqual([{ tag: "zig", posts: 1 }]);
    expect(await t.feed.popularTags(10, { author: "nobody-here" })).toEqual([]);
  });

  it("refuses invalid parameters with a message (a 400, never a 500)", async () => {
    const t = await setup();
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ sort: "best" }, /sort must be one of/],
      [{ limit: 0 }, /at least 1/],
      [{ limit: 51 }, /at most 50/],
      [{ limit: "ten" }, /number/],
      [{ period: "century", sort: "top" }, /period must be one of/],
      [{ tag: ["a", "b", "c", "d", "e", "f"] }, /at most 5 tags/],
      [{ author: "no spaces allowed" }, /author/],
      [{ cursor: "%%%" }, /cursor is not valid/],
      [{ cursor: Buffer.from('{"k":"k"}').toString("base64url") }, /cursor is not valid/],
      [{ colour: "red" }, /Unknown parameter: colour/],
    ];
    for (const [input, message] of bad) {
      await expect(t.feed.list(input), JSON.stringify(input)).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: expect.stringMatching(message),
      });
    }
    // A cursor of one query cannot be replayed against another.
    const t2 = await t.blog("q-cur");
    await seedPosts(t, t2, 3, [["x"]]);
    const first = await t.feed.list({ sort: "new", limit: 1 });
    await expect(t.feed.list({ sort: "new", tag: "x", cursor: first.nextCursor })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/another feed query/),
    });
  });
});

describe("FeedService.list: cursors neither repeat nor skip", () => {
  it("new: posts published between pages do not shift later pages", async () => {
    const t = await setup();
    const tenant = await t.blog("q-new");
    const original = await seedPosts(t, tenant, 25, [["a"], ["b"]]);
    const seen = await pages(t.feed, { sort: "new", limit: 7 }, async (page) => {
      // Newer posts arrive while the reader scrolls.
      await seedPosts(t, tenant, 2, [["a"]], 100 + page * 10);
    });
    expect(new Set(slugs(seen)).size).toBe(seen.length);
    expect(slugs(seen)).toEqual(original.map((p) => p.slug).reverse());
  });

  it("hot: scores that change between pages keep the first page's order (snapshot), then a live keyset", async () => {
    const t = await feedTestbed({});
    cleanups.push(t.cleanup);
    const feed = new FeedService({
      db: t.db,
      log: t.log,
      now: () => new Date(),
      redis: () => t.redis,
      redisPrefix: t.redisPrefix,
      rootDomain: "localhost:3101",
      protocol: "http",
      cacheMs: 0,
      snapshotSize: 18,
    });
    const tenant = await t.blog("q-hot");
    const posts = await seedPosts(t, tenant, 24, [["h"]]);
    const aggregator = new HotScoreAggregator({
      db: t.db,
      log: t.log,
      redis: () => t.redis,
      redisPrefix: t.redisPrefix,
    });
    const expected = slugs(await pages(feed, { sort: "hot", limit: 5 }));
    expect(expected).toHaveLength(24);

    const first = await feed.list({ sort: "hot", limit: 5 });
    expect(slugs(first.items)).toEqual(expected.slice(0, 5));
    // The oldest posts (last pages) get many likes: their live scores jump to the top.
    const { likes } = t.db.forTenant(tenant);
    for (const p of posts.slice(0, 4)) {
      await likes.insertMany(
        Array.from({ length: 50 }, () => ({
          _id: new ObjectId(),
          postId: p._id,
          userId: new ObjectId(),
          createdAt: new Date(),
        })),
      );
      await markTenantDirty(t.redis, t.redisPrefix, tenant._id, p._id);
    }
    expect((await aggregator.run()).rowsUpdated).toBe(4);
    const live = slugs((await feed.list({ sort: "hot", limit: 5 })).items);
    expect(live.slice(0, 4).sort()).toEqual(
      posts
        .slice(0, 4)
        .map((p) => p.slug)
        .sort(),
    );

    // The reader who started before the change pages through the snapshot: no repeats, no skips.
    const rest: FeedItem[] = [];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await feed.list({ sort: "hot", limit: 5, cursor });
      rest.push(...page.items);
      cursor = page.nextCursor;
    }
    const all = [...slugs(first.items), ...slugs(rest)];
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(all)).toEqual(new Set(expected));
    // Within the snapshot (18 scores) the order is the first page's order.
    expect(all.slice(0, 18)).toEqual(expected.slice(0, 18));
  });

  it("top: ranks by weighted signals within the period, paging over a snapshot", async () => {
    const t = await setup();
    const tenant = await t.blog("q-top");
    const posts = await seedPosts(t, tenant, 6, [["t"]]);
    const old = await t.insertPost(tenant, {
      slug: "ancient",
      publishedAt: new Date(Date.now() - 40 * 86_400_000),
    });
    await t.feed.sync.syncPost(tenant, old._id);
    const { views, comments } = t.db.forTenant(tenant);
    // post 2: 3 comments (24); post 4: 10 views (10); ancient: 100 views but outside a week.
    await comments.insertMany(
      [0, 1, 2].map(() => ({
        _id: new ObjectId(),
        postId: posts[2]!._id,
        authorId: null,
        body: "hi",
        createdAt: new Date(),
      })),
    );
    await views.insertMany(
      Array.from({ length: 10 }, (_, i) => ({
        _id: new ObjectId(),
        postId: posts[4]!._id,
        reader: `r${i}`,
        day: "2026-01-01",
        createdAt: new Date(),
      })),
    );
    await views.insertMany(
      Array.from({ length: 100 }, (_, i) => ({
        _id: new ObjectId(),
        postId: old._id,
        reader: `r${i}`,
        day: "2026-01-01",
        createdAt: new Date(),
      })),
    );
    await markTenantDirty(t.redis, t.redisPrefix, tenant._id);
    await new HotScoreAggregator({
      db: t.db,
      log: t.log,
      redis: () => t.redis,
      redisPrefix: t.redisPrefix,
    }).run();

    const week = await t.feed.list({ sort: "top", period: "week", limit: 2 });
    expect(slugs(week.items)).toEqual([posts[2]!.slug, posts[4]!.slug]);
    expect(week.items[0]?.metrics).toEqual({ views: 0, likes: 0, comments: 3 });
    const everything = slugs(await pages(t.feed, { sort: "top", period: "all", limit: 2 }));
    expect(everything[0]).toBe("ancient");
    expect(everything).toHaveLength(7);
    expect(new Set(everything).size).toBe(7);
  });
});

describe("FeedService page cache", () => {
  it("serves a page until the feed changes, and shows a write within a second", async () => {
    const t = await feedTestbed({ cacheMs: 1_000 });
    cleanups.push(t.cleanup);
    const tenant = await t.blog("q-cache");
    await seedPosts(t, tenant, 2, [["c"]]);
    const first = await t.feed.list({ tag: "c", sort: "new" });
    expect(first.items).toHaveLength(2);
    // A write that goes around the feed sync (no change counter bump) is not seen: the page is cached.
    await t.db
      .master()
      .globalFeed.updateMany({ tenantId: tenant._id }, { $set: { title: "Edited behind its back" } });
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await t.feed.list({ tag: "c", sort: "new" })).items.map((i) => i.title)).not.toContain(
      "Edited behind its back",
    );
    // A sync bumps the counter: the next read after at most a second sees it.
    const p = await t.insertPost(tenant, { slug: "fresh", tags: ["c"] });
    await t.feed.sync.syncPost(tenant, p._id);
    await new Promise((r) => setTimeout(r, 1_100));
    const after = await t.feed.list({ tag: "c", sort: "new" });
    expect(after.items.map((i) => i.slug)).toContain("fresh");
  });
});
