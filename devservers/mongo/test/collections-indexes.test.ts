import { describe, expect, it } from "vitest";
import { serverError, setupMongo } from "./support";

const mongo = setupMongo();
const idIndex = { v: 2, key: { _id: 1 }, name: "_id_" };

describe("collections", () => {
  it("creates a collection explicitly and lists it with its id index", async () => {
    const db = mongo.db();
    await db.createCollection("posts");
    const list = await db.listCollections().toArray();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      name: "posts",
      type: "collection",
      options: {},
      info: { readOnly: false },
      idIndex,
    });
  });

  it("creates a collection implicitly on first insert", async () => {
    const db = mongo.db();
    await db.collection("auto").insertOne({ a: 1 });
    const names = await db.listCollections({}, { nameOnly: true }).toArray();
    expect(names).toEqual([{ name: "auto", type: "collection" }]);
  });

  it("filters listCollections by name", async () => {
    const db = mongo.db();
    await db.createCollection("a");
    await db.createCollection("b");
    await db.createCollection("c");
    const all = await db.listCollections({}, { nameOnly: true }).toArray();
    expect(all.map((c) => c.name).sort()).toEqual(["a", "b", "c"]);
    const one = await db.listCollections({ name: "b" }).toArray();
    expect(one.map((c) => c.name)).toEqual(["b"]);
    const some = await db.listCollections({ name: { $in: ["a", "c", "zz"] } }, { nameOnly: true }).toArray();
    expect(some.map((c) => c.name).sort()).toEqual(["a", "c"]);
  });

  it("keeps collections with dots and non-ASCII letters in their names apart", async () => {
    const db = mongo.db();
    await db.collection("posts").insertOne({ k: "plain" });
    await db.collection("posts.archive").insertOne({ k: "dotted" });
    await db.collection("système").insertOne({ k: "unicode" });
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
    expect(names).toEqual(["posts", "posts.archive", "système"]);
    expect(
      await db
        .collection("posts")
        .find({}, { projection: { _id: 0 } })
        .toArray(),
    ).toEqual([{ k: "plain" }]);
    expect(
      await db
        .collection("posts.archive")
        .find({}, { projection: { _id: 0 } })
        .toArray(),
    ).toEqual([{ k: "dotted" }]);
    await db.collection("posts").drop();
    expect(await db.collection("posts.archive").countDocuments()).toBe(1);
  });

  it("drops a collection with its documents and indexes", async () => {
    const db = mongo.db();
    const c = db.collection("gone");
    await c.insertMany([{ a: 1 }, { a: 2 }]);
    await c.createIndex({ a: 1 });
    expect(await c.drop()).toBe(true);
    expect(await db.listCollections({ name: "gone" }).toArray()).toEqual([]);
    expect(await c.countDocuments()).toBe(0);
    await c.insertOne({ a: 1 });
    expect((await c.indexes()).map((i) => i.name)).toEqual(["_id_"]);
  });

  it("returns an empty result for a find on a collection that does not exist", async () => {
    const db = mongo.db();
    expect(await db.collection("nope").find({}).toArray()).toEqual([]);
    expect(await db.collection("nope").countDocuments()).toBe(0);
    expect(await db.collection("nope").estimatedDocumentCount()).toBe(0);
    expect(await db.collection("nope").findOne({})).toBeNull();
  });
});

