/**
 * find and findAndModify projections return values with their stored BSON number types (int32,
 * int64, double, Decimal128), in mongod's field order. Read back unpromoted (`promoteValues: false`);
 * documents are shown as ordered `[field, value]` pairs so that order is asserted too.
 */
import { Decimal128, Double, Int32, Long } from "mongodb";
import { describe, expect, it } from "vitest";
import { type AnyDoc, setupMongo } from "./support";

const mongo = setupMongo();

const BIG = "9007199254740993"; // 2^53 + 1: exact only as an int64

/** Numbers as `type:value`, documents as ordered `[field, value]` pairs. */
function shape(v: unknown): unknown {
  if (v instanceof Int32) return `int:${v.value}`;
  if (v instanceof Long) return `long:${v.toString()}`;
  if (v instanceof Double) return `double:${v.value}`;
  if (v instanceof Decimal128) return `decimal:${v.toString()}`;
  if (typeof v === "number") return `js:${v}`; // never expected with promoteValues: false
  if (Array.isArray(v)) return v.map(shape);
  if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.entries(v).map(([k, x]) => [k, shape(x)]);
  }
  return v;
}

async function withDocs(...docs: AnyDoc[]) {
  const c = mongo.db().collection<AnyDoc>("c");
  await c.insertMany(docs);
  return c;
}

const numbers = () => ({
  _id: 1,
  i: new Int32(1),
  l: Long.fromNumber(5),
  d: new Double(2),
  s: "x",
  m: Decimal128.fromString("1.50"),
  big: Long.fromString(BIG),
  é: Long.fromNumber(3),
});

describe("inclusion and exclusion projections keep the stored number types", () => {
  it("an inclusion copies the named fields as stored, in stored order with _id first", async () => {
    const c = await withDocs(numbers());
    const find = async (projection: AnyDoc) =>
      shape(await c.findOne({ _id: 1 }, { projection, promoteValues: false }));
    expect(await find({ é: 1, big: 1, m: 1, d: 1, l: 1 })).toEqual([
      ["_id", "int:1"],
      ["l", "long:5"],
      ["d", "double:2"],
      ["m", "decimal:1.50"],
      ["big", `long:${BIG}`],
      ["é", "long:3"],
    ]);
    expect(await find({ d: 1, _id: 0, i: true })).toEqual([
      ["i", "int:1"],
      ["d", "double:2"],
    ]);
    expect(await find({ _id: 1 })).toEqual([["_id", "int:1"]]);
    expect(await find({ missing: 1 })).toEqual([["_id", "int:1"]]);
  });

  it("an exclusion keeps the other fields as stored, in stored order", async () => {
    const c = await withDocs(numbers(), { _id: Long.fromNumber(7), n: new Double(1) });
    const find = async (id: unknown, projection: AnyDoc) =>
      shape(await c.findOne({ _id: id }, { projection, promoteValues: false }));
    expect(await find(1, { s: 0, i: 0, é: 0 })).toEqual([
      ["_id", "int:1"],
      ["l", "long:5"],
      ["d", "double:2"],
      ["m", "decimal:1.50"],
      ["big", `long:${BIG}`],
    ]);
    expect(await find(1, { _id: 0, l: 0, big: false, é: 0 })).toEqual([
      ["i", "int:1"],
      ["d", "double:2"],
      ["s", "x"],
      ["m", "decimal:1.50"],
    ]);
    expect(await find(Long.fromNumber(7), { _id: 0 })).toEqual([["n", "double:1"]]);
    expect(await find(Long.fromNumber(7), { n: 0 })).toEqual([["_id", "long:7"]]);
    expect(await find(Long.fromNumber(7), { _id: 1 })).toEqual([["_id", "long:7"]]);
  });

  it("dotted paths project embedded documents and the documents inside arrays", async () => {
    const c = await withDocs({
      _id: 1,
      o: { d: new Double(2), x: "x", l: Long.fromNumber(5), n: { i: new Int32(3), y: new Double(4) } },
      a: [
        { v: Long.fromNumber(1), w: new Int32(1) },
        new Int32(5),
        { w: new Int32(2) },
        [{ v: new Double(2) }],
      ],
      ab: Long.fromNumber(9),
      s: 7,
    });
    const find = async (projection: AnyDoc) =>
      shape(await c.findOne({ _id: 1 }, { projection, promoteValues: false }));
    expect(await find({ "o.n.i": 1, "o.l": 1, "o.d": 1, "s.t": 1 })).toEqual([
      ["_id", "int:1"],
      [
        "o",
        [
          ["d", "double:2"],
          ["l", "long:5"],
          ["n", [["i", "int:3"]]],
        ],
      ],
    ]);
    // An inclusion through an array keeps its documents (even emptied) and nested arrays, not its scalars.
    expect(await find({ "a.v": 1, _id: 0 })).toEqual([["a", [[["v", "long:1"]], [], [[["v", "double:2"]]]]]]);
    expect(await find({ "o.x": 0, "o.n.y": 0, "a.w": 0, ab: 0, "s.t": 0 })).toEqual([
      ["_id", "int:1"],
      [
        "o",
        [
          ["d", "double:2"],
          ["l", "long:5"],
          ["n", [["i", "int:3"]]],
        ],
      ],
      ["a", [[["v", "long:1"]], "int:5", [], [[["v", "double:2"]]]]],
      ["s", "int:7"],
    ]);
  });

  it("keeps the types whichever way the result is produced: in-memory sort, several batches", async () => {
    const docs = Array.from({ length: 7 }, (_, i) => ({
      _id: i,
      n: Long.fromNumber(i * 10),
      d: new Double(i),
      pad: "p",
    }));
    const c = await withDocs(...docs);
    const sorted = await c
      .find({}, { projection: { n: 1, d: 1, _id: 0 }, sort: { d: -1 }, batchSize: 2, promoteValues: false })
      .toArray();
    expect(sorted.map(shape)).toEqual(
      docs.reverse().map((d) => [
        ["n", `long:${d.n.toString()}`],
        ["d", `double:${d.d.value}`],
      ]),
    );
    const natural = await c
      .find({ _id: { $gte: 3 } }, { projection: { pad: 0 }, batchSize: 3, promoteValues: false })
      .toArray();
    expect(natural.map(shape)).toEqual(
      [3, 4, 5, 6].map((i) => [
        ["_id", `int:${i}`],
        ["n", `long:${i * 10}`],
        ["d", `double:${i}`],
      ]),
    );
  });
});

