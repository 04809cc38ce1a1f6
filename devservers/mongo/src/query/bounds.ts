import { Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId } from "bson";
import type { KeyRange } from "../storage/index-store";
import { compareValues, toNumber, typeRank } from "./compare";
import { type Doc, isPlainObject } from "./paths";

/**
 * Index bounds the way mongod's IndexBoundsBuilder states them: per index field an ordered list
 * of intervals (ascending value order), each predicate type-bracketed (`{$lt: 5}` is
 * `[-inf, 5)`, never the strings or dates below it), MinKey..MaxKey where nothing applies.
 */
export interface Bound {
  v: unknown;
  incl: boolean;
}
export interface Interval {
  lo: Bound;
  hi: Bound;
}
export type Oil = Interval[];

const MIN = new MinKey();
const MAX = new MaxKey();
export const FULL: Oil = [{ lo: { v: MIN, incl: true }, hi: { v: MAX, incl: true } }];

const DATE_MIN = new Date(-8.64e15);
const DATE_MAX = new Date(8.64e15);
const OID_MIN = new ObjectId("000000000000000000000000");
const OID_MAX = new ObjectId("ffffffffffffffffffffffff");

/** Values an equality or `$in` can look up as a point: scalars and plain embedded documents. */
export function pointable(v: unknown): boolean {
  const r = typeRank(v);
  if (r === 5) return isPlainObject(v) && !Object.keys(v).some((k) => k.startsWith("$"));
  return r === 2 || r === 3 || r === 4 || r === 8 || r === 9 || r === 10;
}

const BRACKETS: Record<number, Interval> = {
  3: { lo: { v: Number.NEGATIVE_INFINITY, incl: true }, hi: { v: Number.POSITIVE_INFINITY, incl: true } },
  4: { lo: { v: "", incl: true }, hi: { v: {}, incl: false } },
  8: { lo: { v: OID_MIN, incl: true }, hi: { v: OID_MAX, incl: true } },
  9: { lo: { v: false, incl: true }, hi: { v: true, incl: true } },
  10: { lo: { v: DATE_MIN, incl: true }, hi: { v: DATE_MAX, incl: true } },
};

/** The type bracket a comparison operand confines matches to, or undefined (not indexable). */
function bracket(v: unknown): Interval | undefined {
  const r = typeRank(v);
  if (r === 3 && Number.isNaN(toNumber(v))) return undefined;
  return BRACKETS[r];
}

export function pointOil(v: unknown): Oil {
  const b = { v, incl: true };
  return [{ lo: b, hi: b }];
}

export function pointsOil(values: unknown[]): Oil {
  if (values.length === 1) return pointOil(values[0]);
  const sorted = [...values].sort(compareValues);
  const out: Oil = [];
  for (const v of sorted) {
    if (out.length && compareValues(out[out.length - 1]!.lo.v, v) === 0) continue;
    out.push({ lo: { v, incl: true }, hi: { v, incl: true } });
  }
  return out;
}

/** `$gt/$gte/$lt/$lte` as bounds, or undefined when mongod would not bound the index by it. */
export function rangeOil(op: string, v: unknown): Oil | undefined {
  const b = bracket(v);
  if (!b) return undefined;
  if (op === "$gt" || op === "$gte") return [{ lo: { v, incl: op === "$gte" }, hi: b.hi }];
  if (op === "$lt" || op === "$lte") return [{ lo: b.lo, hi: { v, incl: op === "$lte" } }];
  return undefined;
}

function cmpLo(a: Bound, b: Bound): number {
  const c = compareValues(a.v, b.v);
  if (c !== 0) return c;
  return a.incl === b.incl ? 0 : a.incl ? -1 : 1;
}

function cmpHi(a: Bound, b: Bound): number {
  const c = compareValues(a.v, b.v);
  if (c !== 0) return c;
  return a.incl === b.incl ? 0 : a.incl ? 1 : -1;
}

function nonEmpty(i: Interval): boolean {
  const c = compareValues(i.lo.v, i.hi.v);
  return c < 0 || (c === 0 && i.lo.incl && i.hi.incl);
}

