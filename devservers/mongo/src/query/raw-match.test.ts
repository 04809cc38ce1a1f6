import { Double, deserialize, Int32, Long, ObjectId, serialize } from "bson";
import { describe, expect, it } from "vitest";
import { compileFilter } from "./filter";
import { compileRawConditions, compileRawEqualities, type RawOp } from "./raw-match";

const oid = new ObjectId("65a1b2c3d4e5f60718293a4b");
const when = new Date("2024-01-02T03:04:05Z");

const stored = [
  { _id: 1, s: "abc", n: new Int32(5), d: new Double(5), b: true, t: when, o: oid },
  { _id: 2, s: "abd", n: new Int32(6), d: new Double(5.5), b: false, t: new Date(0), o: new ObjectId() },
  { _id: 3, s: "ü-é", n: new Long(5), d: 5, arr: ["abc", 5] },
  { _id: 4, s: ["abc"], nested: { s: "abc" }, re: /x/i, nul: null, dec: 1 },
  { _id: 5 },
].map((d) => Buffer.from(serialize(d)));

const filters: Record<string, unknown>[] = [
  { s: "abc" },
  { s: "ü-é" },
  { s: 5 },
  { n: 5 },
  { n: 5, d: 5 },
  { d: 5.5 },
  { d: "5" },
  { b: true },
  { b: false },
  { t: when },
  { t: new Date(0) },
  { o: oid },
  { arr: "abc" },
  { arr: 5 },
  { nul: 1 },
  { missing: "x" },
  { _id: 3, s: "ü-é" },
  { n: { $gte: 5 } },
  { n: { $gt: 5, $lte: 6 } },
  { d: { $lt: 5.5 } },
  { s: { $gte: "abd" } },
  { s: { $lt: "b" }, n: { $lte: 5 } },
  { t: { $gt: new Date(1) } },
  { nul: { $lt: 5 } },
  { arr: { $gte: 5 } },
  { s: { $gt: 1 } },
];

describe("raw BSON conditions", () => {
  it("agrees with the decoded matcher wherever it answers", () => {
    let answered = 0;
    for (const filter of filters) {
      const matcher = compileFilter(filter);
      const raw = compileRawConditions(
        Object.entries(filter).flatMap(([k, v]) =>
          v !== null && typeof v === "object" && !(v instanceof Date) && !(v instanceof ObjectId)
            ? Object.entries(v).map(([op, x]) => [k, op as RawOp, x] as [string, RawOp, unknown])
            : [[k, "$eq", v] as [string, RawOp, unknown]],
        ),
      );
      expect(raw).toBeDefined();
      for (const bytes of stored) {
        const quick = raw!(bytes);
        const decoded = matcher.test(deserialize(bytes, { promoteValues: true }));
        if (quick !== undefined) {
          answered++;
          expect({ filter, id: bytes.readInt32LE(9), quick }).toEqual({
            filter,
            id: bytes.readInt32LE(9),
            quick: decoded,
          });
        }
      }
    }
    expect(answered).toBeGreaterThan(filters.length * 3);
  });

  it("leaves dotted paths to the decoded matcher", () => {
    expect(compileRawEqualities([["nested.s", "abc"]])).toBeUndefined();
  });

  it("defers arrays and int64 values instead of guessing", () => {
    const raw = compileRawEqualities([["arr", "abc"]])!;
    expect(raw(stored[2]!)).toBeUndefined();
    expect(compileRawEqualities([["n", 5]])!(stored[2]!)).toBeUndefined();
  });
});
