/**
 * BSON number types after writes: mongod stores exactly the type a client sent ($set, replacement,
 * upsert, $setOnInsert, $min/$max winners) and computes $inc/$mul/$bit and pipeline arithmetic
 * with its own type promotion. Types are read back unpromoted (`promoteValues: false`).
 */
import { Decimal128, Double, Int32, Long } from "mongodb";
import { describe, expect, it } from "vitest";
import { type AnyDoc, serverError, setupMongo, update } from "./support";

const mongo = setupMongo();

async function withDocs(...docs: AnyDoc[]) {
  const c = mongo.db().collection<AnyDoc>("c");
  await c.insertMany(docs);
  return c;
}

function typed(v: unknown): unknown {
  if (v instanceof Int32) return `int:${v.value}`;
  if (v instanceof Long) return `long:${v.toString()}`;
  if (v instanceof Double) return `double:${v.value}`;
  if (v instanceof Decimal128) return `decimal:${v.toString()}`;
  if (Array.isArray(v)) return v.map(typed);
  if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typed(x)]));
  }
  return v;
}

/** The stored document with every number shown as `type:value`. */
async function stored(c: AnyDoc, id: unknown) {
  return typed(await c.findOne({ _id: id }, { promoteValues: false }));
}

const BIG = "9007199254740993"; // 2^53 + 1: survives as an int64 only, never as a double

describe("$set, replacement and upsert store the type the client sent", () => {
  it("$set replaces a stored int64, int32 or double with the operand's own type", async () => {
    const c = await withDocs({
      _id: 1,
      a: Long.fromNumber(5),
      b: new Int32(1),
      c: new Double(2.5),
      d: Long.fromNumber(6),
    });
    await c.updateOne({ _id: 1 }, { $set: { a: 1.5, b: 2.5, c: 7, d: 8, e: Long.fromString(BIG) } });
    expect(await stored(c, 1)).toEqual({
      _id: "int:1",
      a: "double:1.5",
      b: "double:2.5",
      c: "int:7",
      d: "int:8",
      e: `long:${BIG}`,
    });
  });

  it("$set of an embedded document or array keeps the types inside it", async () => {
    const c = await withDocs({ _id: 1, o: { n: Long.fromNumber(1) } });
    await c.updateOne(
      { _id: 1 },
      { $set: { o: { n: 2, x: 2.5 }, arr: [1, 1.5, Decimal128.fromString("3.0")] } },
    );
    expect(await stored(c, 1)).toEqual({
      _id: "int:1",
      o: { n: "int:2", x: "double:2.5" },
      arr: ["int:1", "double:1.5", "decimal:3.0"],
    });
  });

  it("a replacement document is stored as sent, whatever the fields held before", async () => {
    const c = await withDocs({ _id: 1, a: Long.fromNumber(5), b: new Double(2) });
    await c.replaceOne({ _id: 1 }, { a: 6, b: 3, c: Decimal128.fromString("1.10") });
    expect(await stored(c, 1)).toEqual({ _id: "int:1", a: "int:6", b: "int:3", c: "decimal:1.10" });
  });

  it("an upsert stores the query's equality values and $set/$setOnInsert operands as sent", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.updateOne(
      { _id: 1, k: 2.5 },
      {
        $set: { a: 3 },
        $setOnInsert: { b: 4.5, l: Long.fromString(BIG), d: Decimal128.fromString("0.1") },
        $mul: { zero: 2.5 },
      },
      { upsert: true },
    );
    await c.replaceOne({ _id: 2 }, { n: 7, x: 7.5 }, { upsert: true });
    expect(await stored(c, 1)).toEqual({
      _id: "int:1",
      k: "double:2.5",
      a: "int:3",
      b: "double:4.5",
      d: "decimal:0.1",
      l: `long:${BIG}`,
      zero: "double:0",
    });
    expect(await stored(c, 2)).toEqual({ _id: "int:2", n: "int:7", x: "double:7.5" });
  });

  it("bulkWrite updates follow the same rules", async () => {
    const c = await withDocs(
      { _id: 1, a: Long.fromNumber(5) },
      { _id: 2, a: Long.fromNumber(5) },
      { _id: 3, a: new Double(1) },
    );
    await c.bulkWrite([
      { updateOne: { filter: { _id: 1 }, update: { $set: { a: 1.5 } } } },
      { updateOne: { filter: { _id: 2 }, update: { $inc: { a: 1 } } } },
      { replaceOne: { filter: { _id: 3 }, replacement: { a: 2 } } },
    ]);
    expect(await stored(c, 1)).toEqual({ _id: "int:1", a: "double:1.5" });
    expect(await stored(c, 2)).toEqual({ _id: "int:2", a: "long:6" });
    expect(await stored(c, 3)).toEqual({ _id: "int:3", a: "int:2" });
  });
});

