/**
 * Decimal128 is a number like the others: equal to an int, long or double of exactly the same
 * value, ordered among them, and counted by $sum/$avg/$min/$max. Values come back as stored.
 */
import { Decimal128, Double, Int32, Long } from "mongodb";
import { describe, expect, it } from "vitest";
import { type AnyDoc, setupMongo } from "./support";

const mongo = setupMongo();

const D = (s: string) => Decimal128.fromString(s);

async function seeded() {
  const c = mongo.db().collection<AnyDoc>("c");
  await c.insertMany([
    { _id: 1, v: D("1.5") },
    { _id: 2, v: 1.5 },
    { _id: 3, v: new Int32(1) },
    { _id: 4, v: D("0.1") },
    { _id: 5, v: 0.1 },
    { _id: 6, v: D("2") },
    { _id: 7, v: Long.fromNumber(2) },
    { _id: 8, v: "1.5" },
  ]);
  return c;
}

async function ids(c: AnyDoc, filter: AnyDoc): Promise<unknown[]> {
  return (await c.find(filter).sort({ _id: 1 }).toArray()).map((d: AnyDoc) => d._id);
}

describe("Decimal128 in query comparisons", () => {
  it("equals a number of another type with exactly the same value", async () => {
    const c = await seeded();
    expect(await ids(c, { v: 1.5 })).toEqual([1, 2]);
    expect(await ids(c, { v: D("1.5") })).toEqual([1, 2]);
    expect(await ids(c, { v: D("1.50") })).toEqual([1, 2]);
    expect(await ids(c, { v: 2 })).toEqual([6, 7]);
    expect(await ids(c, { v: { $eq: D("2.0") } })).toEqual([6, 7]);
  });

  it("does not equal a double whose binary value differs (0.1)", async () => {
    const c = await seeded();
    expect(await ids(c, { v: D("0.1") })).toEqual([4]);
    expect(await ids(c, { v: 0.1 })).toEqual([5]);
    expect(await ids(c, { v: { $gte: D("0.1"), $lt: 0.1 } })).toEqual([4]);
  });

  it("is ordered among numbers by $gt/$lt and brackets by type", async () => {
    const c = await seeded();
    expect(await ids(c, { v: { $gt: 1 } })).toEqual([1, 2, 6, 7]);
    expect(await ids(c, { v: { $lt: D("1.5") } })).toEqual([3, 4, 5]);
    expect(await ids(c, { v: { $lte: D("1.5"), $gt: D("1") } })).toEqual([1, 2]);
    expect(await ids(c, { v: { $ne: D("1.5") } })).toEqual([3, 4, 5, 6, 7, 8]);
  });

  it("matches $in and $nin lists by value", async () => {
    const c = await seeded();
    expect(await ids(c, { v: { $in: [1.5, D("2")] } })).toEqual([1, 2, 6, 7]);
    expect(await ids(c, { v: { $nin: [D("1"), 0.1, 2, "1.5"] } })).toEqual([1, 2, 4]);
    expect(await ids(c, { $or: [{ v: D("1") }, { v: { $in: [D("0.10")] } }] })).toEqual([3, 4]);
  });

  it("counts and deletes by value", async () => {
    const c = await seeded();
    expect(await c.countDocuments({ v: D("2") })).toBe(2);
    expect((await c.deleteMany({ v: { $in: [D("1.5")] } })).deletedCount).toBe(2);
  });

  it("sorts among numbers by value and comes back as the stored Decimal128", async () => {
    const c = await seeded();
    const docs = await c
      .find({ v: { $type: "number" } })
      .sort({ v: 1, _id: 1 })
      .toArray();
    expect(docs.map((d) => d._id)).toEqual([4, 5, 3, 1, 2, 6, 7]);
    expect(docs[0]?.v).toBeInstanceOf(Decimal128);
    expect(docs[0]?.v.toString()).toBe("0.1");
    const desc = await c.find({}, { sort: { v: -1, _id: 1 } }).toArray();
    expect(desc.map((d) => d._id)).toEqual([8, 6, 7, 1, 2, 3, 5, 4]);
  });

  it("distinct treats a decimal and a number of the same value as one value", async () => {
    const c = await seeded();
    expect(await c.distinct("v", { v: { $type: "number" } })).toHaveLength(5);
  });
});

describe("Decimal128 in an $elemMatch projection", () => {
  it("compares elements by exact value, as the query does", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.insertOne({ _id: 1, items: [{ p: D("0.1") }, { p: 0.2 }, { p: D("0.3") }, { p: 0.3 }] });
    const projected = (elemMatch: AnyDoc) =>
      c.findOne({ _id: 1 }, { projection: { items: { $elemMatch: elemMatch } } });
    expect(await projected({ p: { $gt: D("0.25") } })).toEqual({ _id: 1, items: [{ p: D("0.3") }] });
    expect(await projected({ p: { $gt: 0.15 } })).toEqual({ _id: 1, items: [{ p: 0.2 }] });
    expect(await projected({ p: D("0.30") })).toEqual({ _id: 1, items: [{ p: D("0.3") }] });
    // The double 0.2 is not the decimal 0.2; 0.1 as a double is above the decimal 0.1.
    expect(await projected({ p: D("0.2") })).toEqual({ _id: 1 });
    expect(await projected({ p: { $lte: 0.1 } })).toEqual({ _id: 1, items: [{ p: D("0.1") }] });
    expect(await projected({ p: { $gte: 0.1, $lt: D("0.2") } })).toEqual({ _id: 1 });
  });
});