describe("projection operators and expressions keep the stored types of what they copy", () => {
  const doc = () => ({
    _id: 1,
    arr: [Long.fromNumber(1), new Double(2), new Int32(3), Decimal128.fromString("4")],
    items: [
      { k: "a", q: Long.fromNumber(1) },
      { k: "b", q: new Double(2) },
    ],
    g: [new Int32(1), Long.fromNumber(5), new Double(7)],
    other: Long.fromNumber(8),
  });

  it("$slice keeps the sliced elements and every other field as stored", async () => {
    const c = await withDocs(doc());
    const sliced = await c.findOne(
      { _id: 1 },
      { projection: { arr: { $slice: [1, 2] } }, promoteValues: false },
    );
    expect(shape(sliced)).toEqual([
      ["_id", "int:1"],
      ["arr", ["double:2", "int:3"]],
      [
        "items",
        [
          [
            ["k", "a"],
            ["q", "long:1"],
          ],
          [
            ["k", "b"],
            ["q", "double:2"],
          ],
        ],
      ],
      ["g", ["int:1", "long:5", "double:7"]],
      ["other", "long:8"],
    ]);
  });

  it("$elemMatch returns the matching element as stored, after the other included fields", async () => {
    const c = await withDocs(doc());
    const picked = await c.findOne(
      { _id: 1 },
      { projection: { items: { $elemMatch: { k: "b" } }, other: 1 }, promoteValues: false },
    );
    expect(shape(picked)).toEqual([
      ["_id", "int:1"],
      ["other", "long:8"],
      [
        "items",
        [
          [
            ["k", "b"],
            ["q", "double:2"],
          ],
        ],
      ],
    ]);
  });

  it("the positional $ returns the matched element as stored", async () => {
    const c = await withDocs(doc());
    const matched = await c.findOne(
      { g: { $gte: 2 } },
      { projection: { "g.$": 1, _id: 0 }, promoteValues: false },
    );
    expect(shape(matched)).toEqual([["g", ["long:5"]]]);
  });

  it("expressions copy referenced values with their types and type arithmetic like mongod", async () => {
    const c = await withDocs(doc());
    const out = await c.findOne(
      { _id: 1 },
      {
        projection: {
          _id: 0,
          ref: "$other",
          sum: { $add: ["$other", 1] },
          whole: "$g",
        },
        promoteValues: false,
      },
    );
    expect(Object.fromEntries(shape(out) as [string, unknown][])).toEqual({
      ref: "long:8",
      sum: "long:9",
      whole: ["int:1", "long:5", "double:7"],
    });
  });
});

describe("findAndModify projections keep the stored types", () => {
  it("inclusion, exclusion and $slice on the returned document", async () => {
    const c = await withDocs(doc2());
    const included = await c.findOneAndUpdate(
      { _id: 1 },
      { $inc: { n: 1 } },
      { returnDocument: "after", projection: { d: 1, n: 1 }, promoteValues: false },
    );
    expect(shape(included)).toEqual([
      ["_id", "int:1"],
      ["n", "long:6"],
      ["d", "double:2"],
    ]);
    const excluded = await c.findOneAndUpdate(
      { _id: 1 },
      { $set: { x: new Int32(1) } },
      { projection: { arr: 0, _id: 0 }, promoteValues: false },
    );
    expect(shape(excluded)).toEqual([
      ["n", "long:6"],
      ["d", "double:2"],
    ]);
    const sliced = await c.findOneAndDelete(
      { _id: 1 },
      { projection: { arr: { $slice: -2 } }, promoteValues: false },
    );
    expect(shape(sliced)).toEqual([
      ["_id", "int:1"],
      ["n", "long:6"],
      ["d", "double:2"],
      ["arr", ["double:2", "decimal:3"]],
      ["x", "int:1"],
    ]);
  });
});

function doc2() {
  return {
    _id: 1,
    n: Long.fromNumber(5),
    d: new Double(2),
    arr: [Long.fromNumber(1), new Double(2), Decimal128.fromString("3")],
  };
}