describe("$inc and $mul follow mongod's number type promotion", () => {
  it("$inc: int32 stays int32 (int64 on overflow), int64 stays int64, doubles and decimals win", async () => {
    const c = await withDocs({
      _id: 1,
      i: new Int32(1),
      max: new Int32(2147483647),
      l: Long.fromNumber(5),
      d: new Double(2),
      dec: Decimal128.fromString("1.10"),
      mixed: new Int32(2),
    });
    await c.updateOne({ _id: 1 }, { $inc: { i: 2, max: 1, l: 1, d: 1, dec: 1, mixed: 0.5, fresh: 2.5 } });
    expect(await stored(c, 1)).toEqual({
      _id: "int:1",
      i: "int:3",
      max: "long:2147483648",
      l: "long:6",
      d: "double:3",
      dec: "decimal:2.10",
      mixed: "double:2.5",
      fresh: "double:2.5",
    });
  });

  it("$inc computes int64 values beyond 2^53 exactly", async () => {
    const c = await withDocs({ _id: 1, l: Long.fromString("9007199254740995"), i: new Int32(2) });
    await c.updateOne({ _id: 1 }, { $inc: { l: 2, i: Long.fromString(BIG) } });
    expect(await stored(c, 1)).toEqual({
      _id: "int:1",
      l: "long:9007199254740997",
      i: "long:9007199254740995",
    });
  });

  it("$inc that overflows an int64 fails with BadValue and leaves the document alone", async () => {
    const c = await withDocs({ _id: 1, l: Long.MAX_VALUE });
    const err = await serverError(c.updateOne({ _id: 1 }, { $inc: { l: 1 } }));
    expect(err.code).toBe(2);
    expect(err.message).toContain(
      "Failed to apply $inc operations to current value ((NumberLong)9223372036854775807) for document {_id: 1}",
    );
    expect(await stored(c, 1)).toEqual({ _id: "int:1", l: "long:9223372036854775807" });
  });

  it("$mul: int32 × int32 widens to int64 on overflow; a missing field gets a zero of the multiplier's type", async () => {
    const c = await withDocs({
      _id: 1,
      i: new Int32(3),
      big: new Int32(65536),
      l: Long.fromNumber(4),
      d: new Double(2),
    });
    await c.updateOne(
      { _id: 1 },
      { $mul: { i: 2, big: 65536, l: 3, d: 2, newInt: 5, newDouble: 2.5, newLong: Long.fromString(BIG) } },
    );
    expect(await stored(c, 1)).toEqual({
      _id: "int:1",
      i: "int:6",
      big: "long:4294967296",
      l: "long:12",
      d: "double:4",
      newDouble: "double:0",
      newInt: "int:0",
      newLong: "long:0",
    });
  });

  it("$mul that overflows an int64 fails with BadValue", async () => {
    const c = await withDocs({ _id: 1, l: Long.fromString("4611686018427387904") });
    const err = await serverError(c.updateOne({ _id: 1 }, { $mul: { l: 4 } }));
    expect(err.code).toBe(2);
    expect(err.message).toContain(
      "Failed to apply $mul operations to current value ((NumberLong)4611686018427387904) for document {_id: 1}",
    );
  });

  it("$bit keeps int32 with int32 and makes an int64 with an int64 operand", async () => {
    const c = await withDocs({
      _id: 1,
      i: new Int32(5),
      l: Long.fromNumber(5),
      x: new Int32(5),
      y: new Int32(1),
    });
    await c.updateOne(
      { _id: 1 },
      update({
        $bit: {
          i: { and: 4 },
          l: { or: 2 },
          x: { xor: Long.fromString(BIG) },
          y: { or: Long.fromNumber(2 ** 40) },
        },
      }),
    );
    expect(await stored(c, 1)).toEqual({
      _id: "int:1",
      i: "int:4",
      l: "long:7",
      x: "long:9007199254740996",
      y: "long:1099511627777",
    });
  });
});