describe("indexes", () => {
  it("names indexes from their keys and lists them in creation order", async () => {
    const c = mongo.db().collection("i");
    expect(await c.createIndex({ a: 1 })).toBe("a_1");
    expect(await c.createIndex({ a: 1, b: -1 })).toBe("a_1_b_-1");
    expect(await c.createIndex({ "x.y": 1 })).toBe("x.y_1");
    expect(await c.createIndex({ email: 1 }, { unique: true })).toBe("email_1");
    expect(await c.createIndex({ s: 1 }, { sparse: true, name: "s_sparse" })).toBe("s_sparse");
    expect(
      await c.createIndex({ p: 1 }, { partialFilterExpression: { p: { $exists: true }, kind: "x" } }),
    ).toBe("p_1");
    expect(await c.indexes()).toEqual([
      idIndex,
      { v: 2, key: { a: 1 }, name: "a_1" },
      { v: 2, key: { a: 1, b: -1 }, name: "a_1_b_-1" },
      { v: 2, key: { "x.y": 1 }, name: "x.y_1" },
      { v: 2, key: { email: 1 }, name: "email_1", unique: true },
      { v: 2, key: { s: 1 }, name: "s_sparse", sparse: true },
      { v: 2, key: { p: 1 }, name: "p_1", partialFilterExpression: { p: { $exists: true }, kind: "x" } },
    ]);
    const compound = (await c.indexes()).find((i) => i.name === "a_1_b_-1");
    expect(Object.keys(compound?.key ?? {})).toEqual(["a", "b"]);
  });

  it("reports index counts from createIndexes and creates the collection automatically", async () => {
    const db = mongo.db();
    const first = await db.command({ createIndexes: "c", indexes: [{ key: { a: 1 }, name: "a_1" }] });
    expect(first).toMatchObject({
      numIndexesBefore: 1,
      numIndexesAfter: 2,
      createdCollectionAutomatically: true,
      ok: 1,
    });
    const again = await db.command({ createIndexes: "c", indexes: [{ key: { a: 1 }, name: "a_1" }] });
    expect(again).toMatchObject({
      numIndexesBefore: 2,
      numIndexesAfter: 2,
      note: "all indexes already exist",
      ok: 1,
    });
    const two = await db.command({
      createIndexes: "c",
      indexes: [
        { key: { b: 1 }, name: "b_1" },
        { key: { c: -1 }, name: "c_-1" },
      ],
    });
    expect(two).toMatchObject({
      numIndexesBefore: 2,
      numIndexesAfter: 4,
      createdCollectionAutomatically: false,
      ok: 1,
    });
  });

  it("rejects the same keys under another name (85 IndexOptionsConflict)", async () => {
    const c = mongo.db().collection("c");
    await c.createIndex({ x: 1 }, { name: "x_1" });
    const err = await serverError(c.createIndex({ x: 1 }, { name: "x_2" }));
    expect(err.code).toBe(85);
    expect(err.codeName).toBe("IndexOptionsConflict");
  });

  it("rejects the same name for other keys (86 IndexKeySpecsConflict)", async () => {
    const c = mongo.db().collection("c");
    await c.createIndex({ x: 1 }, { name: "mine" });
    const err = await serverError(c.createIndex({ y: 1 }, { name: "mine" }));
    expect(err.code).toBe(86);
    expect(err.codeName).toBe("IndexKeySpecsConflict");
  });

  it("fails to build a unique index over duplicates and leaves no index behind", async () => {
    const c = mongo.db().collection("c");
    await c.insertMany([{ a: 1 }, { a: 2 }, { a: 1 }]);
    const err = await serverError(c.createIndex({ a: 1 }, { unique: true }));
    expect(err.code).toBe(11000);
    expect((await c.indexes()).map((i) => i.name)).toEqual(["_id_"]);
  });

  it("drops one index, then all but _id_", async () => {
    const c = mongo.db().collection("c");
    await c.createIndexes([{ key: { a: 1 } }, { key: { b: 1 } }, { key: { c: 1 } }]);
    const res = await c.dropIndex("a_1");
    expect(res).toMatchObject({ nIndexesWas: 4, ok: 1 });
    expect((await c.indexes()).map((i) => i.name)).toEqual(["_id_", "b_1", "c_1"]);
    await c.dropIndexes();
    expect(await c.indexes()).toEqual([idIndex]);
  });

  it("drops an index by its key pattern", async () => {
    const c = mongo.db().collection("c");
    await c.createIndex({ a: 1, b: 1 });
    await c.db.command({ dropIndexes: "c", index: { a: 1, b: 1 } });
    expect(await c.indexes()).toEqual([idIndex]);
  });

  it("refuses to drop a missing index (27 IndexNotFound) or the _id index (72 InvalidOptions)", async () => {
    const c = mongo.db().collection("c");
    await c.insertOne({ a: 1 });
    const missing = await serverError(c.dropIndex("nope_1"));
    expect(missing.code).toBe(27);
    expect(missing.codeName).toBe("IndexNotFound");
    expect(missing.message).toBe("index not found with name [nope_1]");
    const id = await serverError(c.dropIndex("_id_"));
    expect(id.code).toBe(72);
    expect(id.codeName).toBe("InvalidOptions");
    expect(id.message).toBe("cannot drop _id index");
  });

  it("rejects listIndexes on a collection that does not exist (26 NamespaceNotFound)", async () => {
    const db = mongo.db();
    const err = await serverError(db.command({ listIndexes: "nope" }));
    expect(err.code).toBe(26);
    expect(err.codeName).toBe("NamespaceNotFound");
    expect(err.message).toBe(`ns does not exist: ${db.databaseName}.nope`);
  });

  it("answers indexExists and indexInformation from listIndexes", async () => {
    const c = mongo.db().collection("c");
    await c.createIndex({ a: 1, b: -1 });
    expect(await c.indexExists("a_1_b_-1")).toBe(true);
    expect(await c.indexExists("zz_1")).toBe(false);
    expect(await c.indexInformation()).toEqual({
      _id_: [["_id", 1]],
      "a_1_b_-1": [
        ["a", 1],
        ["b", -1],
      ],
    });
  });
});
