import { Double, Long } from "mongodb";
import { describe, expect, it } from "vitest";
import { serverError, setupMongo } from "./support";

const mongo = setupMongo();

type Order = {
  _id: number;
  cust: string;
  item: string;
  qty: number;
  price: number;
  tags?: string[] | null;
};

const orders: Order[] = [
  { _id: 1, cust: "a", item: "x", qty: 2, price: 10, tags: ["t1", "t2"] },
  { _id: 2, cust: "b", item: "y", qty: 1, price: 20, tags: ["t2"] },
  { _id: 3, cust: "a", item: "y", qty: 5, price: 20, tags: [] },
  { _id: 4, cust: "c", item: "x", qty: 1, price: 10 },
  { _id: 5, cust: "a", item: "z", qty: 3, price: 5.5, tags: ["t1"] },
];

async function seeded() {
  const db = mongo.db();
  const c = db.collection<Order>("orders");
  await c.insertMany(orders);
  await db.collection<{ _id: string; name: string }>("customers").insertMany([
    { _id: "a", name: "Ann" },
    { _id: "b", name: "Bob" },
  ]);
  return c;
}

describe("aggregate stages", () => {
  it("returns every document for an empty pipeline and nothing for a missing collection", async () => {
    const c = await seeded();
    expect(await c.aggregate([]).toArray()).toEqual(orders);
    expect(
      await c.db
        .collection("nope")
        .aggregate([{ $match: {} }])
        .toArray(),
    ).toEqual([]);
  });

  it("$match, $sort and $project with computed fields", async () => {
    const c = await seeded();
    const out = await c
      .aggregate([
        { $match: { cust: "a" } },
        { $sort: { qty: -1 } },
        { $project: { _id: 0, item: 1, total: { $multiply: ["$qty", "$price"] } } },
      ])
      .toArray();
    expect(out).toEqual([
      { item: "y", total: 100 },
      { item: "z", total: 16.5 },
      { item: "x", total: 20 },
    ]);
  });

  it("$project expressions: $cond, $ifNull, $size, $arrayElemAt, $toUpper, $concat", async () => {
    const c = await seeded();
    const out = await c
      .aggregate([
        { $sort: { _id: 1 } },
        {
          $project: {
            up: { $toUpper: "$item" },
            label: { $concat: ["$cust", "-", "$item"] },
            nTags: { $size: { $ifNull: ["$tags", []] } },
            firstTag: { $arrayElemAt: ["$tags", 0] },
            big: { $cond: [{ $gte: ["$qty", 3] }, "yes", "no"] },
          },
        },
      ])
      .toArray();
    expect(out).toEqual([
      { _id: 1, up: "X", label: "a-x", nTags: 2, firstTag: "t1", big: "no" },
      { _id: 2, up: "Y", label: "b-y", nTags: 1, firstTag: "t2", big: "no" },
      { _id: 3, up: "Y", label: "a-y", nTags: 0, big: "yes" },
      { _id: 4, up: "X", label: "c-x", nTags: 0, firstTag: null, big: "no" },
      { _id: 5, up: "Z", label: "a-z", nTags: 1, firstTag: "t1", big: "yes" },
    ]);
  });

  it("$addFields, $set and $unset", async () => {
    const c = await seeded();
    const out = await c
      .aggregate([
        { $match: { _id: 1 } },
        { $addFields: { total: { $multiply: ["$qty", "$price"] }, "extra.x": 1 } },
        { $set: { qty: 0 } },
        { $unset: ["tags", "price"] },
      ])
      .toArray();
    expect(out).toEqual([{ _id: 1, cust: "a", item: "x", qty: 0, total: 20, extra: { x: 1 } }]);
  });

  it("$group with $sum, $avg, $min, $max, $push and $addToSet", async () => {
    const c = await seeded();
    const out = await c
      .aggregate<{ _id: string; uniq: string[] }>([
        { $sort: { _id: 1 } },
        {
          $group: {
            _id: "$cust",
            n: { $sum: 1 },
            qty: { $sum: "$qty" },
            avg: { $avg: "$qty" },
            min: { $min: "$price" },
            max: { $max: "$price" },
            items: { $push: "$item" },
            uniq: { $addToSet: "$price" },
          },
        },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    for (const g of out) g.uniq.sort();
    expect(out).toEqual([
      {
        _id: "a",
        n: 3,
        qty: 10,
        avg: 10 / 3,
        min: 5.5,
        max: 20,
        items: ["x", "y", "z"],
        uniq: [10, 20, 5.5],
      },
      { _id: "b", n: 1, qty: 1, avg: 1, min: 20, max: 20, items: ["y"], uniq: [20] },
      { _id: "c", n: 1, qty: 1, avg: 1, min: 10, max: 10, items: ["x"], uniq: [10] },
    ]);
  });

  it("$group with $first and $last follows the incoming order", async () => {
    const c = await seeded();
    const out = await c
      .aggregate([
        { $sort: { qty: 1, _id: 1 } },
        { $group: { _id: "$item", first: { $first: "$_id" }, last: { $last: "$_id" } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(out).toEqual([
      { _id: "x", first: 4, last: 1 },
      { _id: "y", first: 2, last: 3 },
      { _id: "z", first: 5, last: 5 },
    ]);
  });

  it("$group by null and by a compound key", async () => {
    const c = await seeded();
    expect(
      await c
        .aggregate([{ $group: { _id: null, total: { $sum: { $multiply: ["$qty", "$price"] } } } }])
        .toArray(),
    ).toEqual([{ _id: null, total: 166.5 }]);
    const compound = await c
      .aggregate([
        { $match: { cust: "a" } },
        { $group: { _id: { c: "$cust", i: "$item" }, q: { $sum: "$qty" } } },
        { $sort: { "_id.i": 1 } },
      ])
      .toArray();
    expect(compound).toEqual([
      { _id: { c: "a", i: "x" }, q: 2 },
      { _id: { c: "a", i: "y" }, q: 5 },
      { _id: { c: "a", i: "z" }, q: 3 },
    ]);
  });

  it("accumulators skip missing and non-numeric values", async () => {
    const c = mongo.db().collection<{ _id: number; v?: unknown }>("c");
    await c.insertMany([{ _id: 1, v: "s" }, { _id: 2 }, { _id: 3, v: null }]);
    expect(
      await c
        .aggregate([{ $group: { _id: null, s: { $sum: "$v" }, a: { $avg: "$v" }, m: { $max: "$v" } } }])
        .toArray(),
    ).toEqual([{ _id: null, s: 0, a: null, m: "s" }]);
  });

  it("$unwind, plain and with includeArrayIndex and preserveNullAndEmptyArrays", async () => {
    const c = await seeded();
    expect(await c.aggregate([{ $unwind: "$tags" }, { $project: { tags: 1 } }]).toArray()).toEqual([
      { _id: 1, tags: "t1" },
      { _id: 1, tags: "t2" },
      { _id: 2, tags: "t2" },
      { _id: 5, tags: "t1" },
    ]);
    const kept = await c
      .aggregate([
        { $unwind: { path: "$tags", includeArrayIndex: "idx", preserveNullAndEmptyArrays: true } },
        { $project: { cust: 0, item: 0, qty: 0, price: 0 } },
      ])
      .toArray();
    expect(kept).toEqual([
      { _id: 1, tags: "t1", idx: 0 },
      { _id: 1, tags: "t2", idx: 1 },
      { _id: 2, tags: "t2", idx: 0 },
      { _id: 3, idx: null },
      { _id: 4, idx: null },
      { _id: 5, tags: "t1", idx: 0 },
    ]);
  });

  it("$lookup by local and foreign field", async () => {
    const c = await seeded();
    const out = await c
      .aggregate([
        { $match: { _id: { $in: [1, 4] } } },
        { $lookup: { from: "customers", localField: "cust", foreignField: "_id", as: "who" } },
        { $project: { cust: 1, who: 1 } },
      ])
      .toArray();
    expect(out).toEqual([
      { _id: 1, cust: "a", who: [{ _id: "a", name: "Ann" }] },
      { _id: 4, cust: "c", who: [] },
    ]);
  });

  it("$lookup with let and a pipeline", async () => {
    const c = await seeded();
    const out = await c.db
      .collection("customers")
      .aggregate([
        { $sort: { _id: 1 } },
        {
          $lookup: {
            from: "orders",
            let: { c: "$_id" },
            pipeline: [{ $match: { $expr: { $eq: ["$cust", "$$c"] } } }, { $count: "n" }],
            as: "orders",
          },
        },
      ])
      .toArray();
    expect(out).toEqual([
      { _id: "a", name: "Ann", orders: [{ n: 3 }] },
      { _id: "b", name: "Bob", orders: [{ n: 1 }] },
    ]);
  });

  it("$lookup matches each element of an array localField", async () => {
    const c = await seeded();
    const db = c.db;
    await db.collection("groups").insertOne({ _id: "g" as never, members: ["a", "b", "zz"] });
    const out = await db
      .collection("groups")
      .aggregate([
        { $lookup: { from: "customers", localField: "members", foreignField: "_id", as: "who" } },
        { $project: { names: "$who.name" } },
      ])
      .toArray();
    expect(out).toEqual([{ _id: "g", names: ["Ann", "Bob"] }]);
  });

  it("$unwind treats a non-array value as a one-element array", async () => {
    const c = mongo.db().collection("c");
    await c.insertMany([
      { _id: 1, v: 7 },
      { _id: 2, v: [8, 9] },
    ] as never[]);
    expect(await c.aggregate([{ $unwind: "$v" }]).toArray()).toEqual([
      { _id: 1, v: 7 },
      { _id: 2, v: 8 },
      { _id: 2, v: 9 },
    ]);
  });

  it("$group puts numerically equal keys of different types in one group", async () => {
    const c = mongo.db().collection("c");
    await c.insertMany([
      { _id: 1, k: 1 },
      { _id: 2, k: new Double(1) },
      { _id: 3, k: Long.fromNumber(1) },
      { _id: 4, k: "1" },
    ] as never[]);
    const out = await c
      .aggregate([{ $group: { _id: "$k", n: { $sum: 1 } } }, { $sort: { n: -1 } }])
      .toArray();
    expect(out).toHaveLength(2);
    expect(out[0]?.n).toBe(3);
    expect(out[1]).toEqual({ _id: "1", n: 1 });
  });

  it("$sort orders mixed types in BSON order", async () => {
    const c = mongo.db().collection("c");
    await c.insertMany([
      { _id: 1, v: "s" },
      { _id: 2, v: 3 },
      { _id: 3, v: null },
      { _id: 4, v: { a: 1 } },
      { _id: 5, v: true },
    ] as never[]);
    const out = await c.aggregate([{ $sort: { v: 1 } }, { $project: { _id: 1 } }]).toArray();
    expect(out.map((d) => d._id)).toEqual([3, 2, 1, 4, 5]);
  });

  it("$count, and no document at all when nothing is counted", async () => {
    const c = await seeded();
    expect(await c.aggregate([{ $match: { cust: "a" } }, { $count: "howMany" }]).toArray()).toEqual([
      { howMany: 3 },
    ]);
    expect(await c.aggregate([{ $match: { cust: "zz" } }, { $count: "howMany" }]).toArray()).toEqual([]);
  });

  it("$sortByCount groups and orders by count descending", async () => {
    const c = await seeded();
    const out = await c.aggregate<{ _id: string; count: number }>([{ $sortByCount: "$cust" }]).toArray();
    expect(out[0]).toEqual({ _id: "a", count: 3 });
    expect(out.slice(1).sort((x, y) => x._id.localeCompare(y._id))).toEqual([
      { _id: "b", count: 1 },
      { _id: "c", count: 1 },
    ]);
  });

  it("$facet runs sub-pipelines over the same input", async () => {
    const c = await seeded();
    const out = await c
      .aggregate([
        {
          $facet: {
            top: [{ $sortByCount: "$cust" }, { $limit: 1 }],
            total: [{ $count: "n" }],
            biggest: [{ $sort: { qty: -1 } }, { $limit: 1 }, { $project: { _id: 1 } }],
            none: [{ $match: { qty: 99 } }],
          },
        },
      ])
      .toArray();
    expect(out).toEqual([
      { top: [{ _id: "a", count: 3 }], total: [{ n: 5 }], biggest: [{ _id: 3 }], none: [] },
    ]);
  });

  it("$replaceRoot promotes an embedded or computed document", async () => {
    const c = await seeded();
    expect(
      await c
        .aggregate([{ $match: { _id: 1 } }, { $replaceRoot: { newRoot: { c: "$cust", q: "$qty" } } }])
        .toArray(),
    ).toEqual([{ c: "a", q: 2 }]);
    const nested = mongo.db().collection("n");
    await nested.insertOne({ _id: 1, inner: { a: 1, b: { c: 2 } } } as never);
    expect(await nested.aggregate([{ $replaceRoot: { newRoot: "$inner" } }]).toArray()).toEqual([
      { a: 1, b: { c: 2 } },
    ]);
  });

  it("$skip and $limit", async () => {
    const c = await seeded();
    expect(
      await c
        .aggregate([{ $sort: { _id: 1 } }, { $skip: 1 }, { $limit: 2 }, { $project: { _id: 1 } }])
        .toArray(),
    ).toEqual([{ _id: 2 }, { _id: 3 }]);
  });
});

describe("aggregation expressions", () => {
  it("evaluates string, array, date, conditional and type expressions like mongod", async () => {
    const c = mongo.db().collection("c");
    await c.insertOne({
      _id: 1,
      s: "Hello World",
      arr: [1, 2, 3],
      at: new Date("2024-02-29T13:45:00Z"),
      n: 5,
      d: 2.5,
      o: { a: 1, b: 2 },
    } as never);
    const [out] = await c
      .aggregate([
        {
          $project: {
            _id: 0,
            lower: { $toLower: "$s" },
            parts: { $split: ["$s", " "] },
            len: { $strLenCP: "$s" },
            sub: { $substrCP: ["$s", 6, 5] },
            str: { $toString: "$n" },
            filtered: { $filter: { input: "$arr", as: "x", cond: { $gt: ["$$x", 1] } } },
            mapped: { $map: { input: "$arr", in: { $multiply: ["$$this", 10] } } },
            total: { $reduce: { input: "$arr", initialValue: 0, in: { $add: ["$$value", "$$this"] } } },
            has2: { $in: [2, "$arr"] },
            joined: { $concatArrays: ["$arr", [4]] },
            lastTwo: { $slice: ["$arr", -2] },
            day: { $dateToString: { format: "%Y-%m-%d %H:%M", date: "$at" } },
            year: { $year: "$at" },
            month: { $month: "$at" },
            dom: { $dayOfMonth: "$at" },
            size: {
              $switch: {
                branches: [
                  // biome-ignore lint/suspicious/noThenProperty: MongoDB $switch syntax
                  { case: { $lt: ["$n", 3] }, then: "small" },
                  // biome-ignore lint/suspicious/noThenProperty: MongoDB $switch syntax
                  { case: { $lt: ["$n", 10] }, then: "medium" },
                ],
                default: "large",
              },
            },
            merged: { $mergeObjects: ["$o", { c: 3 }] },
            pairs: { $objectToArray: "$o" },
            types: ["$n", "$d", "$s", "$arr"].map((f) => ({ $type: f })),
            missingType: { $type: "$nope" },
            scoped: { $let: { vars: { twice: { $multiply: ["$n", 2] } }, in: { $add: ["$$twice", 1] } } },
          },
        },
      ])
      .toArray();
    expect(out).toEqual({
      lower: "hello world",
      parts: ["Hello", "World"],
      len: 11,
      sub: "World",
      str: "5",
      filtered: [2, 3],
      mapped: [10, 20, 30],
      total: 6,
      has2: true,
      joined: [1, 2, 3, 4],
      lastTwo: [2, 3],
      day: "2024-02-29 13:45",
      year: 2024,
      month: 2,
      dom: 29,
      size: "medium",
      merged: { a: 1, b: 2, c: 3 },
      pairs: [
        { k: "a", v: 1 },
        { k: "b", v: 2 },
      ],
      types: ["int", "double", "string", "array"],
      missingType: "missing",
      scoped: 11,
    });
  });
});

describe("aggregate errors", () => {
  it("refuses change streams as a standalone mongod does (40573)", async () => {
    const stream = mongo.db().collection("c").watch();
    const err = await serverError(stream.tryNext());
    await stream.close();
    expect(err.code).toBe(40573);
    expect(err.message).toBe("The $changeStream stage is only supported on replica sets");
  });

  it("rejects an unknown stage (40324)", async () => {
    const c = await seeded();
    const err = await serverError(c.aggregate([{ $frob: {} }]).toArray());
    expect(err.code).toBe(40324);
    expect(err.message).toBe("Unrecognized pipeline stage name: '$frob'");
  });

  it("rejects an unknown expression operator (168 InvalidPipelineOperator)", async () => {
    const c = await seeded();
    const err = await serverError(c.aggregate([{ $project: { x: { $frob: 1 } } }]).toArray());
    expect(err.code).toBe(168);
    expect(err.codeName).toBe("InvalidPipelineOperator");
    expect(err.message).toBe("Unrecognized expression '$frob'");
  });

  it("rejects a $group without _id (15955) and an unknown accumulator (15952)", async () => {
    const c = await seeded();
    const noId = await serverError(c.aggregate([{ $group: { n: { $sum: 1 } } }]).toArray());
    expect(noId.code).toBe(15955);
    expect(noId.message).toBe("a group specification must include an _id");
    const acc = await serverError(c.aggregate([{ $group: { _id: null, n: { $frob: 1 } } }]).toArray());
    expect(acc.code).toBe(15952);
    expect(acc.message).toBe("unknown group operator '$frob'");
  });

  it("rejects a stage object with two fields (40323)", async () => {
    const c = await seeded();
    const err = await serverError(c.aggregate([{ $match: {}, $sort: { _id: 1 } }]).toArray());
    expect(err.code).toBe(40323);
    expect(err.message).toBe("A pipeline stage specification object must contain exactly one field.");
  });
});
