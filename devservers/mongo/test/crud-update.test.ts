import { Double, Int32, Long, ObjectId, Timestamp } from "mongodb";
import { describe, expect, it } from "vitest";
import { type AnyDoc, serverError, setupMongo, update } from "./support";

const mongo = setupMongo();

type Doc = AnyDoc;

async function withDoc(doc: Doc) {
  const c = mongo.db().collection<Doc>("c");
  await c.insertOne(doc);
  return c;
}

const noUpsert = { acknowledged: true, upsertedCount: 0, upsertedId: null };

describe("update results", () => {
  it("reports matched and modified counts", async () => {
    const c = await withDoc({ _id: 1, a: 1 });
    expect(await c.updateOne({ _id: 1 }, { $set: { a: 2 } })).toEqual({
      ...noUpsert,
      matchedCount: 1,
      modifiedCount: 1,
    });
    expect(await c.updateOne({ _id: 1 }, { $set: { a: 2 } })).toEqual({
      ...noUpsert,
      matchedCount: 1,
      modifiedCount: 0,
    });
    expect(await c.updateOne({ _id: 9 }, { $set: { a: 2 } })).toEqual({
      ...noUpsert,
      matchedCount: 0,
      modifiedCount: 0,
    });
  });

  it("updates one document of many, or all of them with updateMany", async () => {
    const c = mongo.db().collection<Doc>("c");
    await c.insertMany([
      { _id: 1, k: "x", v: 0 },
      { _id: 2, k: "x", v: 1 },
      { _id: 3, k: "x", v: 0 },
      { _id: 4, k: "y", v: 0 },
    ]);
    const one = await c.updateOne({ k: "x" }, { $set: { v: 5 } });
    expect(one.matchedCount).toBe(1);
    expect(await c.countDocuments({ v: 5 })).toBe(1);
    const many = await c.updateMany({ k: "x" }, { $set: { v: 1 } });
    expect(many).toEqual({ ...noUpsert, matchedCount: 3, modifiedCount: 2 });
    expect(await c.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 1, k: "x", v: 1 },
      { _id: 2, k: "x", v: 1 },
      { _id: 3, k: "x", v: 1 },
      { _id: 4, k: "y", v: 0 },
    ]);
  });
});

describe("field operators", () => {
  it("$set creates nested paths and $unset removes fields", async () => {
    const c = await withDoc({ _id: 1, a: 1, b: "x", n: { x: 1 } });
    await c.updateOne({ _id: 1 }, { $set: { "n.y": 2, "deep.new.path": true }, $unset: { b: "" } });
    expect(await c.findOne({ _id: 1 })).toEqual({
      _id: 1,
      a: 1,
      n: { x: 1, y: 2 },
      deep: { new: { path: true } },
    });
    const res = await c.updateOne({ _id: 1 }, { $unset: { nothing: 1 } });
    expect(res.modifiedCount).toBe(0);
  });

  it("$set pads an array with nulls up to the index it writes", async () => {
    const c = await withDoc({ _id: 1, arr: [1, 2] });
    await c.updateOne({ _id: 1 }, { $set: { "arr.5": 9, "arr.0": 0 } });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, arr: [0, 2, null, null, null, 9] });
  });

  it("$inc, $mul, $min and $max", async () => {
    const c = await withDoc({ _id: 1, a: 5, f: 1.5 });
    await c.updateOne({ _id: 1 }, { $inc: { a: 2, f: 1, created: 3 } });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, a: 7, f: 2.5, created: 3 });
    await c.updateOne({ _id: 1 }, { $mul: { a: 2, zero: 4 } });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, a: 14, f: 2.5, created: 3, zero: 0 });
    await c.updateOne({ _id: 1 }, { $min: { a: 3 }, $max: { f: 10 } });
    expect(await c.findOne({ _id: 1 }, { projection: { a: 1, f: 1 } })).toEqual({ _id: 1, a: 3, f: 10 });
    const noop = await c.updateOne({ _id: 1 }, { $min: { a: 20 }, $max: { f: 1 } });
    expect(noop.modifiedCount).toBe(0);
  });

  it("$rename moves a field, including into a sub-document", async () => {
    const c = await withDoc({ _id: 1, a: 1, b: 2, n: { x: 3 } });
    await c.updateOne({ _id: 1 }, { $rename: { a: "alpha", "n.x": "n.y" } });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, b: 2, n: { y: 3 }, alpha: 1 });
  });

  it("$currentDate sets a date or a timestamp", async () => {
    const c = await withDoc({ _id: 1 });
    const before = Date.now();
    await c.updateOne({ _id: 1 }, update({ $currentDate: { at: true, ts: { $type: "timestamp" } } }));
    const doc = await c.findOne({ _id: 1 });
    expect(doc?.at).toBeInstanceOf(Date);
    expect((doc!.at as Date).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(doc?.ts).toBeInstanceOf(Timestamp);
  });

  it("adds new fields in lexicographic order and updates existing ones in place", async () => {
    const c = await withDoc({ _id: 1, m: 1 });
    await c.updateOne({ _id: 1 }, { $set: { z: 1, b: 1, m: 2 } });
    const doc = await c.findOne({ _id: 1 });
    expect(doc).toEqual({ _id: 1, m: 2, b: 1, z: 1 });
    expect(Object.keys(doc ?? {})).toEqual(["_id", "m", "b", "z"]);
  });
});