describe("$min and $max keep the winning value with its own type", () => {
  it("stores the operand when it wins and leaves an equal or losing value as it was", async () => {
    const c = await withDocs({
      _id: 1,
      lo: new Double(5.5),
      hi: new Int32(5),
      same: new Int32(5),
      l: Long.fromNumber(9),
    });
    const r = await c.updateOne({ _id: 1 }, { $min: { lo: 3, same: 5, l: 10 }, $max: { hi: 7.5 } });
    expect(r.modifiedCount).toBe(1);
    expect(await stored(c, 1)).toEqual({
      _id: "int:1",
      lo: "int:3",
      hi: "double:7.5",
      same: "int:5",
      l: "long:9",
    });
    await c.updateOne({ _id: 1 }, { $max: { l: 100 } });
    expect(await stored(c, 1)).toMatchObject({ l: "int:100" });
  });

  it("an update that changes nothing is not counted as a modification", async () => {
    const c = await withDocs({ _id: 1, n: Long.fromNumber(5), dec: Decimal128.fromString("1.10") });
    expect((await c.updateOne({ _id: 1 }, { $max: { n: 5 }, $inc: { m: 0 } })).modifiedCount).toBe(1);
    expect((await c.updateOne({ _id: 1 }, { $max: { n: 5 }, $inc: { m: 0, dec: 0 } })).modifiedCount).toBe(0);
    expect(await stored(c, 1)).toEqual({ _id: "int:1", n: "long:5", dec: "decimal:1.10", m: "int:0" });
  });
});

describe("pipeline updates follow aggregation arithmetic types", () => {
  it("$add/$multiply/$divide type their results like mongod; references copy the referenced type", async () => {
    const c = await withDocs({
      _id: 1,
      i: new Int32(1),
      l: Long.fromNumber(5),
      d: new Double(2),
      dec: Decimal128.fromString("1.5"),
      max: new Int32(2147483647),
      untouched: Long.fromNumber(3),
    });
    await c.updateOne({ _id: 1 }, [
      {
        $set: {
          i: { $add: ["$i", 1] },
          l: { $add: ["$l", 1] },
          d: { $add: ["$d", 1] },
          dec: { $add: ["$dec", 1] },
          max: { $add: ["$max", 1] },
          half: { $multiply: ["$i", 0.5] },
          ratio: { $divide: ["$l", 5] },
          copy: "$l",
          lit: 7,
        },
      },
    ]);
    const doc = await c.findOne({ _id: 1 }, { promoteValues: false });
    // A decimal sum's exponent is the decimal library's business; its type and value are not.
    expect(doc?.dec).toBeInstanceOf(Decimal128);
    expect(Number(doc?.dec.toString())).toBe(2.5);
    expect(await stored(c, 1)).toEqual({
      _id: "int:1",
      i: "int:2",
      l: "long:6",
      d: "double:3",
      dec: expect.stringMatching(/^decimal:/),
      max: "long:2147483648",
      untouched: "long:3",
      half: "double:0.5",
      ratio: "double:1",
      copy: "long:5",
      lit: "int:7",
    });
  });

  it("a later stage sees the types an earlier stage produced", async () => {
    const c = await withDocs({ _id: 1, l: Long.fromNumber(5), sub: { d: new Double(1) } });
    await c.updateOne({ _id: 1 }, [
      { $set: { twice: { $multiply: ["$l", 2] } } },
      { $set: { more: { $add: ["$twice", 1] }, moved: "$sub" } },
      { $unset: "sub" },
    ]);
    expect(await stored(c, 1)).toEqual({
      _id: "int:1",
      l: "long:5",
      twice: "long:10",
      more: "long:11",
      moved: { d: "double:1" },
    });
  });
});

