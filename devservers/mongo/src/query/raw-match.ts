import type { ObjectId } from "bson";
import { findElement } from "../bson-walk";
import { typeRank } from "./compare";

/**
 * Matches `{field: scalar}` and `{field: {$gt: scalar, $lte: scalar…}}` conditions (top-level
 * fields only; numbers, strings, dates, booleans, ObjectIds) against a document's stored BSON
 * bytes without decoding it: an index scan or a collection scan then decodes only the documents
 * it returns. Answers `undefined` when the bytes hold something it does not compare itself
 * (arrays, embedded documents, int64, decimals, NaN…); the caller then decodes and matches the
 * usual way.
 */
export type RawMatcher = (bytes: Buffer) => boolean | undefined;

export type RawOp = "$eq" | "$gt" | "$gte" | "$lt" | "$lte";

const DOUBLE = 0x01;
const STRING = 0x02;
const OBJECT_ID = 0x07;
const BOOL = 0x08;
const DATE = 0x09;
const INT32 = 0x10;
/** Types compared by rank only: a value of another kind never satisfies a comparison. */
const OTHER_SCALARS = new Set([0x05, 0x06, 0x0a, 0x11]);

interface Condition {
  name: Buffer;
  op: RawOp;
  want: unknown;
  rank: number;
}

const names = new Map<string, Buffer>();

function nameBytes(path: string): Buffer {
  let b = names.get(path);
  if (!b) {
    b = Buffer.from(path, "utf8");
    if (names.size < 10_000) names.set(path, b);
  }
  return b;
}

export function compileRawEqualities(pairs: [string, unknown][]): RawMatcher | undefined {
  return compileRawConditions(pairs.map(([path, want]) => [path, "$eq", want]));
}

export function compileRawConditions(list: [string, RawOp, unknown][]): RawMatcher | undefined {
  const comparable = (v: unknown) =>
    !(typeof v === "number" && Number.isNaN(v)) && !(v instanceof Date && Number.isNaN(v.getTime()));
  if (list.some(([path, , want]) => path.includes(".") || path.length === 0 || !comparable(want))) {
    return undefined;
  }
  const conds: Condition[] = list.map(([path, op, want]) => ({
    name: nameBytes(path),
    op,
    want,
    rank: typeRank(want),
  }));
  return (bytes) => {
    for (const c of conds) {
      const at = findElement(bytes, c.name);
      if (at === -1) return false; // missing never equals nor compares with a non-null scalar
      if (at === -2) return undefined;
      const r = compareAt(bytes, at, c);
      if (r === undefined) return undefined;
      if (!satisfies(c.op, r)) return false;
    }
    return true;
  };
}

/** `NaN` stands for "different kinds": no comparison holds. */
function satisfies(op: RawOp, c: number): boolean {
  switch (op) {
    case "$eq":
      return c === 0;
    case "$gt":
      return c > 0;
    case "$gte":
      return c >= 0;
    case "$lt":
      return c < 0;
    case "$lte":
      return c <= 0;
  }
}

function order(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The stored value at `at` (its type byte) compared with the condition's: <0, 0, >0, `NaN` for
 * values of different kinds, undefined when only a decoded comparison can tell.
 */
function compareAt(bytes: Buffer, at: number, c: Condition): number | undefined {
  const type = bytes[at]!;
  const value = at + 1 + c.name.length + 1;
  switch (type) {
    case STRING: {
      if (c.rank !== 4) return Number.NaN;
      if (typeof c.want !== "string") return undefined;
      const len = bytes.readInt32LE(value) - 1;
      // A UTF-8 string is never shorter in bytes than in UTF-16 code units.
      if (c.op === "$eq" && len < c.want.length) return Number.NaN;
      return order(bytes.toString("utf8", value + 4, value + 4 + len), c.want);
    }
    case INT32:
      return number(bytes.readInt32LE(value), c);
    case DOUBLE:
      return number(bytes.readDoubleLE(value), c);
    case BOOL:
      return c.rank === 9 ? order(bytes[value]!, c.want ? 1 : 0) : Number.NaN;
    case DATE:
      return c.rank === 10
        ? order(Number(bytes.readBigInt64LE(value)), (c.want as Date).getTime())
        : Number.NaN;
    case OBJECT_ID: {
      if (c.rank !== 8) return Number.NaN;
      const id = (c.want as ObjectId).id;
      for (let i = 0; i < 12; i++) if (bytes[value + i] !== id[i]) return bytes[value + i]! - id[i]!;
      return 0;
    }
    default:
      return OTHER_SCALARS.has(type) ? Number.NaN : undefined;
  }
}

function number(stored: number, c: Condition): number | undefined {
  if (c.rank !== 3) return Number.NaN;
  if (typeof c.want !== "number" || Number.isNaN(stored)) return undefined;
  return order(stored, c.want);
}
