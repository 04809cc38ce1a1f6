import { Binary, BSONRegExp, Decimal128, Double, Int32, Long, type ObjectId, type Timestamp } from "bson";
import {
  canonicalDec,
  compareDec,
  type DecValue,
  decOfBigInt,
  decOfDouble,
  decToNumber,
  exactDouble,
  parseDecimal,
} from "./decimal";

/**
 * BSON comparison order, as mongod sorts and compares values of different types:
 * MinKey < null/missing < numbers < strings < objects < arrays < binData < ObjectId < bool < Date
 * < Timestamp < RegExp < MaxKey.
 */
export function typeRank(v: unknown): number {
  if (v === undefined || v === null) return 2;
  switch (typeof v) {
    case "number":
    case "bigint":
      return 3;
    case "string":
      return 4;
    case "boolean":
      return 9;
  }
  if (Array.isArray(v)) return 6;
  if (v instanceof Date) return 10;
  if (v instanceof RegExp || v instanceof BSONRegExp) return 12;
  if (v instanceof Uint8Array) return 7;
  const bsontype = (v as { _bsontype?: string })._bsontype;
  switch (bsontype) {
    case "MinKey":
      return 1;
    case "MaxKey":
      return 13;
    case "Long":
    case "Int32":
    case "Double":
    case "Decimal128":
      return 3;
    case "Binary":
      return 7;
    case "ObjectId":
      return 8;
    case "Timestamp":
      return 11;
    case "BSONSymbol":
      return 4;
    case "Code":
      return 14;
  }
  return 5;
}

/** The nearest JS number to a number of any BSON type (NaN for anything else). */
export function toNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Long) return v.toNumber();
  if (v instanceof Int32 || v instanceof Double) return v.valueOf();
  if (v instanceof Decimal128) return decToNumber(parseDecimal(v));
  return Number.NaN;
}

/**
 * Numbers of any BSON type (or JS numbers) compared by their exact values, as mongod does: an
 * int64 beyond 2^53 is not rounded, and a decimal equals a double only when their values agree
 * exactly. NaN equals NaN and sorts below every other number.
 */
export function compareNumbers(a: unknown, b: unknown): number {
  if (a instanceof Decimal128 || b instanceof Decimal128) return compareDec(decValueOf(a), decValueOf(b));
  if (a instanceof Long || b instanceof Long || typeof a === "bigint" || typeof b === "bigint") {
    return compareWithInt64(a, b);
  }
  const x = toNumber(a);
  const y = toNumber(b);
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
  if (Number.isNaN(y)) return 1;
  return cmp(x, y);
}

function bigIntOf(v: unknown): bigint | undefined {
  if (v instanceof Long) return v.toBigInt();
  if (typeof v === "bigint") return v;
  return undefined;
}

function compareWithInt64(a: unknown, b: unknown): number {
  const ia = bigIntOf(a);
  const ib = bigIntOf(b);
  if (ia !== undefined && ib !== undefined) return cmp(ia, ib);
  const x = toNumber(a);
  const y = toNumber(b);
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
  if (Number.isNaN(y)) return 1;
  // The int64 rounds to x; a different double is on the same side of both.
  if (x !== y) return cmp(x, y);
  // Equal after rounding: both sides are integers within the int64 range, compare exactly.
  return cmp(ia ?? BigInt(x), ib ?? BigInt(y));
}

function decValueOf(v: unknown): DecValue {
  if (v instanceof Decimal128) return parseDecimal(v);
  const i = bigIntOf(v);
  if (i !== undefined) return decOfBigInt(i);
  return decOfDouble(toNumber(v));
}

function cmp<T>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Compares two strings; a collation's comparator where one applies. */
export type StringCompare = (a: string, b: string) => number;

/**
 * BSON order. `strcmp`: a collation's string comparison (also inside arrays and embedded
 * documents); field names and every other type compare as always.
 */