describe("findAndModify returns and stores exact types", () => {
  it("returns the document before or after with its stored number types", async () => {
    const c = await withDocs({ _id: 1, n: Long.fromNumber(5), d: new Double(2) });
    const before = await c.findOneAndUpdate({ _id: 1 }, { $inc: { n: 1 } }, { promoteValues: false });
    expect(typed(before)).toEqual({ _id: "int:1", n: "long:5", d: "double:2" });
    const after = await c.findOneAndUpdate(
      { _id: 1 },
      { $set: { x: 1.5 }, $mul: { d: 2 } },
      { returnDocument: "after", promoteValues: false },
    );
    expect(typed(after)).toEqual({ _id: "int:1", n: "long:6", d: "double:4", x: "double:1.5" });
    const picked = await c.findOneAndUpdate(
      { _id: 1 },
      { $inc: { n: 1 } },
      { returnDocument: "after", projection: { n: 1 }, promoteValues: false },
    );
    expect(typed(picked)).toEqual({ _id: "int:1", n: "long:7" });
    const removed = await c.findOneAndDelete({ _id: 1 }, { promoteValues: false });
    expect(typed(removed)).toEqual({ _id: "int:1", n: "long:7", d: "double:4", x: "double:1.5" });
  });

  it("an upsert through findAndModify stores and returns the types sent", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    const doc = await c.findOneAndUpdate(
      { _id: 1 },
      { $set: { a: 2 }, $setOnInsert: { b: 2.5 } },
      { upsert: true, returnDocument: "after", promoteValues: false },
    );
    expect(typed(doc)).toEqual({ _id: "int:1", a: "int:2", b: "double:2.5" });
    expect(await stored(c, 1)).toEqual({ _id: "int:1", a: "int:2", b: "double:2.5" });
  });
});

