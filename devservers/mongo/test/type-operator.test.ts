/**
 * The `$type` query operator tells int32, int64, double and decimal apart wherever a filter can
 * use it: inside $or/$and/$nor/$not/$elemMatch, on dotted paths and array elements, and in every
 * command that takes a filter.
 */
import { Decimal128, Double, Int32, Long } from "mongodb";
import { describe, expect, it } from "vitest";
import { type AnyDoc, serverError, setupMongo, update } from "./support";

const mongo = setupMongo();

/** One document per number type (and a string), with the same shape everywhere. */
async function seeded() {
  const c = mongo.db().collection<AnyDoc>("c");
  const kinds = [
    (n: number) => new Int32(n),
    (n: number) => Long.fromNumber(n),
    (n: number) => new Double(n),
    (n: number) => Decimal128.fromString(String(n)),
    (n: number) => String(n),
  ];
  await c.insertMany(
    kinds.map((k, i) => ({
      _id: i + 1,
      v: k(5),
      sub: { n: k(1) },
      arr: i === 0 ? [k(1), k(2)] : i === 2 ? [k(1), "x"] : [k(1)],
      items: [{ q: k(1) }],
    })),
  );
  return c;
}

async function ids(c: AnyDoc, filter: AnyDoc): Promise<unknown[]> {
  return (await c.find(filter).sort({ _id: 1 }).toArray()).map((d: AnyDoc) => d._id);
}

describe("$type inside logical operators, paths and arrays", () => {
  it("distinguishes int, long, double and decimal inside $or, $and, $nor and $not", async () => {
    const c = await seeded();
    expect(await ids(c, { $or: [{ v: { $type: "long" } }, { v: { $type: "string" } }] })).toEqual([2, 5]);
    expect(await ids(c, { $and: [{ v: { $type: "number" } }, { v: { $not: { $type: "int" } } }] })).toEqual([
      2, 3, 4,
    ]);
    expect(await ids(c, { $nor: [{ v: { $type: "int" } }, { v: { $type: "string" } }] })).toEqual([2, 3, 4]);
    expect(await ids(c, { v: { $not: { $type: "double" } } })).toEqual([1, 2, 4, 5]);
  });

  it("accepts numeric codes and lists of types", async () => {
    const c = await seeded();
    expect(await ids(c, { $or: [{ v: { $type: 18 } }] })).toEqual([2]);
    expect(await ids(c, { $or: [{ v: { $type: 1 } }] })).toEqual([3]);
    expect(await ids(c, { $or: [{ v: { $type: [16, "decimal"] } }] })).toEqual([1, 4]);
    expect(await ids(c, { $or: [{ v: { $type: 19 } }, { v: { $type: 16 } }] })).toEqual([1, 4]);
  });

  it("checks values in embedded documents and array elements", async () => {
    const c = await seeded();
    expect(await ids(c, { "sub.n": { $type: "long" } })).toEqual([2]);
    expect(
      await ids(c, { $or: [{ "sub.n": { $type: "double" } }, { "sub.n": { $type: "decimal" } }] }),
    ).toEqual([3, 4]);
    expect(await ids(c, { arr: { $type: "int" } })).toEqual([1]);
    expect(await ids(c, { arr: { $type: "double" } })).toEqual([3]);
    expect(await ids(c, { arr: { $type: "string" } })).toEqual([3, 5]);
    expect(await ids(c, { arr: { $type: "array" } })).toEqual([1, 2, 3, 4, 5]);
    expect(await ids(c, { "items.q": { $type: 18 } })).toEqual([2]);
  });

  it("sees the stored types inside $elemMatch", async () => {
    const c = await seeded();
    expect(await ids(c, { arr: { $elemMatch: { $type: "long" } } })).toEqual([2]);
    expect(await ids(c, { items: { $elemMatch: { q: { $type: "double" } } } })).toEqual([3]);
    expect(
      await ids(c, { $or: [{ items: { $elemMatch: { q: { $type: "int" } } } }, { v: { $type: "long" } }] }),
    ).toEqual([1, 2]);
  });

  it("rejects an unknown type alias (2) and a non-string, non-number type (14)", async () => {
    const c = await seeded();
    const alias = await serverError(c.find({ $or: [{ v: { $type: "integer" } }] }).toArray());
    expect(alias.code).toBe(2);
    expect(alias.message).toBe("Unknown type name alias: integer");
    const wrong = await serverError(c.find({ v: { $type: true } }).toArray());
    expect(wrong.code).toBe(14);
    expect(wrong.message).toBe("type must be represented as a number or a string");
  });
});