describe("operator edge cases", () => {
  it("$unset of an array element leaves null in its place", async () => {
    const c = await withDoc({ _id: 1, arr: [1, 2, 3] });
    await c.updateOne({ _id: 1 }, { $unset: { "arr.1": "" } });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, arr: [1, null, 3] });
  });

  it("$rename onto an existing field replaces it", async () => {
    const c = await withDoc({ _id: 1, a: "from-a", b: "old-b" });
    await c.updateOne({ _id: 1 }, { $rename: { a: "b" } });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, b: "from-a" });
  });

  it("$inc keeps BSON number types: int32 overflow becomes int64, a double operand gives a double", async () => {
    const c = await withDoc({ _id: 1, i: new Int32(2147483647), j: new Int32(2), l: Long.fromNumber(5) });
    await c.updateOne({ _id: 1 }, { $inc: { i: 1, j: 1.5, l: 1 } });
    const doc = await c.findOne({ _id: 1 }, { promoteValues: false });
    expect(doc?.i).toBeInstanceOf(Long);
    expect(doc?.i.toString()).toBe("2147483648");
    expect(doc?.j).toBeInstanceOf(Double);
    expect(doc?.j.valueOf()).toBe(3.5);
    expect(doc?.l).toBeInstanceOf(Long);
    expect(doc?.l.toString()).toBe("6");
  });

  it("$pop on an empty array changes nothing", async () => {
    const c = await withDoc({ _id: 1, arr: [] });
    expect((await c.updateOne({ _id: 1 }, { $pop: { arr: 1 } })).modifiedCount).toBe(0);
  });

  it("$addToSet compares documents with their field order", async () => {
    const c = await withDoc({ _id: 1, s: [{ a: 1, b: 2 }] });
    expect((await c.updateOne({ _id: 1 }, update({ $addToSet: { s: { a: 1, b: 2 } } }))).modifiedCount).toBe(
      0,
    );
    await c.updateOne({ _id: 1 }, update({ $addToSet: { s: { b: 2, a: 1 } } }));
    expect((await c.findOne({ _id: 1 }))?.s).toEqual([
      { a: 1, b: 2 },
      { b: 2, a: 1 },
    ]);
  });

  it("nested $[] and $push into a path that does not exist yet", async () => {
    const c = await withDoc({ _id: 1, matrix: [[1, 2], [3]] });
    await c.updateOne({ _id: 1 }, { $inc: { "matrix.$[].$[]": 1 } });
    await c.updateOne({ _id: 1 }, update({ $push: { "deep.list": "x" } }));
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, matrix: [[2, 3], [4]], deep: { list: ["x"] } });
  });
});