describe("Decimal128 in aggregation", () => {
  async function groups() {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.insertMany([
      { g: "a", v: D("1.5") },
      { g: "a", v: D("2") },
      { g: "a", v: D("2.5") },
      { g: "a", v: "x" },
      { g: "b", v: D("1.5") },
      { g: "b", v: 0.5 },
      { g: "b", v: new Int32(2) },
      { g: "b", v: null },
    ]);
    return c;
  }

  it("$sum and $avg of decimals are decimals", async () => {
    const c = await groups();
    const [a] = await c
      .aggregate([
        { $match: { g: "a" } },
        { $group: { _id: "$g", sum: { $sum: "$v" }, avg: { $avg: "$v" } } },
      ])
      .toArray();
    expect(a?.sum).toBeInstanceOf(Decimal128);
    expect(Number(a?.sum.toString())).toBe(6);
    expect(a?.avg).toBeInstanceOf(Decimal128);
    expect(Number(a?.avg.toString())).toBe(2);
  });

  it("$group puts numbers of equal value in one group, keyed by the first value seen", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.insertMany([
      { _id: 1, v: D("1"), o: { k: D("2.0") } },
      { _id: 2, v: Long.fromNumber(1), o: { k: 2 } },
      { _id: 3, v: new Int32(1), o: { k: Long.fromNumber(2) } },
      { _id: 4, v: new Double(1), o: { k: 2.5 } },
      { _id: 5, v: 2, o: { k: D("2.50") } },
      { _id: 6, v: D("1.00"), o: { k: "2" } },
      { _id: 7, v: 0.1, o: { k: null } },
      { _id: 8, v: D("0.1"), o: { k: null } },
    ]);
    const byValue = await c
      .aggregate([
        { $sort: { _id: 1 } },
        { $group: { _id: "$v", ids: { $push: "$_id" } } },
        { $sort: { ids: 1 } },
      ])
      .toArray();
    expect(byValue).toEqual([
      { _id: D("1"), ids: [1, 2, 3, 4, 6] },
      { _id: 2, ids: [5] },
      { _id: 0.1, ids: [7] },
      { _id: D("0.1"), ids: [8] },
    ]);
    const byObject = await c
      .aggregate([
        { $sort: { _id: 1 } },
        { $group: { _id: { k: "$o.k" }, n: { $sum: 1 } } },
        { $sort: { n: -1, "_id.k": 1 } },
      ])
      .toArray();
    expect(byObject).toEqual([
      { _id: { k: D("2.0") }, n: 3 },
      { _id: { k: null }, n: 2 },
      { _id: { k: 2.5 }, n: 2 },
      { _id: { k: "2" }, n: 1 },
    ]);
  });

  it("$min and $max pick decimals by value and return them as stored", async () => {
    const c = await groups();
    const out = await c
      .aggregate([{ $group: { _id: "$g", min: { $min: "$v" }, max: { $max: "$v" } } }, { $sort: { _id: 1 } }])
      .toArray();
    expect(out[0]?.min.toString()).toBe("1.5");
    expect(out[0]?.min).toBeInstanceOf(Decimal128);
    expect(out[0]?.max).toBe("x");
    expect(out[1]).toEqual({ _id: "b", min: 0.5, max: 2 });
  });

  it("$sort and $match after other stages order and compare decimals by value", async () => {
    const c = await groups();
    const out = await c
      .aggregate([
        { $match: { g: "b" } },
        { $project: { _id: 0, v: 1 } },
        { $match: { v: { $gte: D("0.5") } } },
        { $sort: { v: -1 } },
      ])
      .toArray();
    expect(out.map((d) => Number(d.v.toString()))).toEqual([2, 1.5, 0.5]);
    expect(out[1]?.v).toBeInstanceOf(Decimal128);
  });

  it("arithmetic with a decimal gives a decimal", async () => {
    const c = await groups();
    const out = await c
      .aggregate([
        { $match: { g: "b", v: D("1.5") } },
        {
          $project: {
            _id: 0,
            sum: { $add: ["$v", 1] },
            gt: { $gt: ["$v", 1] },
            half: { $divide: ["$v", 3] },
          },
        },
      ])
      .toArray();
    expect(out).toHaveLength(1);
    expect(out[0]?.sum).toBeInstanceOf(Decimal128);
    expect(Number(out[0]?.sum.toString())).toBe(2.5);
    expect(out[0]?.gt).toBe(true);
    expect(Number(out[0]?.half.toString())).toBe(0.5);
  });
});