describe("$type in every command that takes a filter", () => {
  const eitherIntegral = { $or: [{ v: { $type: "int" } }, { v: { $type: "long" } }] };

  it("count and distinct", async () => {
    const c = await seeded();
    expect(await c.countDocuments(eitherIntegral)).toBe(2);
    expect(await c.countDocuments({ $or: [{ "sub.n": { $type: "double" } }] })).toBe(1);
    expect((await c.distinct("_id", eitherIntegral)).sort()).toEqual([1, 2]);
  });

  it("delete and update filters", async () => {
    const c = await seeded();
    const updated = await c.updateMany(eitherIntegral, { $set: { hit: true } });
    expect(updated.matchedCount).toBe(2);
    expect(await ids(c, { hit: true })).toEqual([1, 2]);
    const found = await c.findOneAndUpdate({ $or: [{ v: { $type: "double" } }] }, { $set: { hit: 3 } });
    expect(found?._id).toBe(3);
    const deleted = await c.deleteMany({ $nor: [{ v: { $type: "int" } }, { v: { $type: "decimal" } }] });
    expect(deleted.deletedCount).toBe(3);
    expect(await ids(c, {})).toEqual([1, 4]);
  });

  it("aggregate $match, first in the pipeline or after other stages", async () => {
    const c = await seeded();
    const first = await c.aggregate([{ $match: eitherIntegral }, { $project: { _id: 1 } }]).toArray();
    expect(first.map((d) => d._id)).toEqual([1, 2]);
    const later = await c
      .aggregate([
        { $addFields: { tag: "x" } },
        { $match: { $or: [{ v: { $type: "long" } }, { "sub.n": { $type: "double" } }] } },
        { $sort: { _id: 1 } },
        { $project: { _id: 1 } },
      ])
      .toArray();
    expect(later.map((d) => d._id)).toEqual([2, 3]);
  });

  it("an $elemMatch projection picks the first element of the stored type (find, findAndModify)", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.insertOne({
      _id: 1,
      arr: [new Int32(1), Long.fromNumber(2), new Double(3), Decimal128.fromString("4"), Long.fromNumber(5)],
      items: [{ q: new Int32(1) }, { q: new Double(2) }, { q: Long.fromNumber(3) }],
    });
    const projected = (projection: AnyDoc) => c.findOne({ _id: 1 }, { projection });
    expect(await projected({ arr: { $elemMatch: { $type: "long" } } })).toEqual({ _id: 1, arr: [2] });
    expect(await projected({ arr: { $elemMatch: { $type: "double" } } })).toEqual({ _id: 1, arr: [3] });
    expect(await projected({ arr: { $elemMatch: { $type: "decimal" } } })).toEqual({
      _id: 1,
      arr: [Decimal128.fromString("4")],
    });
    expect(await projected({ items: { $elemMatch: { q: { $type: ["long", "double"] } } } })).toEqual({
      _id: 1,
      items: [{ q: 2 }],
    });
    expect(await projected({ arr: { $elemMatch: { $type: "string" } } })).toEqual({ _id: 1 });
    const found = await c.findOneAndUpdate(
      { _id: 1 },
      { $set: { t: 1 } },
      { projection: { items: { $elemMatch: { q: { $type: "long" } } } } },
    );
    expect(found).toEqual({ _id: 1, items: [{ q: 3 }] });
  });

  it("$pull conditions and arrayFilters see the stored element types", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.insertOne({
      _id: 1,
      a: [new Int32(1), new Double(2), Long.fromNumber(3)],
      b: [new Int32(1), new Double(2)],
    });
    await c.updateOne({ _id: 1 }, update({ $pull: { a: { $type: "double" } } }));
    await c.updateOne({ _id: 1 }, { $set: { "b.$[e]": 0 } }, { arrayFilters: [{ e: { $type: "int" } }] });
    const doc = await c.findOne({ _id: 1 }, { promoteValues: false });
    expect(doc?.a.map((v: AnyDoc) => v._bsontype)).toEqual(["Int32", "Long"]);
    expect(doc?.b.map((v: AnyDoc) => [v._bsontype, v.valueOf()])).toEqual([
      ["Int32", 0],
      ["Double", 2],
    ]);
  });
});