// These send explicit BSON wrappers whose type a plain JS number could not carry (a whole Double,
// a small Long, an Int32 where a double was stored): mongod stores the wrapper's own type.
describe("explicit Double/Long/Int32 operands", () => {
  it("$set stores a whole Double as a double and a small Long as an int64", async () => {
    const c = await withDocs({ _id: 1, d: new Int32(1), l: new Int32(1), i: new Double(1.5) });
    await c.updateOne({ _id: 1 }, { $set: { d: new Double(2), l: Long.fromNumber(5), i: new Int32(7) } });
    expect(await stored(c, 1)).toEqual({ _id: "int:1", d: "double:2", l: "long:5", i: "int:7" });
  });

  it("$inc by an int64 makes an int64, $mul by a whole double makes a double", async () => {
    const c = await withDocs({ _id: 1, a: new Int32(1), b: new Int32(3) });
    await c.updateOne({ _id: 1 }, { $inc: { a: Long.fromNumber(1) }, $mul: { b: new Double(2) } });
    expect(await stored(c, 1)).toEqual({ _id: "int:1", a: "long:2", b: "double:6" });
  });

  it("$min/$max store a winning wrapper with its type; $push/$addToSet/$bit keep the operand types", async () => {
    const c = await withDocs({
      _id: 1,
      lo: new Int32(3),
      hi: new Int32(3),
      arr: [new Int32(1)],
      bits: new Int32(7),
    });
    await c.updateOne({ _id: 1 }, {
      $min: { lo: new Double(3) },
      $max: { hi: new Double(5) },
      $push: { arr: { $each: [Long.fromNumber(2), new Double(3)] } },
      $bit: { bits: { and: Long.fromNumber(5) } },
    } as AnyDoc);
    await c.updateOne(
      { _id: 1 },
      { $addToSet: { arr: { $each: [Long.fromNumber(1), Long.fromNumber(4)] } } },
    );
    expect(await stored(c, 1)).toEqual({
      _id: "int:1",
      lo: "int:3",
      hi: "double:5",
      arr: ["int:1", "long:2", "double:3", "long:4"],
      bits: "long:5",
    });
  });

  it("an upsert seeds the query's wrappers and stores $set/$setOnInsert wrappers as sent", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.updateOne(
      { _id: Long.fromNumber(1), k: new Double(3) },
      { $set: { a: Long.fromNumber(2) }, $setOnInsert: { b: new Double(4), i: new Int32(5) } },
      { upsert: true },
    );
    await c.replaceOne(
      { _id: Long.fromNumber(2) },
      { n: new Double(7), l: Long.fromNumber(8) },
      { upsert: true },
    );
    expect(await stored(c, 1)).toEqual({
      _id: "long:1",
      k: "double:3",
      a: "long:2",
      b: "double:4",
      i: "int:5",
    });
    expect(await stored(c, 2)).toEqual({ _id: "long:2", n: "double:7", l: "long:8" });
  });

  it("a replacement document keeps its wrappers", async () => {
    const c = await withDocs({ _id: 1, a: 1.5 });
    await c.replaceOne({ _id: 1 }, { a: new Double(1), b: Long.fromNumber(2), c: { d: new Double(3) } });
    expect(await stored(c, 1)).toEqual({ _id: "int:1", a: "double:1", b: "long:2", c: { d: "double:3" } });
  });

  it("arrayFilters and positional targets receive the operand's type", async () => {
    const c = await withDocs({
      _id: 1,
      arr: [
        { k: 1, v: 1 },
        { k: 2, v: 1 },
      ],
      xs: [1, 2],
    });
    await c.updateOne(
      { _id: 1, xs: 2 },
      { $set: { "arr.$[e].v": Long.fromNumber(7), "xs.$": new Double(9) } },
      { arrayFilters: [{ "e.k": 2 }] },
    );
    expect(await stored(c, 1)).toEqual({
      _id: "int:1",
      arr: [
        { k: "int:1", v: "int:1" },
        { k: "int:2", v: "long:7" },
      ],
      xs: ["int:1", "double:9"],
    });
  });

  it("bulkWrite (document sequence) updates, replacements and upserts keep the wrappers", async () => {
    const c = await withDocs({ _id: 1, a: 1 }, { _id: 2, a: 1 }, { _id: 3, a: 1 }, { _id: 4, a: 1 });
    await c.bulkWrite([
      { updateOne: { filter: { _id: 1 }, update: { $set: { a: new Double(2) } } } },
      { updateMany: { filter: { _id: { $in: [2, 3] } }, update: { $inc: { a: Long.fromNumber(1) } } } },
      { replaceOne: { filter: { _id: 4 }, replacement: { a: new Double(5) } } },
      {
        updateOne: {
          filter: { _id: 5 },
          update: { $setOnInsert: { a: Long.fromNumber(6) } },
          upsert: true,
        },
      },
    ]);
    expect(await stored(c, 1)).toEqual({ _id: "int:1", a: "double:2" });
    expect(await stored(c, 2)).toEqual({ _id: "int:2", a: "long:2" });
    expect(await stored(c, 3)).toEqual({ _id: "int:3", a: "long:2" });
    expect(await stored(c, 4)).toEqual({ _id: "int:4", a: "double:5" });
    expect(await stored(c, 5)).toEqual({ _id: "int:5", a: "long:6" });
  });

  it("pipeline updates type wrapper literals as sent", async () => {
    const c = await withDocs({ _id: 1, i: new Int32(1), keep: Long.fromNumber(3) });
    await c.updateOne({ _id: 1 }, [
      {
        $set: {
          d: new Double(2),
          l: Long.fromNumber(5),
          s: { $add: ["$i", Long.fromNumber(1)] },
          c: { $cond: [{ $gt: ["$i", new Int32(0)] }, new Double(1), 0] },
        },
      },
      { $project: { i: new Int32(0) } },
    ]);
    expect(await stored(c, 1)).toEqual({
      _id: "int:1",
      keep: "long:3",
      d: "double:2",
      l: "long:5",
      s: "long:2",
      c: "double:1",
    });
  });

  it("findAndModify stores and returns the wrappers' types (update, replacement, upsert)", async () => {
    const c = await withDocs({ _id: 1, a: 1 }, { _id: 2, a: 1 });
    const after = await c.findOneAndUpdate(
      { _id: 1 },
      { $set: { a: new Double(2) }, $inc: { b: Long.fromNumber(3) } },
      { returnDocument: "after", promoteValues: false },
    );
    expect(typed(after)).toEqual({ _id: "int:1", a: "double:2", b: "long:3" });
    const replaced = await c.findOneAndReplace(
      { _id: 2 },
      { a: Long.fromNumber(4) },
      { returnDocument: "after", promoteValues: false },
    );
    expect(typed(replaced)).toEqual({ _id: "int:2", a: "long:4" });
    const upserted = await c.findOneAndUpdate(
      { _id: new Double(3) },
      { $setOnInsert: { a: new Int32(5), d: new Double(6) } },
      { upsert: true, returnDocument: "after", promoteValues: false },
    );
    expect(typed(upserted)).toEqual({ _id: "double:3", a: "int:5", d: "double:6" });
    expect(await stored(c, 1)).toEqual({ _id: "int:1", a: "double:2", b: "long:3" });
  });
});

