import { MongoBulkWriteError, ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import { type AnyDoc, serverError, setupMongo } from "./support";

const mongo = setupMongo();

type Doc = AnyDoc;

describe("bulkWrite", () => {
  it("runs mixed operations in order and sums their results", async () => {
    const c = mongo.db().collection<Doc>("c");
    await c.insertMany([
      { _id: 1, k: "a", n: 1 },
      { _id: 2, k: "a", n: 2 },
      { _id: 3, k: "b", n: 3 },
    ]);
    const res = await c.bulkWrite([
      { insertOne: { document: { _id: 4, k: "c", n: 4 } } },
      { updateOne: { filter: { _id: 1 }, update: { $inc: { n: 10 } } } },
      { updateMany: { filter: { k: "a" }, update: { $set: { seen: true } } } },
      { replaceOne: { filter: { _id: 3 }, replacement: { k: "B" } } },
      { deleteOne: { filter: { _id: 4 } } },
      { updateOne: { filter: { _id: 9 }, update: { $set: { k: "up" } }, upsert: true } },
      { replaceOne: { filter: { k: "nobody" }, replacement: { k: "r" }, upsert: true } },
      { deleteMany: { filter: { k: "zz" } } },
    ]);
    expect(res.insertedCount).toBe(1);
    expect(res.matchedCount).toBe(4);
    expect(res.modifiedCount).toBe(4);
    expect(res.deletedCount).toBe(1);
    expect(res.upsertedCount).toBe(2);
    expect(res.insertedIds).toEqual({ 0: 4 });
    expect(res.upsertedIds[5]).toBe(9);
    expect(res.upsertedIds[6]).toBeInstanceOf(ObjectId);
    expect(res.isOk()).toBe(true);
    expect(
      await c.find({}, { sort: { _id: 1 }, projection: { _id: 1, k: 1, n: 1, seen: 1 } }).toArray(),
    ).toEqual(
      [
        { _id: 1, k: "a", n: 11, seen: true },
        { _id: 2, k: "a", n: 2, seen: true },
        { _id: 3, k: "B" },
        { _id: 9, k: "up" },
        { _id: res.upsertedIds[6], k: "r" },
      ].sort((x, y) => (typeof x._id === "number" ? 0 : 1) - (typeof y._id === "number" ? 0 : 1)),
    );
  });

  it("stops an ordered bulk at the first error and reports what ran", async () => {
    const c = mongo.db().collection<Doc>("c");
    await c.insertOne({ _id: 1 });
    const err = await serverError(
      c.bulkWrite([
        { insertOne: { document: { _id: 2 } } },
        { insertOne: { document: { _id: 1 } } },
        { updateOne: { filter: { _id: 2 }, update: { $set: { after: true } } } },
      ]),
    );
    expect(err).toBeInstanceOf(MongoBulkWriteError);
    const bulk = err as MongoBulkWriteError;
    expect(bulk.code).toBe(11000);
    expect(bulk.insertedCount).toBe(1);
    expect(bulk.matchedCount).toBe(0);
    const errors = Array.isArray(bulk.writeErrors) ? bulk.writeErrors : [bulk.writeErrors];
    expect(errors.map((e) => e.index)).toEqual([1]);
    expect(await c.findOne({ _id: 2 })).toEqual({ _id: 2 });
  });

  it("goes on after errors in an unordered bulk", async () => {
    const c = mongo.db().collection<Doc>("c");
    await c.insertOne({ _id: 1 });
    const err = await serverError(
      c.bulkWrite(
        [
          { insertOne: { document: { _id: 1 } } },
          { insertOne: { document: { _id: 2 } } },
          { updateOne: { filter: { _id: 2 }, update: { $set: { _id: 3 } } } },
          { updateOne: { filter: { _id: 1 }, update: { $set: { ok: true } } } },
        ],
        { ordered: false },
      ),
    );
    const bulk = err as MongoBulkWriteError;
    expect(bulk).toBeInstanceOf(MongoBulkWriteError);
    const errors = Array.isArray(bulk.writeErrors) ? bulk.writeErrors : [bulk.writeErrors];
    expect(errors.map((e) => [e.index, e.code]).sort()).toEqual([
      [0, 11000],
      [2, 66],
    ]);
    expect(bulk.insertedCount).toBe(1);
    expect(bulk.modifiedCount).toBe(1);
    expect(await c.find({}, { sort: { _id: 1 } }).toArray()).toEqual([{ _id: 1, ok: true }, { _id: 2 }]);
  });

  it("answers a raw update command with n, nModified and upserted per statement", async () => {
    const db = mongo.db();
    await db.collection<Doc>("c").insertMany([
      { _id: 1, k: "a" },
      { _id: 2, k: "a" },
    ]);
    const res = await db.command({
      update: "c",
      updates: [
        { q: { k: "a" }, u: { $set: { v: 1 } }, multi: true },
        { q: { _id: 5 }, u: { $set: { v: 2 } }, upsert: true },
        { q: { _id: 1 }, u: { $set: { v: 1 } } },
      ],
    });
    expect(res).toMatchObject({ n: 4, nModified: 2, upserted: [{ index: 1, _id: 5 }], ok: 1 });
  });

  it("applies a large bulk of thousands of operations", async () => {
    const c = mongo.db().collection<Doc>("c");
    const ops = Array.from({ length: 5000 }, (_, i) => ({ insertOne: { document: { _id: i, n: i % 10 } } }));
    const res = await c.bulkWrite(ops);
    expect(res.insertedCount).toBe(5000);
    const upd = await c.bulkWrite(
      Array.from({ length: 10 }, (_, i) => ({
        updateMany: { filter: { n: i }, update: { $set: { bucket: `b${i}` } } },
      })),
    );
    expect(upd.matchedCount).toBe(5000);
    expect(upd.modifiedCount).toBe(5000);
    expect(await c.countDocuments({ bucket: "b3" })).toBe(500);
  });
});
