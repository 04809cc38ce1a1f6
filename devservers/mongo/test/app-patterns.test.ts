/**
 * The query shapes Conduit's services rely on (see /work/shared/ARCHITECTURE.md): feed pagination
 * by (publishedAt, _id), the global feed written by upsert only under a compound unique index,
 * counters in sub-documents, tag facets.
 */
import { ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import { type AnyDoc, setupMongo } from "./support";

const mongo = setupMongo();

function feedRows(n: number) {
  // Few distinct timestamps so that ties must be broken by _id.
  return Array.from({ length: n }, (_, i) => ({
    _id: new ObjectId(),
    tenantId: `t${i % 4}`,
    postId: `p${i}`,
    publishedAt: new Date(Date.UTC(2025, 0, 1 + (i % 9))),
    tags: [`tag${i % 5}`, i % 2 ? "odd" : "even"],
    metrics: { views: 0, likes: i % 7 },
  }));
}

describe("application query patterns", () => {
  it("pages through a feed by (publishedAt desc, _id desc) with a keyset cursor", async () => {
    const c = mongo.db().collection<AnyDoc>("global_feed");
    await c.createIndex({ publishedAt: -1, _id: -1 });
    const rows = feedRows(97);
    await c.insertMany(rows);
    const expected = [...rows]
      .sort(
        (a, b) =>
          b.publishedAt.getTime() - a.publishedAt.getTime() ||
          b._id.toHexString().localeCompare(a._id.toHexString()),
      )
      .map((r) => r._id.toHexString());

    const seen: string[] = [];
    let cursor: { publishedAt: Date; _id: ObjectId } | undefined;
    for (;;) {
      const filter = cursor
        ? {
            $or: [
              { publishedAt: { $lt: cursor.publishedAt } },
              { publishedAt: cursor.publishedAt, _id: { $lt: cursor._id } },
            ],
          }
        : {};
      const page = await c.find(filter).sort({ publishedAt: -1, _id: -1 }).limit(10).toArray();
      if (page.length === 0) break;
      seen.push(...page.map((d) => (d._id as ObjectId).toHexString()));
      const last = page[page.length - 1]!;
      cursor = { publishedAt: last.publishedAt, _id: last._id };
    }
    expect(seen).toEqual(expected);
  });

  it("upserts the same (tenantId, postId) from many clients at once into one document", async () => {
    const name = mongo.db().databaseName;
    const feed = mongo.client.db(name).collection<AnyDoc>("global_feed");
    await feed.createIndex({ tenantId: 1, postId: 1 }, { unique: true });
    const clients = await Promise.all(Array.from({ length: 10 }, () => mongo.connect({ maxPoolSize: 1 })));
    const results = await Promise.all(
      clients.map((client, i) =>
        client
          .db(name)
          .collection<AnyDoc>("global_feed")
          .updateOne(
            { tenantId: "t1", postId: "p1" },
            { $set: { title: `v${i}` }, $setOnInsert: { createdBy: i }, $inc: { writes: 1 } },
            { upsert: true },
          ),
      ),
    );
    expect(results.reduce((n, r) => n + r.upsertedCount, 0)).toBe(1);
    expect(results.reduce((n, r) => n + r.matchedCount, 0)).toBe(9);
    const docs = await feed.find().toArray();
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ tenantId: "t1", postId: "p1", writes: 10 });
  });

  it("counts views and likes in a sub-document and ranks by them", async () => {
    const c = mongo.db().collection<AnyDoc>("posts");
    const rows = feedRows(20);
    await c.insertMany(rows);
    await Promise.all(
      rows.map((r, i) => c.updateOne({ _id: r._id }, { $inc: { "metrics.views": i, "metrics.likes": 1 } })),
    );
    const top = await c
      .find({}, { projection: { _id: 0, postId: 1, metrics: 1 } })
      .sort({ "metrics.views": -1 })
      .limit(3)
      .toArray();
    expect(top).toEqual([
      { postId: "p19", metrics: { views: 19, likes: (19 % 7) + 1 } },
      { postId: "p18", metrics: { views: 18, likes: (18 % 7) + 1 } },
      { postId: "p17", metrics: { views: 17, likes: (17 % 7) + 1 } },
    ]);
    const byTenant = await c
      .aggregate([
        { $group: { _id: "$tenantId", views: { $sum: "$metrics.views" }, posts: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(byTenant).toEqual([
      { _id: "t0", views: 0 + 4 + 8 + 12 + 16, posts: 5 },
      { _id: "t1", views: 1 + 5 + 9 + 13 + 17, posts: 5 },
      { _id: "t2", views: 2 + 6 + 10 + 14 + 18, posts: 5 },
      { _id: "t3", views: 3 + 7 + 11 + 15 + 19, posts: 5 },
    ]);
  });

  it("lists tags with counts for a filtered set of posts", async () => {
    const c = mongo.db().collection<AnyDoc>("posts");
    await c.insertMany(feedRows(30));
    // tenant t0 holds the rows i = 0, 4, 8…: all even, every tag<i % 5>.
    expect((await c.distinct("tags", { tenantId: "t0" })).sort()).toEqual([
      "even",
      "tag0",
      "tag1",
      "tag2",
      "tag3",
      "tag4",
    ]);
    const counts = await c
      .aggregate([
        { $match: { tags: "odd" } },
        { $unwind: "$tags" },
        { $match: { tags: { $ne: "odd" } } },
        { $sortByCount: "$tags" },
        { $sort: { count: -1, _id: 1 } },
      ])
      .toArray();
    expect(counts).toEqual(
      [
        { _id: "tag1", count: 3 },
        { _id: "tag3", count: 3 },
        { _id: "tag0", count: 3 },
        { _id: "tag2", count: 3 },
        { _id: "tag4", count: 3 },
      ].sort((a, b) => a._id.localeCompare(b._id)),
    );
  });

  it("finds posts by a case-insensitive title prefix with regex metacharacters escaped", async () => {
    const c = mongo.db().collection<AnyDoc>("posts");
    await c.insertMany([
      { _id: 1, title: "C++ (the language)" },
      { _id: 2, title: "c++ tips" },
      { _id: 3, title: "Cpp" },
    ]);
    const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const found = await c
      .find({ title: { $regex: `^${escapeRegex("c++")}`, $options: "i" } })
      .sort({ _id: 1 })
      .toArray();
    expect(found.map((d) => d._id)).toEqual([1, 2]);
  });
});
