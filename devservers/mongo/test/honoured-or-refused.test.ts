/**
 * Features outside the embedded server's list (issue 3) must be either honoured exactly as mongod
 * does or refused with a MongoDB error — never accepted and silently ignored. Against a real
 * mongod every one of these takes the "honoured" branch.
 */
import { MongoServerError } from "mongodb";
import { describe, expect, it } from "vitest";
import { type AnyDoc, setupMongo } from "./support";

const mongo = setupMongo();

type Outcome<T> = { value: T } | { error: MongoServerError };

async function attempt<T>(op: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { value: await op() };
  } catch (error) {
    if (error instanceof MongoServerError) return { error };
    throw error;
  }
}

function refusedProperly(outcome: { error: MongoServerError }) {
  expect(typeof outcome.error.code).toBe("number");
  expect(outcome.error.code).not.toBe(0);
  expect(outcome.error.message.length).toBeGreaterThan(0);
}

describe("honoured or refused, never ignored", () => {
  it("find with a case-insensitive collation", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.insertMany([
      { _id: 1, name: "Ann" },
      { _id: 2, name: "ann" },
      { _id: 3, name: "Bob" },
    ]);
    const out = await attempt(() =>
      c.find({ name: "ANN" }, { collation: { locale: "en", strength: 2 }, sort: { _id: 1 } }).toArray(),
    );
    if ("error" in out) return refusedProperly(out);
    expect(out.value.map((d) => d._id)).toEqual([1, 2]);
  });

  it("a collection validator", async () => {
    const db = mongo.db();
    const created = await attempt(() => db.createCollection("v", { validator: { n: { $type: "int" } } }));
    if ("error" in created) return refusedProperly(created);
    await db.collection("v").insertOne({ n: 1 });
    const bad = await attempt(() => db.collection("v").insertOne({ n: "one" }));
    expect("error" in bad && bad.error.code).toBe(121);
    expect(await db.collection("v").countDocuments()).toBe(1);
  });

  it("a capped collection", async () => {
    const db = mongo.db();
    const created = await attempt(() => db.createCollection("cap", { capped: true, size: 4096, max: 3 }));
    if ("error" in created) return refusedProperly(created);
    for (let i = 0; i < 5; i++) await db.collection<AnyDoc>("cap").insertOne({ _id: i });
    expect((await db.collection<AnyDoc>("cap").find().toArray()).map((d) => d._id)).toEqual([2, 3, 4]);
  });

  it("a TTL index keeps its option", async () => {
    const c = mongo.db().collection("c");
    const created = await attempt(() => c.createIndex({ at: 1 }, { expireAfterSeconds: 3600 }));
    if ("error" in created) return refusedProperly(created);
    expect((await c.indexes()).find((i) => i.name === "at_1")).toEqual({
      v: 2,
      key: { at: 1 },
      name: "at_1",
      expireAfterSeconds: 3600,
    });
  });

  it("aggregate $out writes the result collection", async () => {
    const db = mongo.db();
    await db.collection<AnyDoc>("src").insertMany([
      { _id: 1, k: "a" },
      { _id: 2, k: "b" },
    ]);
    const out = await attempt(() =>
      db
        .collection("src")
        .aggregate([{ $match: { k: "b" } }, { $out: "dst" }])
        .toArray(),
    );
    if ("error" in out) return refusedProperly(out);
    expect(out.value).toEqual([]);
    expect(await db.collection("dst").find().toArray()).toEqual([{ _id: 2, k: "b" }]);
  });

  it("aggregate $bucket", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.insertMany([1, 5, 12, 18, 25].map((n, i) => ({ _id: i, n })));
    const out = await attempt(() =>
      c.aggregate([{ $bucket: { groupBy: "$n", boundaries: [0, 10, 20], default: "other" } }]).toArray(),
    );
    if ("error" in out) return refusedProperly(out);
    expect(out.value).toEqual([
      { _id: 0, count: 2 },
      { _id: 10, count: 2 },
      { _id: "other", count: 1 },
    ]);
  });

  it("a text query", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    const indexed = await attempt(() => c.createIndex({ body: "text" }));
    if ("error" in indexed) return refusedProperly(indexed);
    await c.insertMany([
      { _id: 1, body: "the quick brown fox" },
      { _id: 2, body: "lazy dogs sleep" },
    ]);
    const out = await attempt(() => c.find({ $text: { $search: "fox" } }).toArray());
    if ("error" in out) return refusedProperly(out);
    expect(out.value.map((d) => d._id)).toEqual([1]);
  });

  it("an update with a collation", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.insertOne({ _id: 1, name: "Ann" });
    const out = await attempt(() =>
      c.updateOne({ name: "ann" }, { $set: { hit: true } }, { collation: { locale: "en", strength: 2 } }),
    );
    if ("error" in out) return refusedProperly(out);
    expect(out.value.matchedCount).toBe(1);
  });
  it("a $natural hint for reverse natural order", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    for (const id of [3, 1, 2]) await c.insertOne({ _id: id });
    const out = await attempt(() => c.find({}).hint({ $natural: -1 }).toArray());
    if ("error" in out) return refusedProperly(out);
    expect(out.value.map((d) => d._id)).toEqual([2, 1, 3]);
  });

  it("let variables in find", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.insertMany([
      { _id: 1, a: 1 },
      { _id: 2, a: 2 },
    ]);
    const out = await attempt(() =>
      c.find({ $expr: { $eq: ["$a", "$$want"] } }, { let: { want: 2 } }).toArray(),
    );
    if ("error" in out) return refusedProperly(out);
    expect(out.value).toEqual([{ _id: 2, a: 2 }]);
  });

  it("$lookup with both localField/foreignField and a pipeline", async () => {
    const db = mongo.db();
    await db.collection<AnyDoc>("a").insertOne({ _id: 1, k: "x" });
    await db.collection<AnyDoc>("b").insertMany([
      { _id: 1, k: "x", n: 1 },
      { _id: 2, k: "x", n: 5 },
      { _id: 3, k: "y", n: 9 },
    ]);
    const out = await attempt(() =>
      db
        .collection("a")
        .aggregate([
          {
            $lookup: {
              from: "b",
              localField: "k",
              foreignField: "k",
              pipeline: [{ $match: { n: { $gt: 2 } } }, { $project: { _id: 1 } }],
              as: "m",
            },
          },
        ])
        .toArray(),
    );
    if ("error" in out) return refusedProperly(out);
    expect(out.value).toEqual([{ _id: 1, k: "x", m: [{ _id: 2 }] }]);
  });

  it("$setWindowFields running total", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.insertMany([1, 2, 3].map((n) => ({ _id: n, n })));
    const out = await attempt(() =>
      c
        .aggregate([
          {
            $setWindowFields: {
              sortBy: { _id: 1 },
              output: { total: { $sum: "$n", window: { documents: ["unbounded", "current"] } } },
            },
          },
        ])
        .toArray(),
    );
    if ("error" in out) return refusedProperly(out);
    expect(out.value).toEqual([
      { _id: 1, n: 1, total: 1 },
      { _id: 2, n: 2, total: 3 },
      { _id: 3, n: 3, total: 6 },
    ]);
  });

  it("$unionWith", async () => {
    const db = mongo.db();
    await db.collection<AnyDoc>("a").insertOne({ _id: 1 });
    await db.collection<AnyDoc>("b").insertOne({ _id: 2 });
    const out = await attempt(() =>
      db
        .collection("a")
        .aggregate([{ $unionWith: "b" }])
        .toArray(),
    );
    if ("error" in out) return refusedProperly(out);
    expect(out.value).toEqual([{ _id: 1 }, { _id: 2 }]);
  });

  it("a 2dsphere index and $near", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    const created = await attempt(() => c.createIndex({ loc: "2dsphere" }));
    if ("error" in created) return refusedProperly(created);
    await c.insertMany([
      { _id: "far", loc: { type: "Point", coordinates: [10, 10] } },
      { _id: "near", loc: { type: "Point", coordinates: [0.1, 0.1] } },
    ]);
    const out = await attempt(() =>
      c.find({ loc: { $near: { $geometry: { type: "Point", coordinates: [0, 0] } } } }).toArray(),
    );
    if ("error" in out) return refusedProperly(out);
    expect(out.value.map((d) => d._id)).toEqual(["near", "far"]);
  });
  it("dbStats counts collections and documents", async () => {
    const db = mongo.db();
    await db.collection("a").insertMany([{ x: 1 }, { x: 2 }]);
    await db.collection("b").insertOne({ x: 3 });
    await db.collection("b").createIndex({ x: 1 });
    const out = await attempt(() => db.stats());
    if ("error" in out) return refusedProperly(out);
    expect(out.value).toMatchObject({ db: db.databaseName, collections: 2, objects: 3, indexes: 3, ok: 1 });
  });

  it("renameCollection keeps documents and indexes", async () => {
    const db = mongo.db();
    await db.collection<AnyDoc>("old").insertMany([{ _id: 1 }, { _id: 2 }]);
    await db.collection("old").createIndex({ k: 1 });
    const out = await attempt(() => db.collection("old").rename("new"));
    if ("error" in out) return refusedProperly(out);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).toEqual(["new"]);
    expect(await db.collection("new").find().toArray()).toEqual([{ _id: 1 }, { _id: 2 }]);
    expect((await db.collection("new").indexes()).map((i) => i.name)).toEqual(["_id_", "k_1"]);
  });
});
