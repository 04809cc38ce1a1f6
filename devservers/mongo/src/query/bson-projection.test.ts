import {
  Binary,
  BSONRegExp,
  Code,
  Decimal128,
  Double,
  deserialize,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  serialize,
  Timestamp,
} from "bson";
import { describe, expect, it } from "vitest";
import { compileProjection } from "./projection";

const EXACT = { promoteLongs: false, promoteValues: false } as const;

const many = Array.from({ length: 13 }, (_, i) => (i % 3 === 0 ? { v: new Int32(i), w: i } : new Long(i)));

const docs = [
  {
    _id: new ObjectId("65a1b2c3d4e5f60718293a4b"),
    a: { b: new Double(1), c: "s", d: { e: Decimal128.fromString("2.5"), f: null } },
    arr: many,
    nest: [[{ v: new Long(1), w: 2 }, 3], [], { v: 4 }],
    misc: {
      re: new BSONRegExp("x+", "i"),
      bin: new Binary(Buffer.from("bytes")),
      code: new Code("f()"),
      ts: new Timestamp({ t: 1, i: 2 }),
      min: new MinKey(),
      max: new MaxKey(),
      when: new Date(0),
      yes: true,
    },
    ab: "prefix of nothing",
    é: { ü: new Long(3), v: 1 },
  },
  { a: 5, _id: 2, arr: "scalar", nest: { v: [1, { v: 2 }] } },
  { _id: 3 },
];

const projections = [
  { a: 1 },
  { "a.b": 1, "a.d.e": 1 },
  { "a.d": 0, ab: 0 },
  { "arr.v": 1, _id: 0 },
  { "arr.v": 0 },
  { "nest.v": 1 },
  { "nest.w": 0, _id: 0 },
  { misc: 1, "é.ü": 1 },
  { "misc.re": 0, "misc.ts": 0, "é.v": 0 },
  { _id: 1 },
  { _id: 0 },
  { missing: 1 },
  { "a.missing": 0 },
];

describe("projection on stored bytes", () => {
  it("gives byte for byte what projecting the exact form and serializing it gives", () => {
    for (const doc of docs) {
      const bytes = Buffer.from(serialize(doc));
      for (const projection of projections) {
        const p = compileProjection(projection)!;
        const fromBytes = p.bytes?.(bytes);
        const fromExact = Buffer.from(serialize(p.exact(deserialize(bytes, EXACT))));
        expect({ projection, doc: doc._id, out: fromBytes?.toString("hex") }).toEqual({
          projection,
          doc: doc._id,
          out: fromExact.toString("hex"),
        });
      }
    }
  });

  it("renumbers an array whose scalars an inclusion drops, and puts a stored-later _id first", () => {
    const bytes = Buffer.from(serialize({ a: 5, arr: many, _id: new Long(9) }));
    const out = compileProjection({ "arr.v": 1 })!.bytes!(bytes)!;
    const doc = deserialize(out, EXACT);
    expect(Object.keys(doc)).toEqual(["_id", "arr"]);
    expect(doc._id).toEqual(new Long(9));
    expect(doc.arr).toEqual([0, 3, 6, 9, 12].map((i) => ({ v: new Int32(i) })));
  });
});