export function compareValues(a: unknown, b: unknown, strcmp?: StringCompare): number {
  // Fast paths for the common index keys.
  const ta = typeof a;
  if (ta === typeof b) {
    if (ta === "string") {
      if (strcmp) return strcmp(a as string, b as string);
      return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
    }
    if (ta === "number" && !Number.isNaN(a) && !Number.isNaN(b)) return (a as number) - (b as number) || 0;
  }
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 1:
    case 2:
    case 13:
      return 0;
    case 3:
      return compareNumbers(a, b);
    case 4:
      return strcmp ? strcmp(String(a), String(b)) : cmp(String(a), String(b));
    case 5:
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>, strcmp);
    case 6: {
      const x = a as unknown[];
      const y = b as unknown[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(x[i], y[i], strcmp);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
    case 7: {
      const x = a instanceof Binary ? a.buffer : (a as Uint8Array);
      const y = b instanceof Binary ? b.buffer : (b as Uint8Array);
      if (x.length !== y.length) return x.length - y.length;
      const sx = a instanceof Binary ? a.sub_type : 0;
      const sy = b instanceof Binary ? b.sub_type : 0;
      return sx !== sy ? sx - sy : compareBytes(x, y);
    }
    case 8:
      return compareBytes((a as ObjectId).id, (b as ObjectId).id);
    case 9:
      return cmp(a as boolean, b as boolean);
    case 10:
      return cmp((a as Date).getTime(), (b as Date).getTime());
    case 11:
      return (a as Timestamp).compare(b as Timestamp);
    default:
      return cmp(String(a), String(b));
  }
}

function compareObjects(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  strcmp?: StringCompare,
): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const va = a[ka[i]!];
    const vb = b[kb[i]!];
    const t = typeRank(va) - typeRank(vb);
    if (t !== 0) return t;
    const k = cmp(ka[i]!, kb[i]!);
    if (k !== 0) return k;
    const v = compareValues(va, vb, strcmp);
    if (v !== 0) return v;
  }
  return ka.length - kb.length;
}

/**
 * Numbers equal to some double share that double's key (`n1.5` for 1.5, Decimal128("1.50") and
 * Long 3 / 2… alike); an int64 or a decimal no double equals gets its exact canonical value.
 */
function numberKey(v: unknown): string {
  if (typeof v === "number") return v === 0 ? "n0" : `n${v}`;
  if (v instanceof Int32 || v instanceof Double) return numberKey(v.valueOf());
  const i = bigIntOf(v);
  if (i !== undefined) {
    const n = Number(i);
    return BigInt(n) === i ? numberKey(n) : `N${canonicalDec(decOfBigInt(i))}`;
  }
  if (v instanceof Decimal128) {
    const d = parseDecimal(v);
    const n = exactDouble(d);
    if (n !== undefined) return numberKey(n);
    return d.kind === "finite" ? `N${canonicalDec(d)}` : numberKey(decToNumber(d));
  }
  return `n${toNumber(v)}`;
}

/** A string equal for two values exactly when mongod considers them equal (1 == 1.0 == Long(1)). */
export function encodeKey(v: unknown): string {
  switch (typeRank(v)) {
    case 1:
      return "m";
    case 2:
      return "z";
    case 3:
      return numberKey(v);
    case 4:
      return `s${String(v)}`;
    case 5: {
      const o = v as Record<string, unknown>;
      return `{${Object.keys(o)
        .map((k) => `${JSON.stringify(k)}:${JSON.stringify(encodeKey(o[k]))}`)
        .join(",")}}`;
    }
    case 6:
      return `[${(v as unknown[]).map((x) => JSON.stringify(encodeKey(x))).join(",")}]`;
    case 7: {
      const bin = v instanceof Binary ? v : new Binary(v as Uint8Array);
      return `x${bin.sub_type}:${Buffer.from(bin.buffer).toString("base64")}`;
    }
    case 8:
      return `o${(v as ObjectId).toHexString()}`;
    case 9:
      return v ? "b1" : "b0";
    case 10:
      return `d${(v as Date).getTime()}`;
    case 11:
      return `t${(v as Timestamp).toString()}`;
    case 13:
      return "M";
    default:
      return `r${String(v)}`;
  }
}

/** Whether a value holds a string anywhere (the values a collation compares differently). */
export function holdsString(v: unknown): boolean {
  if (typeof v === "string") return true;
  if (Array.isArray(v)) return v.some(holdsString);
  if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.values(v as Record<string, unknown>).some(holdsString);
  }
  return false;
}