describe("aggregation output keeps mongod's number types", () => {
  it("$addFields: untouched fields as stored, arithmetic promoted like mongod, $type names the stored type", async () => {
    const c = await withDocs({
      _id: 1,
      l: Long.fromNumber(5),
      i: new Int32(2),
      d: new Double(2),
      dec: Decimal128.fromString("1.5"),
    });
    const [out] = await c
      .aggregate(
        [
          {
            $addFields: {
              a: { $add: ["$l", 1] },
              b: { $multiply: ["$i", 2] },
              c: { $add: ["$d", 1] },
              e: { $add: ["$i", "$dec"] },
              big: { $multiply: ["$i", 2147483647] },
              t: { $type: "$l" },
              td: { $type: "$d" },
              tdec: { $type: "$dec" },
            },
          },
        ],
        { promoteValues: false },
      )
      .toArray();
    expect(typed(out)).toEqual({
      _id: "int:1",
      l: "long:5",
      i: "int:2",
      d: "double:2",
      dec: "decimal:1.5",
      a: "long:6",
      b: "int:4",
      c: "double:3",
      e: "decimal:3.5",
      big: "long:4294967294",
      t: "long",
      td: "double",
      tdec: "decimal",
    });
  });

  it("$match then $project: computed and included fields typed as mongod returns them", async () => {
    const c = await withDocs(
      { _id: 1, l: Long.fromNumber(5), i: new Int32(2), d: new Double(4) },
      { _id: 2, l: Long.fromNumber(7), i: new Int32(3), d: new Double(4) },
    );
    const out = await c
      .aggregate(
        [
          { $match: { l: { $type: "long" }, i: 2 } },
          { $project: { l: 1, d: 1, x: { $subtract: ["$l", "$i"] }, q: { $divide: ["$d", "$i"] } } },
        ],
        { promoteValues: false },
      )
      .toArray();
    expect(out.map(typed)).toEqual([
      { _id: "int:1", l: "long:5", d: "double:4", x: "long:3", q: "double:2" },
    ]);
  });
});

describe("$group output keeps mongod's number types", () => {
  it("$sum widens like aggregation arithmetic, $avg is a double, picked values keep their stored type", async () => {
    const c = await withDocs(
      { _id: 1, g: "a", l: Long.fromNumber(5), i: new Int32(2), d: new Double(1), k: Long.fromNumber(7) },
      { _id: 2, g: "a", l: Long.fromNumber(6), i: new Int32(2147483647), d: new Double(2), k: new Int32(8) },
      { _id: 3, g: "b", l: Long.fromNumber(1), i: new Int32(1), d: new Double(3) },
    );
    const out = await c
      .aggregate(
        [
          {
            $group: {
              _id: "$g",
              sl: { $sum: "$l" },
              si: { $sum: "$i" },
              sd: { $sum: "$d" },
              n: { $sum: 1 },
              avg: { $avg: "$i" },
              mn: { $min: "$d" },
              mx: { $max: "$k" },
              first: { $first: "$l" },
              last: { $last: "$k" },
              pushed: { $push: "$k" },
            },
          },
          { $sort: { _id: 1 } },
        ],
        { promoteValues: false },
      )
      .toArray();
    expect(out.map(typed)).toEqual([
      {
        _id: "a",
        sl: "long:11",
        si: "long:2147483649",
        sd: "double:3",
        n: "int:2",
        avg: "double:1073741824.5",
        mn: "double:1",
        mx: "int:8",
        first: "long:5",
        last: "int:8",
        pushed: ["long:7", "int:8"],
      },
      {
        _id: "b",
        sl: "long:1",
        si: "int:1",
        sd: "double:3",
        n: "int:1",
        avg: "double:1",
        mn: "double:3",
        mx: null,
        first: "long:1",
        last: null,
        pushed: [],
      },
    ]);
  });

  it("$push and $addToSet leave out members whose field is missing", async () => {
    const c = await withDocs({ _id: 1, g: 1 }, { _id: 2, g: 1, k: null }, { _id: 3, g: 2 });
    const out = await c
      .aggregate([
        { $group: { _id: "$g", p: { $push: "$k" }, s: { $addToSet: "$k" } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(out).toEqual([
      { _id: 1, p: [null], s: [null] },
      { _id: 2, p: [], s: [] },
    ]);
  });

  it("the group key comes back with the stored type of the first value seen", async () => {
    const c = await withDocs(
      { _id: 1, k: Long.fromNumber(7) },
      { _id: 2, k: new Int32(7) },
      { _id: 3, k: new Double(2) },
    );
    const out = await c
      .aggregate([{ $group: { _id: "$k", ids: { $push: "$_id" } } }, { $sort: { _id: 1 } }], {
        promoteValues: false,
      })
      .toArray();
    expect(out.map(typed)).toEqual([
      { _id: "double:2", ids: ["int:3"] },
      { _id: "long:7", ids: ["int:1", "int:2"] },
    ]);
  });
});