describe("array operators", () => {
  it("$push, with $each, $position, $sort and $slice", async () => {
    const c = await withDoc({ _id: 1, arr: [1, 2, 3], s: ["b"] });
    await c.updateOne({ _id: 1 }, update({ $push: { arr: 4, fresh: "x" } }));
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, arr: [1, 2, 3, 4], s: ["b"], fresh: ["x"] });
    await c.updateOne({ _id: 1 }, update({ $push: { arr: { $each: [5, 0], $sort: 1, $slice: 3 } } }));
    await c.updateOne({ _id: 1 }, update({ $push: { s: { $each: ["z", "y"], $position: 0 } } }));
    expect(await c.findOne({ _id: 1 }, { projection: { fresh: 0 } })).toEqual({
      _id: 1,
      arr: [0, 1, 2],
      s: ["z", "y", "b"],
    });
    await c.updateOne({ _id: 1 }, update({ $push: { arr: { $each: [7], $slice: -2 } } }));
    expect((await c.findOne({ _id: 1 }))?.arr).toEqual([2, 7]);
  });

  it("$push sorts documents by a field", async () => {
    const c = await withDoc({ _id: 1, q: [{ s: 3 }, { s: 1 }] });
    await c.updateOne({ _id: 1 }, update({ $push: { q: { $each: [{ s: 2 }], $sort: { s: -1 } } } }));
    expect((await c.findOne({ _id: 1 }))?.q).toEqual([{ s: 3 }, { s: 2 }, { s: 1 }]);
  });

  it("$addToSet adds only missing values", async () => {
    const c = await withDoc({ _id: 1, tags: ["a", "b"] });
    const same = await c.updateOne({ _id: 1 }, { $addToSet: { tags: "a" } });
    expect(same.modifiedCount).toBe(0);
    await c.updateOne({ _id: 1 }, { $addToSet: { tags: { $each: ["a", "d", "d", "c"] } } });
    expect((await c.findOne({ _id: 1 }))?.tags).toEqual(["a", "b", "d", "c"]);
  });

  it("$pop removes from either end", async () => {
    const c = await withDoc({ _id: 1, arr: [1, 2, 3, 4] });
    await c.updateOne({ _id: 1 }, { $pop: { arr: 1 } });
    await c.updateOne({ _id: 1 }, { $pop: { arr: -1 } });
    expect((await c.findOne({ _id: 1 }))?.arr).toEqual([2, 3]);
  });

  it("$pull by value, by condition and by sub-document query; $pullAll", async () => {
    const c = await withDoc({
      _id: 1,
      nums: [1, 5, 2, 3, 5],
      items: [{ k: 1, v: 1 }, { k: 2 }, { k: 1 }],
      all: [1, 2, 3, 1],
    });
    await c.updateOne({ _id: 1 }, update({ $pull: { nums: 5, items: { k: 1 } } }));
    expect(await c.findOne({ _id: 1 }, { projection: { all: 0 } })).toEqual({
      _id: 1,
      nums: [1, 2, 3],
      items: [{ k: 2 }],
    });
    await c.updateOne({ _id: 1 }, update({ $pull: { nums: { $gte: 2 } }, $pullAll: { all: [1, 2] } }));
    expect(await c.findOne({ _id: 1 }, { projection: { items: 0 } })).toEqual({
      _id: 1,
      nums: [1],
      all: [3],
    });
  });

  it("positional $ updates the first element the query matched", async () => {
    const c = await withDoc({ _id: 1, grades: [80, 85, 80] });
    await c.updateOne({ _id: 1, grades: 80 }, { $set: { "grades.$": 82 } });
    expect((await c.findOne({ _id: 1 }))?.grades).toEqual([82, 85, 80]);
  });

  it("positional $ inside an array of documents", async () => {
    const c = await withDoc({
      _id: 1,
      items: [
        { sku: "a", qty: 1 },
        { sku: "b", qty: 1 },
      ],
    });
    await c.updateOne({ _id: 1, "items.sku": "b" }, { $inc: { "items.$.qty": 4 } });
    expect((await c.findOne({ _id: 1 }))?.items).toEqual([
      { sku: "a", qty: 1 },
      { sku: "b", qty: 5 },
    ]);
  });

  it("$[] updates every element", async () => {
    const c = await withDoc({ _id: 1, grades: [80, 85, 80] });
    await c.updateOne({ _id: 1 }, { $inc: { "grades.$[]": 10 } });
    expect((await c.findOne({ _id: 1 }))?.grades).toEqual([90, 95, 90]);
  });

  it("$[id] with arrayFilters updates the matching elements only", async () => {
    const c = mongo.db().collection<Doc>("c");
    await c.insertMany([
      { _id: 1, grades: [80, 85, 90] },
      { _id: 2, grades: [88, 70] },
      {
        _id: 3,
        items: [
          { sku: "a", qty: 1 },
          { sku: "b", qty: 1 },
          { sku: "b", qty: 2 },
        ],
      },
    ]);
    const res = await c.updateMany(
      { grades: { $exists: true } },
      { $set: { "grades.$[g]": 100 } },
      { arrayFilters: [{ g: { $gte: 85 } }] },
    );
    expect(res.modifiedCount).toBe(2);
    await c.updateOne({ _id: 3 }, { $inc: { "items.$[i].qty": 5 } }, { arrayFilters: [{ "i.sku": "b" }] });
    expect(await c.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 1, grades: [80, 100, 100] },
      { _id: 2, grades: [100, 70] },
      {
        _id: 3,
        items: [
          { sku: "a", qty: 1 },
          { sku: "b", qty: 6 },
          { sku: "b", qty: 7 },
        ],
      },
    ]);
  });
});