export function intersectOil(a: Oil, b: Oil): Oil {
  const out: Oil = [];
  for (const x of a) {
    for (const y of b) {
      const lo = cmpLo(x.lo, y.lo) >= 0 ? x.lo : y.lo;
      const hi = cmpHi(x.hi, y.hi) <= 0 ? x.hi : y.hi;
      const i = { lo, hi };
      if (nonEmpty(i)) out.push(i);
    }
  }
  return out.sort((p, q) => cmpLo(p.lo, q.lo));
}

export function isFull(oil: Oil): boolean {
  return (
    oil.length === 1 &&
    typeRank(oil[0]!.lo.v) === 1 &&
    typeRank(oil[0]!.hi.v) === 13 &&
    oil[0]!.lo.incl &&
    oil[0]!.hi.incl
  );
}

function isPointInterval(i: Interval): boolean {
  return i.lo.incl && i.hi.incl && compareValues(i.lo.v, i.hi.v) === 0;
}

export function isPoint(oil: Oil): boolean {
  return oil.length === 1 && isPointInterval(oil[0]!);
}

export function isUnionOfPoints(oil: Oil): boolean {
  return oil.length > 0 && oil.every(isPointInterval);
}

export function inOil(v: unknown, oil: Oil): boolean {
  for (const i of oil) {
    const lo = compareValues(v, i.lo.v);
    if (lo < 0 || (lo === 0 && !i.lo.incl)) continue;
    const hi = compareValues(v, i.hi.v);
    if (hi > 0 || (hi === 0 && !i.hi.incl)) continue;
    return true;
  }
  return false;
}

/** An interval as the index store's range on one component (MinKey/MaxKey ends left open). */
export function keyRange(i: Interval): KeyRange | undefined {
  const range: KeyRange = {};
  if (typeRank(i.lo.v) !== 1) range.min = { value: i.lo.v, inclusive: i.lo.incl };
  if (typeRank(i.hi.v) !== 13) range.max = { value: i.hi.v, inclusive: i.hi.incl };
  return range.min || range.max ? range : undefined;
}

/** Whether any string (a collatable value) may fall within the bounds. */
export function mayHoldStrings(oil: Oil): boolean {
  return oil.some((i) => typeRank(i.lo.v) <= 4 && typeRank(i.hi.v) >= 4);
}

/** mongod's rendering of one bound value in explain (`"a"`, `5`, `2.5`, `inf.0`, `new Date(…)`). */
export function renderValue(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "boolean") return String(v);
  if (typeof v === "number") {
    if (v === Number.POSITIVE_INFINITY) return "inf.0";
    if (v === Number.NEGATIVE_INFINITY) return "-inf.0";
    if (Number.isNaN(v)) return "nan.0";
    return String(v);
  }
  if (v instanceof Date) {
    if (v.getTime() === DATE_MIN.getTime()) return "new Date(-9223372036854775808)";
    if (v.getTime() === DATE_MAX.getTime()) return "new Date(9223372036854775807)";
    return `new Date(${v.getTime()})`;
  }
  if (v instanceof Int32 || v instanceof Long) return v.toString();
  if (v instanceof Double) return Number.isInteger(v.value) ? `${v.value}.0` : String(v.value);
  if (v instanceof Decimal128) return `NumberDecimal("${v.toString()}")`;
  if (v instanceof ObjectId) return `ObjectId('${v.toHexString()}')`;
  const t = typeRank(v);
  if (t === 1) return "MinKey";
  if (t === 13) return "MaxKey";
  if (isPlainObject(v)) {
    const entries = Object.entries(v as Doc).map(([k, x]) => `${k}: ${renderValue(x)}`);
    return entries.length ? `{ ${entries.join(", ")} }` : "{}";
  }
  return String(v);
}

/** The intervals of one field in scan order, as explain prints them (`["[\"a\", \"a\"]"]`). */
export function renderOil(oil: Oil, direction: 1 | -1): string[] {
  const list = direction === 1 ? oil : [...oil].reverse();
  return list.map((i) => {
    const [a, b] = direction === 1 ? [i.lo, i.hi] : [i.hi, i.lo];
    return `${a.incl ? "[" : "("}${renderValue(a.v)}, ${renderValue(b.v)}${b.incl ? "]" : ")"}`;
  });
}
