import { afterEach, describe, expect, it } from "vitest";
import { feedTestbed } from "./test-kit";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function setup() {
  const t = await feedTestbed();
  cleanups.push(t.cleanup);
  return t;
}

describe("FeedSync keeps global_feed exact", () => {
  it("publish upserts one row with the post's metadata, URL and version, and records syncedVersion", async () => {
    const t = await setup();
    const tenant = await t.blog("sync-pub");
    const post = await t.insertPost(tenant, { slug: "hello", title: "Hello $world", tags: ["ronin", "go"] });
    const result = await t.feed.sync.syncPost(tenant, post._id);
    expect(result).toEqual({ outcome: "upserted", version: 1 });
    // Again: the guard sees the same version and writes nothing.
    expect(await t.feed.sync.syncPost(tenant._id, post._id)).toEqual({ outcome: "stale", version: 1 });

    const rows = await t.rows({ tenantId: tenant._id });
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      postId: post._id,
      tenantSlug: "sync-pub",
      slug: "hello",
      // A title starting with "$" is kept as text, not read as a field path.
      title: "Hello $world",
      tags: ["ronin", "go"],
      authorName: "owner",
      version: 1,
      metrics: { views: 0, likes: 0, comments: 0 },
    });
    expect(row.hotScore).toBeGreaterThan(0);
    const stored = await t.db.forTenant(tenant).posts.findOne({ _id: post._id });
    expect(stored?.syncedVersion).toBe(1);
    const page = await t.feed.list({ tenant: "sync-pub" });
    expect(page.items[0]?.url).toBe(`http://sync-pub.localhost:3101/hello`);
  });

  it("an update of a published post replaces the row; a slug change moves the URL", async () => {
    const t = await setup();
    const tenant = await t.blog("sync-upd");
    const post = await t.insertPost(tenant, { slug: "first" });
    await t.feed.sync.syncPost(tenant, post._id);
    await t.updatePost(tenant, post._id, { title: "Renamed", slug: "second", previousSlugs: ["first"] });
    expect((await t.feed.sync.syncPost(tenant, post._id)).outcome).toBe("upserted");
    const rows = await t.rows({ tenantId: tenant._id });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ title: "Renamed", slug: "second", version: 2 });
    expect((await t.feed.list({ tenant: "sync-upd" })).items.map((i) => i.url)).toEqual([
      "http://sync-upd.localhost:3101/second",
    ]);
  });

  it("unpublish, archive, delete and pages leave the feed; republishing brings the row back once", async () => {
    const t = await setup();
    const tenant = await t.blog("sync-out");
    const a = await t.insertPost(tenant, { slug: "a" });
    const b = await t.insertPost(tenant, { slug: "b" });
    const c = await t.insertPost(tenant, { slug: "c" });
    const page = await t.insertPost(tenant, { slug: "about", type: "page" });
    for (const p of [a, b, c, page]) await t.feed.sync.syncPost(tenant, p._id);
    expect((await t.rows({ tenantId: tenant._id })).map((r) => r.slug).sort()).toEqual(["a", "b", "c"]);

    await t.updatePost(tenant, a._id, { status: "draft" });
    await t.updatePost(tenant, b._id, { status: "archived" });
    await t.updatePost(tenant, c._id, { deletedAt: new Date() });
    for (const p of [a, b, c]) expect((await t.feed.sync.syncPost(tenant, p._id)).outcome).toBe("removed");
    expect(await t.rows({ tenantId: tenant._id })).toHaveLength(0);
    expect((await t.feed.list({ tenant: "sync-out", sort: "new" })).items).toHaveLength(0);

    await t.updatePost(tenant, a._id, { status: "published" });
    await t.feed.sync.syncPost(tenant, a._id);
    const all = await t.db.master().globalFeed.find({ tenantId: tenant._id, postId: a._id }).toArray();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ slug: "a", version: 3 });
    expect(all[0]?.removedAt).toBeUndefined();
  });

  it("the version guard: an older sync arriving late never overwrites a newer row or tombstone", async () => {
    const t = await setup();
    const tenant = await t.blog("sync-guard");
    const post = await t.insertPost(tenant, { slug: "g", title: "v1" });
    const v1 = await t.db.forTenant(tenant).posts.findOne({ _id: post._id });
    await t.updatePost(tenant, post._id, { title: "v2" });
    await t.feed.sync.syncPost(tenant, post._id);

    // A sync that read version 1 before the edit writes its row now: nothing changes.
    const { upsertPipeline, rowContent } = await import("./feed-row");
    const late = () =>
      t.db
        .master()
        .globalFeed.updateOne(
          { tenantId: tenant._id, postId: post._id, version: { $lt: 1 } },
          upsertPipeline(rowContent(tenant, v1!, null, 1), new Date()),
          { upsert: true },
        );
    await expect(late()).rejects.toMatchObject({ code: 11000 });
    expect((await t.rows({ postId: post._id }))[0]).toMatchObject({ title: "v2", version: 2 });

    // Unpublished at version 3: the tombstone blocks the late version-1 sync as well.
    await t.updatePost(tenant, post._id, { status: "draft" });
    await t.feed.sync.syncPost(tenant, post._id);
    await expect(late()).rejects.toMatchObject({ code: 11000 });
    expect(await t.rows({ postId: post._id })).toHaveLength(0);
  });

  it("concurrent syncs of the same post from several processes leave exactly one row", async () => {
    const t = await setup();
    const tenant = await t.blog("sync-race");
    const post = await t.insertPost(tenant, { slug: "race" });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => t.feed.sync.syncPost(tenant, post._id)),
    );
    expect(results.filter((r) => r.outcome === "upserted").length).toBeGreaterThanOrEqual(1);
    expect(await t.db.master().globalFeed.countDocuments({ postId: post._id })).toBe(1);
  });

  it("an author's profile change reaches every row naming them", async () => {
    const t = await setup();
    const tenant = await t.blog("sync-prof");
    const one = await t.insertPost(tenant, { slug: "one" });
    const two = await t.insertPost(tenant, { slug: "two" });
    for (const p of [one, two]) await t.feed.sync.syncPost(tenant, p._id);
    await t.db
      .master()
      .users.updateOne({ _id: t.owner.user._id }, { $set: { name: "Ada Lovelace", updatedAt: new Date() } });
    expect(await t.feed.sync.refreshAuthor(t.owner.user._id)).toBe(2);
    expect(await t.feed.sync.refreshAuthor(t.owner.user._id)).toBe(0);
    expect((await t.rows({ tenantId: tenant._id })).map((r) => r.authorName)).toEqual([
      "Ada Lovelace",
      "Ada Lovelace",
    ]);
  });

  it("a deleted blog leaves the feed, and a late sync of one of its posts does not bring it back", async () => {
    const t = await setup();
    const keep = await t.blog("sync-keep");
    const gone = await t.blog("sync-gone");
    const kept = await t.insertPost(keep, { slug: "kept" });
    const p1 = await t.insertPost(gone, { slug: "p1" });
    const p2 = await t.insertPost(gone, { slug: "p2" });
    for (const [tenant, p] of [
      [keep, kept],
      [gone, p1],
      [gone, p2],
    ] as const)
      await t.feed.sync.syncPost(tenant, p._id);

    await t.services.tenants.delete("sync-gone", t.caller);
    // The request's own removal may have failed; the worker's purge finds the blog by its status.
    expect(await t.feed.sync.purgeDeletedTenants()).toBeGreaterThanOrEqual(0);
    await t.feed.sync.removeTenant(gone._id);
    expect(await t.rows({ tenantId: gone._id })).toHaveLength(0);
    expect(await t.rows({ tenantId: keep._id })).toHaveLength(1);
    expect((await t.db.master().tenants.findOne({ _id: gone._id }))?.feedPurgedAt).toBeInstanceOf(Date);

    expect((await t.feed.sync.syncPost(gone._id, p1._id)).outcome).toBe("removed");
    expect(await t.rows({ tenantId: gone._id })).toHaveLength(0);
    expect(await t.feed.sync.purgeDeletedTenants()).toBe(0);
  });
});