describe("replacement and pipeline updates", () => {
  it("replaceOne replaces every field but _id", async () => {
    const c = await withDoc({ _id: 1, a: 1, b: 2 });
    const res = await c.replaceOne({ _id: 1 }, { c: 3 });
    expect(res).toEqual({ ...noUpsert, matchedCount: 1, modifiedCount: 1 });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, c: 3 });
    await c.replaceOne({ c: 3 }, { _id: 1, d: 4 });
    expect(await c.find().toArray()).toEqual([{ _id: 1, d: 4 }]);
  });

  it("runs an aggregation pipeline as the update", async () => {
    const c = await withDoc({ _id: 1, a: 2, b: 3, n: { x: 1 } });
    await c.updateOne({ _id: 1 }, [
      { $set: { total: { $add: ["$a", "$b"] }, "n.z": "$a" } },
      { $unset: ["b"] },
    ]);
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, a: 2, n: { x: 1, z: 2 }, total: 5 });
    await c.updateOne({ _id: 1 }, [{ $replaceWith: { _id: "$_id", sum: "$total" } }]);
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, sum: 5 });
  });
});

describe("raw update statements", () => {
  it("treats an empty u document as a replacement that keeps only _id", async () => {
    const c = await withDoc({ _id: 1, a: 1, b: 2 });
    const res = await c.db.command({ update: "c", updates: [{ q: { _id: 1 }, u: {} }] });
    expect(res).toMatchObject({ n: 1, nModified: 1, ok: 1 });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1 });
  });
});

describe("upsert", () => {
  it("inserts with $setOnInsert and query equality fields, then updates without $setOnInsert", async () => {
    const c = mongo.db().collection<Doc>("c");
    const res = await c.updateOne(
      { name: "x", n: { $gt: 1 } },
      { $set: { a: 1 }, $setOnInsert: { created: true } },
      { upsert: true },
    );
    expect(res).toMatchObject({ acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 1 });
    expect(res.upsertedId).toBeInstanceOf(ObjectId);
    expect(await c.find().toArray()).toEqual([{ _id: res.upsertedId, name: "x", a: 1, created: true }]);

    await c.updateOne({ name: "x" }, { $set: { a: 2 }, $setOnInsert: { created: false } }, { upsert: true });
    expect(await c.find().toArray()).toEqual([{ _id: res.upsertedId, name: "x", a: 2, created: true }]);
  });

  it("seeds the new document from equality conditions, dotted paths, $eq and $and", async () => {
    const c = mongo.db().collection<Doc>("c");
    const res = await c.updateOne(
      {
        _id: "k",
        "meta.kind": "post",
        $and: [{ status: "draft" }, { n: { $gte: 5 } }],
        tag: { $eq: "t" },
        gone: { $exists: false },
      },
      { $inc: { count: 1 }, $set: { "meta.by": "me" } },
      { upsert: true },
    );
    expect(res.upsertedId).toBe("k");
    expect(await c.findOne({ _id: "k" })).toEqual({
      _id: "k",
      meta: { kind: "post", by: "me" },
      status: "draft",
      tag: "t",
      count: 1,
    });
  });

  it("puts _id first, then query fields, then new fields in lexicographic order", async () => {
    const c = mongo.db().collection<Doc>("c");
    await c.updateOne({ name: "x" }, { $set: { z: 1, a: 1 } }, { upsert: true });
    const doc = await c.findOne({});
    expect(Object.keys(doc ?? {})).toEqual(["_id", "name", "a", "z"]);
  });

  it("lets the update override a seeded field", async () => {
    const c = mongo.db().collection<Doc>("c");
    const res = await c.updateOne({ x: 1 }, { $set: { x: 2 } }, { upsert: true });
    expect(await c.findOne({ _id: res.upsertedId })).toEqual({ _id: res.upsertedId, x: 2 });
  });

  it("upserts by replacement using only the _id of the query", async () => {
    const c = mongo.db().collection<Doc>("c");
    const res = await c.replaceOne({ _id: 7, a: 1 }, { b: 2 }, { upsert: true });
    expect(res).toEqual({
      acknowledged: true,
      matchedCount: 0,
      modifiedCount: 0,
      upsertedCount: 1,
      upsertedId: 7,
    });
    expect(await c.find().toArray()).toEqual([{ _id: 7, b: 2 }]);
  });

  it("upserts with a pipeline update", async () => {
    const c = mongo.db().collection<Doc>("c");
    const res = await c.updateOne({ k: 1 }, [{ $set: { v: { $literal: "new" } } }], { upsert: true });
    expect(await c.find().toArray()).toEqual([{ _id: res.upsertedId, k: 1, v: "new" }]);
  });

  it("inserts a single document for updateMany with upsert", async () => {
    const c = mongo.db().collection<Doc>("c");
    const res = await c.updateMany({ group: "g" }, { $inc: { n: 1 } }, { upsert: true });
    expect(res.upsertedCount).toBe(1);
    expect(await c.countDocuments()).toBe(1);
    const again = await c.updateMany({ group: "g" }, { $inc: { n: 1 } }, { upsert: true });
    expect(again).toEqual({ ...noUpsert, matchedCount: 1, modifiedCount: 1 });
    expect((await c.findOne({}))?.n).toBe(2);
  });
});

