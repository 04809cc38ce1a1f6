import { Double, Int32, Long, MaxKey, MinKey, ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import { serverError, setupMongo } from "./support";

const mongo = setupMongo();

type Doc = Record<string, unknown> & { _id: number };

async function seeded(docs: Doc[]) {
  const c = mongo.db().collection<Doc>("c");
  await c.insertMany(docs);
  return c;
}

const people: Doc[] = [
  { _id: 1, name: "ann", age: 31, tags: ["a", "b"], address: { city: "Oslo", zip: "0150" } },
  { _id: 2, name: "bob", age: 25, tags: ["b"], address: { city: "Bergen" } },
  { _id: 3, name: "cid", age: 40, tags: [], address: { city: "Oslo" }, retired: null },
  { _id: 4, name: "dee", age: 25, tags: ["c", "a"] },
  {
    _id: 5,
    name: "Eve",
    age: 52.5,
    scores: [
      { k: "x", v: 3 },
      { k: "y", v: 9 },
    ],
  },
];

const ids = (docs: Doc[]) => docs.map((d) => d._id);

describe("find filters", () => {
  it("matches equality, comparison and set operators", async () => {
    const c = await seeded(people);
    expect(ids(await c.find({ age: 25 }).sort({ _id: 1 }).toArray())).toEqual([2, 4]);
    expect(
      ids(
        await c
          .find({ age: { $gt: 30 } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 3, 5]);
    expect(
      ids(
        await c
          .find({ age: { $gte: 25, $lt: 40 } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 2, 4]);
    expect(
      ids(
        await c
          .find({ age: { $ne: 25 } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 3, 5]);
    expect(
      ids(
        await c
          .find({ name: { $in: ["bob", "Eve", "zed"] } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([2, 5]);
    expect(
      ids(
        await c
          .find({ name: { $nin: ["bob", "Eve"] } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 3, 4]);
  });

  it("matches arrays by element, $all, $size and $elemMatch", async () => {
    const c = await seeded(people);
    expect(ids(await c.find({ tags: "a" }).sort({ _id: 1 }).toArray())).toEqual([1, 4]);
    expect(ids(await c.find({ tags: ["b"] }).toArray())).toEqual([2]);
    expect(ids(await c.find({ tags: { $all: ["a", "c"] } }).toArray())).toEqual([4]);
    expect(ids(await c.find({ tags: { $size: 0 } }).toArray())).toEqual([3]);
    expect(ids(await c.find({ scores: { $elemMatch: { k: "x", v: { $gt: 2 } } } }).toArray())).toEqual([5]);
    expect(ids(await c.find({ scores: { $elemMatch: { k: "x", v: { $gt: 5 } } } }).toArray())).toEqual([]);
    expect(ids(await c.find({ "scores.k": "y", "scores.v": 3 }).toArray())).toEqual([5]);
    expect(ids(await c.find({ "scores.v": { $gt: 8 } }).toArray())).toEqual([5]);
  });

  it("matches array positions and $elemMatch on scalars", async () => {
    const c = await seeded(people);
    expect(ids(await c.find({ "tags.1": "b" }).toArray())).toEqual([1]);
    expect(
      ids(
        await c
          .find({ "tags.0": { $exists: true } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 2, 4]);
    expect(ids(await c.find({ "scores.1.v": 9 }).toArray())).toEqual([5]);
    expect(
      ids(
        await c
          .find({ tags: { $elemMatch: { $gte: "b", $lte: "c" } } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 2, 4]);
    expect(ids(await c.find({ name: { $size: 3 } }).toArray())).toEqual([]);
  });

  it("matches nested arrays by whole value and by element", async () => {
    const c = await seeded([
      { _id: 1, m: [[1, 2], [3]] },
      { _id: 2, m: [1, 2] },
    ]);
    expect(
      ids(
        await c
          .find({ m: [1, 2] })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 2]);
    expect(ids(await c.find({ m: 1 }).toArray())).toEqual([2]);
    expect(ids(await c.find({ m: [3] }).toArray())).toEqual([1]);
  });

  it("matches dotted paths into embedded documents", async () => {
    const c = await seeded(people);
    expect(ids(await c.find({ "address.city": "Oslo" }).sort({ _id: 1 }).toArray())).toEqual([1, 3]);
    expect(ids(await c.find({ address: { city: "Bergen" } }).toArray())).toEqual([2]);
    expect(ids(await c.find({ address: { city: "Oslo" } }).toArray())).toEqual([3]);
    expect(ids(await c.find({ address: { zip: "0150", city: "Oslo" } }).toArray())).toEqual([]);
  });

  it("matches null against null and missing, and $exists", async () => {
    const c = await seeded(people);
    expect(ids(await c.find({ retired: null }).sort({ _id: 1 }).toArray())).toEqual([1, 2, 3, 4, 5]);
    expect(ids(await c.find({ retired: { $exists: true } }).toArray())).toEqual([3]);
    expect(
      ids(
        await c
          .find({ address: { $exists: false } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([4, 5]);
    expect(ids(await c.find({ "address.zip": null }).sort({ _id: 1 }).toArray())).toEqual([2, 3, 4, 5]);
  });

  it("combines with $and, $or, $nor and $not", async () => {
    const c = await seeded(people);
    expect(
      ids(
        await c
          .find({ $or: [{ age: { $lt: 26 } }, { name: "Eve" }] })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([2, 4, 5]);
    expect(ids(await c.find({ $and: [{ age: 25 }, { tags: "c" }] }).toArray())).toEqual([4]);
    expect(
      ids(
        await c
          .find({ $nor: [{ age: 25 }, { name: "ann" }] })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([3, 5]);
    expect(
      ids(
        await c
          .find({ age: { $not: { $gt: 30 } } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([2, 4]);
  });

  it("matches regular expressions, with options", async () => {
    const c = await seeded(people);
    expect(ids(await c.find({ name: /^e/ }).toArray())).toEqual([]);
    expect(ids(await c.find({ name: /^e/i }).toArray())).toEqual([5]);
    expect(ids(await c.find({ name: { $regex: "b$" } }).toArray())).toEqual([2]);
    expect(ids(await c.find({ name: { $regex: "^E", $options: "i" } }).toArray())).toEqual([5]);
    expect(
      ids(
        await c
          .find({ tags: /^[bc]$/ })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 2, 4]);
  });

  it("compares numbers across int, long and double, and brackets by type", async () => {
    const c = await seeded([
      { _id: 1, v: new Int32(5) },
      { _id: 2, v: Long.fromNumber(5) },
      { _id: 3, v: new Double(5) },
      { _id: 4, v: "5" },
      { _id: 5, v: 5.5 },
      { _id: 6, v: true },
    ]);
    expect(ids(await c.find({ v: 5 }).sort({ _id: 1 }).toArray())).toEqual([1, 2, 3]);
    expect(
      ids(
        await c
          .find({ v: { $gt: 4 } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 2, 3, 5]);
    expect(ids(await c.find({ v: { $gte: "" } }).toArray())).toEqual([4]);
    expect(ids(await c.find({ v: { $type: "string" } }).toArray())).toEqual([4]);
    expect(
      ids(
        await c
          .find({ v: { $type: "number" } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 2, 3, 5]);
    expect(
      ids(
        await c
          .find({ v: { $type: ["long", "bool"] } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([2, 6]);
    expect(ids(await c.find({ v: { $type: 16 } }).toArray())).toEqual([1]);
  });

  it("evaluates $expr and $mod", async () => {
    const c = await seeded([
      { _id: 1, a: 5, b: 3 },
      { _id: 2, a: 1, b: 4 },
      { _id: 3, a: 9, b: 9 },
    ]);
    expect(ids(await c.find({ $expr: { $gt: ["$a", "$b"] } }).toArray())).toEqual([1]);
    expect(ids(await c.find({ $expr: { $eq: ["$a", "$b"] } }).toArray())).toEqual([3]);
    expect(
      ids(
        await c
          .find({ a: { $mod: [4, 1] } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 2, 3]);
    expect(
      ids(
        await c
          .find({ b: { $mod: [3, 0] } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 3]);
  });

  it("matches ObjectId and Date values", async () => {
    const oid = new ObjectId();
    const c = await seeded([
      { _id: 1, ref: oid, at: new Date("2024-01-01T00:00:00Z") },
      { _id: 2, ref: new ObjectId(), at: new Date("2025-01-01T00:00:00Z") },
    ]);
    expect(ids(await c.find({ ref: oid }).toArray())).toEqual([1]);
    expect(ids(await c.find({ at: { $gt: new Date("2024-06-01T00:00:00Z") } }).toArray())).toEqual([2]);
  });
});

describe("find filter edge cases", () => {
  it("$ne null, $in [null], $not with a regex, $type array", async () => {
    const c = await seeded(people);
    expect(ids(await c.find({ retired: { $ne: null } }).toArray())).toEqual([]);
    expect(
      ids(
        await c
          .find({ address: { $in: [null] } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([4, 5]);
    expect(
      ids(
        await c
          .find({ name: { $not: /^[ab]/ } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([3, 4, 5]);
    expect(
      ids(
        await c
          .find({ tags: { $type: "array" } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 2, 3, 4]);
    expect(ids(await c.find({ "scores.v": { $all: [3, 9] } }).toArray())).toEqual([5]);
  });

  it("sorts on a path into an array of documents, missing values as null", async () => {
    const c = await seeded(people);
    expect(ids(await c.find({}).sort({ "scores.v": -1, _id: 1 }).toArray())).toEqual([5, 1, 2, 3, 4]);
    expect(ids(await c.find({}).sort({ "address.city": 1, _id: -1 }).toArray())).toEqual([5, 4, 2, 3, 1]);
  });
});

describe("find options", () => {
  it("sorts on several keys, ascending and descending", async () => {
    const c = await seeded(people);
    const docs = await c.find({}).sort({ age: 1, name: -1 }).toArray();
    expect(ids(docs)).toEqual([4, 2, 1, 3, 5]);
    const desc = await c.find({}).sort({ age: -1, _id: 1 }).toArray();
    expect(ids(desc)).toEqual([5, 3, 1, 2, 4]);
  });

  it("sorts mixed types in BSON order, missing as null", async () => {
    const c = await seeded([
      { _id: 1, v: "b" },
      { _id: 2, v: 10 },
      { _id: 3, v: { x: 1 } },
      { _id: 4, v: null },
      { _id: 5 },
      { _id: 6, v: new ObjectId("000000000000000000000000") },
      { _id: 7, v: true },
      { _id: 8, v: new Date(0) },
      { _id: 9, v: new MaxKey() },
      { _id: 10, v: new MinKey() },
      { _id: 11, v: 2.5 },
      { _id: 12, v: "a" },
    ]);
    const asc = ids(await c.find({}).sort({ v: 1, _id: 1 }).toArray());
    expect(asc).toEqual([10, 4, 5, 11, 2, 12, 1, 3, 6, 7, 8, 9]);
    const desc = ids(await c.find({}).sort({ v: -1, _id: 1 }).toArray());
    expect(desc).toEqual([9, 8, 7, 6, 3, 1, 12, 2, 11, 4, 5, 10]);
  });

  it("sorts an array field by its smallest element ascending and its largest descending", async () => {
    const c = await seeded([
      { _id: 1, v: [5, 1] },
      { _id: 2, v: 3 },
      { _id: 3, v: [4, 9] },
    ]);
    expect(ids(await c.find({}).sort({ v: 1 }).toArray())).toEqual([1, 2, 3]);
    expect(ids(await c.find({}).sort({ v: -1 }).toArray())).toEqual([3, 1, 2]);
  });

  it("sorts strings by binary comparison (uppercase first)", async () => {
    const c = await seeded(people);
    const names = (await c.find({}).sort({ name: 1 }).toArray()).map((d) => d.name);
    expect(names).toEqual(["Eve", "ann", "bob", "cid", "dee"]);
  });

  it("applies skip and limit after sort", async () => {
    const c = await seeded(people);
    expect(ids(await c.find({}).sort({ _id: -1 }).skip(1).limit(2).toArray())).toEqual([4, 3]);
    expect(ids(await c.find({}).sort({ _id: 1 }).skip(4).limit(10).toArray())).toEqual([5]);
    expect(ids(await c.find({}).sort({ _id: 1 }).skip(10).toArray())).toEqual([]);
  });

  it("returns documents in insertion order without a sort", async () => {
    const c = mongo.db().collection<Doc>("c");
    for (const id of [3, 1, 2]) await c.insertOne({ _id: id });
    expect(ids(await c.find({}).toArray())).toEqual([3, 1, 2]);
  });

  it("keeps natural order through updates; a re-inserted document goes last", async () => {
    const c = mongo.db().collection<Doc>("c");
    for (const id of [3, 1, 2]) await c.insertOne({ _id: id });
    await c.updateOne({ _id: 3 }, { $set: { pad: "x".repeat(10_000) } });
    expect(ids(await c.find({}, { projection: { _id: 1 } }).toArray())).toEqual([3, 1, 2]);
    await c.deleteOne({ _id: 1 });
    await c.insertOne({ _id: 1 });
    expect(ids(await c.find({}, { projection: { _id: 1 } }).toArray())).toEqual([3, 2, 1]);
  });

  it("projects by inclusion, keeping document order with _id first", async () => {
    const c = await seeded(people);
    const doc = await c.findOne({ _id: 1 }, { projection: { name: 1, age: 1 } });
    expect(doc).toEqual({ _id: 1, name: "ann", age: 31 });
    expect(Object.keys(doc ?? {})).toEqual(["_id", "name", "age"]);
    const reordered = await c.findOne({ _id: 1 }, { projection: { age: 1, name: 1 } });
    expect(Object.keys(reordered ?? {})).toEqual(["_id", "name", "age"]);
  });

  it("projects by exclusion, and _id can be excluded from an inclusion", async () => {
    const c = await seeded(people);
    expect(await c.findOne({ _id: 1 }, { projection: { tags: 0, address: 0 } })).toEqual({
      _id: 1,
      name: "ann",
      age: 31,
    });
    expect(await c.findOne({ _id: 1 }, { projection: { _id: 0, name: 1 } })).toEqual({ name: "ann" });
  });

  it("projects dotted paths, through arrays of documents too", async () => {
    const c = await seeded(people);
    expect(await c.findOne({ _id: 1 }, { projection: { "address.city": 1 } })).toEqual({
      _id: 1,
      address: { city: "Oslo" },
    });
    expect(await c.findOne({ _id: 5 }, { projection: { "scores.v": 1, _id: 0 } })).toEqual({
      scores: [{ v: 3 }, { v: 9 }],
    });
    expect(await c.findOne({ _id: 1 }, { projection: { "address.zip": 0, tags: 0 } })).toEqual({
      _id: 1,
      name: "ann",
      age: 31,
      address: { city: "Oslo" },
    });
  });

  it("projects $slice and $elemMatch", async () => {
    const c = await seeded([{ _id: 1, a: [1, 2, 3, 4], s: [{ k: 1 }, { k: 2 }, { k: 2, z: 1 }] }]);
    expect(await c.findOne({}, { projection: { a: { $slice: 2 } } })).toEqual({
      _id: 1,
      a: [1, 2],
      s: [{ k: 1 }, { k: 2 }, { k: 2, z: 1 }],
    });
    expect(await c.findOne({}, { projection: { a: { $slice: -1 }, s: 0 } })).toEqual({ _id: 1, a: [4] });
    expect(await c.findOne({}, { projection: { a: { $slice: [1, 2] }, _id: 0, s: 0 } })).toEqual({
      a: [2, 3],
    });
    expect(await c.findOne({}, { projection: { s: { $elemMatch: { k: 2 } } } })).toEqual({
      _id: 1,
      s: [{ k: 2 }],
    });
  });

  it("projects computed fields and the positional $", async () => {
    const c = await seeded([{ _id: 1, first: "a", last: "b", g: [70, 85, 90] }]);
    expect(
      await c.findOne({}, { projection: { full: { $concat: ["$first", " ", "$last"] }, _id: 0 } }),
    ).toEqual({ full: "a b" });
    expect(await c.findOne({ g: { $gte: 80 } }, { projection: { "g.$": 1 } })).toEqual({ _id: 1, g: [85] });
  });

  it("rejects mixing inclusion and exclusion (31254 / 31253)", async () => {
    const c = await seeded(people);
    const inc = await serverError(c.findOne({}, { projection: { name: 1, age: 0 } }));
    expect(inc.code).toBe(31254);
    expect(inc.message).toBe("Cannot do exclusion on field age in inclusion projection");
    const exc = await serverError(c.findOne({}, { projection: { age: 0, name: 1 } }));
    expect(exc.code).toBe(31253);
    expect(exc.message).toBe("Cannot do inclusion on field name in exclusion projection");
  });
});

describe("counting and distinct", () => {
  it("counts documents with a filter, skip and limit", async () => {
    const c = await seeded(people);
    expect(await c.countDocuments()).toBe(5);
    expect(await c.countDocuments({ age: 25 })).toBe(2);
    expect(await c.countDocuments({}, { skip: 1, limit: 3 })).toBe(3);
    expect(await c.countDocuments({}, { skip: 4 })).toBe(1);
    expect(await c.estimatedDocumentCount()).toBe(5);
  });

  it("answers the count command", async () => {
    const c = await seeded(people);
    const res = await c.db.command({ count: "c", query: { age: { $lt: 40 } } });
    expect(res).toMatchObject({ n: 3, ok: 1 });
  });

  it("returns distinct values, unwinding arrays", async () => {
    const c = await seeded(people);
    expect((await c.distinct("age")).sort((a, b) => (a as number) - (b as number))).toEqual([
      25, 31, 40, 52.5,
    ]);
    expect((await c.distinct("tags")).sort()).toEqual(["a", "b", "c"]);
    expect((await c.distinct("address.city")).sort()).toEqual(["Bergen", "Oslo"]);
    expect((await c.distinct("name", { age: 25 })).sort()).toEqual(["bob", "dee"]);
    expect(await c.distinct("nothing")).toEqual([]);
  });

  it("treats numerically equal values as one distinct value", async () => {
    const c = await seeded([
      { _id: 1, v: new Int32(1) },
      { _id: 2, v: new Double(1) },
      { _id: 3, v: Long.fromNumber(1) },
      { _id: 4, v: 2 },
    ]);
    expect(await c.distinct("v")).toHaveLength(2);
  });
});
