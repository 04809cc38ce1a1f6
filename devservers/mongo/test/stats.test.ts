import { BSON } from "mongodb";
import { describe, expect, it } from "vitest";
import { type AnyDoc, serverError, setupMongo } from "./support";

const mongo = setupMongo();

const docs = Array.from({ length: 40 }, (_, i) => ({
  _id: i,
  name: `user ${i}`,
  tags: ["a", "b"].slice(0, i % 3),
}));
const bsonBytes = docs.reduce((sum, d) => sum + BSON.calculateObjectSize(d), 0);

async function seeded() {
  const db = mongo.db();
  const users = db.collection<AnyDoc>("users");
  await users.insertMany(docs);
  await users.createIndex({ name: 1 }, { unique: true });
  await users.createIndex({ tags: 1 });
  return { db, users };
}

describe("collStats", () => {
  it("reports exact counts and data size, sizes per index and the scale factor", async () => {
    const { db } = await seeded();
    const stats = await db.command({ collStats: "users" });
    expect(stats).toMatchObject({
      ns: `${db.databaseName}.users`,
      count: 40,
      size: bsonBytes,
      avgObjSize: Math.floor(bsonBytes / 40),
      numOrphanDocs: 0,
      capped: false,
      nindexes: 3,
      scaleFactor: 1,
      ok: 1,
    });
    expect(Object.keys(stats.indexSizes)).toEqual(["_id_", "name_1", "tags_1"]);
    const indexSum = Object.values(stats.indexSizes as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(stats.totalIndexSize).toBe(indexSum);
    expect(stats.totalSize).toBe(stats.storageSize + stats.totalIndexSize);
    expect(stats.storageSize).toBeGreaterThan(0);

    const kb = await db.command({ collStats: "users", scale: 1024 });
    expect(kb.scaleFactor).toBe(1024);
    expect(kb.size).toBe(Math.floor(bsonBytes / 1024));
    expect(kb.count).toBe(40);
    expect(kb.storageSize).toBe(Math.floor(stats.storageSize / 1024));
  });

  it("answers ok with zeros for a collection that does not exist (7.0 does not fail)", async () => {
    const db = mongo.db();
    await db.collection("other").insertOne({});
    const stats = await db.command({ collStats: "missing" });
    expect(stats).toMatchObject({
      ns: `${db.databaseName}.missing`,
      size: 0,
      count: 0,
      storageSize: 0,
      totalSize: 0,
      nindexes: 0,
      totalIndexSize: 0,
      indexSizes: {},
      scaleFactor: 1,
      ok: 1,
    });
    expect(stats).not.toHaveProperty("avgObjSize");
  });

  it("counts follow writes and drops exactly", async () => {
    const { db, users } = await seeded();
    await users.deleteMany({ _id: { $lt: 10 } });
    await users.insertOne({ _id: 100, name: "late" });
    expect((await db.command({ collStats: "users" })).count).toBe(31);
  });
});

describe("dbStats", () => {
  it("sums collections, objects, data and indexes of the database", async () => {
    const { db } = await seeded();
    await db.collection("empty").insertOne({ _id: 1 } as AnyDoc);
    await db.collection("empty").deleteOne({ _id: 1 } as AnyDoc);
    const stats = await db.stats();
    expect(stats).toMatchObject({
      db: db.databaseName,
      collections: 2,
      views: 0,
      objects: 40,
      dataSize: bsonBytes,
      indexes: 4,
      scaleFactor: 1,
      ok: 1,
    });
    expect(stats.avgObjSize).toBeCloseTo(bsonBytes / 40, 6);
    expect(stats.totalSize).toBe(stats.storageSize + stats.indexSize);
    expect(stats.fsTotalSize).toBeGreaterThanOrEqual(stats.fsUsedSize);
    expect(stats.fsUsedSize).toBeGreaterThan(0);

    const kb = await db.stats({ scale: 1024 });
    expect(kb.scaleFactor).toBe(1024);
    expect(kb.dataSize).toBe(Math.floor(bsonBytes / 1024));
    expect(kb.objects).toBe(40);
  });
});

describe("$collStats", () => {
  it("returns one document with storageStats and count, which later stages can reshape", async () => {
    const { db, users } = await seeded();
    const [out] = await users.aggregate([{ $collStats: { storageStats: {}, count: {} } }]).toArray();
    expect(out).toMatchObject({ ns: `${db.databaseName}.users`, count: 40 });
    expect(typeof out?.host).toBe("string");
    expect(out?.localTime).toBeInstanceOf(Date);
    expect(out?.storageStats).toMatchObject({ count: 40, size: bsonBytes, nindexes: 3, scaleFactor: 1 });

    const shaped = await users
      .aggregate([{ $collStats: { count: {} } }, { $project: { _id: 0, n: "$count" } }])
      .toArray();
    expect(shaped).toEqual([{ n: 40 }]);
  });

  it("fails with 26 on a missing collection and 40602 when not the first stage", async () => {
    const { db, users } = await seeded();
    const missing = await serverError(
      db
        .collection("missing")
        .aggregate([{ $collStats: { storageStats: {} } }])
        .toArray(),
    );
    expect(missing.code).toBe(26);
    expect(missing.message).toBe(
      `PlanExecutor error during aggregation :: caused by :: Unable to retrieve storageStats in $collStats stage :: caused by :: Collection [${db.databaseName}.missing] not found.`,
    );
    const late = await serverError(
      users.aggregate([{ $match: {} }, { $collStats: { count: {} } }]).toArray(),
    );
    expect(late.code).toBe(40602);
  });
});