describe("update errors", () => {
  it("refuses to change _id with $set (66 ImmutableField)", async () => {
    const c = await withDoc({ _id: 1, a: 1 });
    const err = await serverError(c.updateOne({ _id: 1 }, { $set: { _id: 2 } }));
    expect(err.code).toBe(66);
    expect(err.codeName).toBe("ImmutableField");
    expect(err.message).toBe("Performing an update on the path '_id' would modify the immutable field '_id'");
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, a: 1 });
  });

  it("refuses to change _id by replacement (66 ImmutableField)", async () => {
    const c = await withDoc({ _id: 1, a: 1 });
    const err = await serverError(c.replaceOne({ _id: 1 }, { _id: 2, a: 1 }));
    expect(err.code).toBe(66);
    expect(err.message).toBe(
      "After applying the update, the (immutable) field '_id' was found to have been altered to _id: 2",
    );
  });

  it("refuses $inc on a non-number (14 TypeMismatch)", async () => {
    const c = await withDoc({ _id: 1, b: "x" });
    const err = await serverError(c.updateOne({ _id: 1 }, { $inc: { b: 1 } }));
    expect(err.code).toBe(14);
    expect(err.codeName).toBe("TypeMismatch");
    expect(err.message).toContain("Cannot apply $inc to a value of non-numeric type");
  });

  it("refuses $push on a non-array (2 BadValue)", async () => {
    const c = await withDoc({ _id: 1, b: "x" });
    const err = await serverError(c.updateOne({ _id: 1 }, update({ $push: { b: 1 } })));
    expect(err.code).toBe(2);
    expect(err.message).toContain("must be an array but is of type string");
  });

  it("refuses two operators on the same path (40 ConflictingUpdateOperators)", async () => {
    const c = await withDoc({ _id: 1, a: 1 });
    const err = await serverError(c.updateOne({ _id: 1 }, { $set: { a: 1 }, $inc: { a: 1 } }));
    expect(err.code).toBe(40);
    expect(err.codeName).toBe("ConflictingUpdateOperators");
    expect(err.message).toBe("Updating the path 'a' would create a conflict at 'a'");
  });

  it("refuses an unknown update operator (9 FailedToParse)", async () => {
    const c = await withDoc({ _id: 1 });
    const err = await serverError(c.updateOne({ _id: 1 }, { $frob: { a: 1 } } as never));
    expect(err.code).toBe(9);
    expect(err.codeName).toBe("FailedToParse");
    expect(err.message).toContain("Unknown modifier: $frob");
  });

  it("refuses to create a field inside a scalar (28 PathNotViable)", async () => {
    const c = await withDoc({ _id: 1, a: 1 });
    const err = await serverError(c.updateOne({ _id: 1 }, { $set: { "a.b": 1 } }));
    expect(err.code).toBe(28);
    expect(err.codeName).toBe("PathNotViable");
  });

  it("refuses an array filter identifier with no filter (2 BadValue)", async () => {
    const c = await withDoc({ _id: 1, g: [1] });
    const err = await serverError(c.updateOne({ _id: 1 }, { $set: { "g.$[x]": 1 } }));
    expect(err.code).toBe(2);
    expect(err.message).toBe("No array filter found for identifier 'x' in path 'g.$[x]'");
  });

  it("rejects an update that breaks a unique index (11000) and keeps the document", async () => {
    const c = mongo.db().collection<Doc>("c");
    await c.createIndex({ email: 1 }, { unique: true });
    await c.insertMany([
      { _id: 1, email: "a@x" },
      { _id: 2, email: "b@x" },
    ]);
    const err = await serverError(c.updateOne({ _id: 2 }, { $set: { email: "a@x" } }));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ email: "a@x" });
    expect(await c.findOne({ _id: 2 })).toEqual({ _id: 2, email: "b@x" });
  });
});
