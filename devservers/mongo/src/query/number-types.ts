import { Decimal128, type Document, Double, deserialize, Int32, Long } from "bson";
import { RAW_BSON } from "../storage/bson-doc-map";
import { compareNumbers, toNumber } from "./compare";
import {
  addDec,
  type DecValue,
  decOfBigInt,
  decOfDoubleForArithmetic,
  divDec,
  mulDec,
  parseDecimal,
  toDecimal128,
} from "./decimal";
import { isPlainObject } from "./paths";

/**
 * Documents come in two forms. Queries, indexes and mingo work on the *promoted* form (plain JS
 * numbers, as the storage layer decodes). Updates work on the *exact* form — Int32, Long, Double
 * and Decimal128 values, as `deserialize(bytes, {promoteValues: false})` gives — so that what is
 * stored is the type the client sent or mongod's arithmetic produced.
 */

const EXACT = { promoteLongs: false, promoteValues: false } as const;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export type NumKind = "int" | "long" | "double" | "decimal";

/** Whether the driver sends this JS number as an int32 (bson's own rule; -0 is a double). */
export function isInt32Number(n: number): boolean {
  return Number.isSafeInteger(n) && n >= INT32_MIN && n <= INT32_MAX && !Object.is(n, -0);
}

/** The BSON number type of an exact value; a JS number counts as what the driver sends it as. */
export function numKind(v: unknown): NumKind | undefined {
  if (typeof v === "number") return isInt32Number(v) ? "int" : "double";
  if (typeof v !== "object" || v === null) return typeof v === "bigint" ? "long" : undefined;
  switch ((v as { _bsontype?: string })._bsontype) {
    case "Int32":
      return "int";
    case "Long":
      return "long";
    case "Double":
      return "double";
    case "Decimal128":
      return "decimal";
  }
  return undefined;
}

/** The exact (unpromoted) form of a stored document, when it came from storage. */
export function exactStored(doc: object): Document | undefined {
  const raw = (doc as { [RAW_BSON]?: Buffer })[RAW_BSON];
  return raw ? deserialize(raw, EXACT) : undefined;
}

/**
 * Command documents are decoded with plain JS numbers, so a value's BSON type is what the driver
 * serializes that JS number as: int32 when it is an integer in range, otherwise a double. Long
 * values beyond 2^53 and Decimal128 values survive decoding unchanged.
 */
export function toExact<T>(v: T): T {
  if (typeof v === "number") return (isInt32Number(v) ? new Int32(v) : new Double(v)) as T;
  if (Array.isArray(v)) return v.map(toExact) as T;
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = toExact(v[k]);
    return out as T;
  }
  return v;
}

/** The promoted form of an exact value (a copy): what the storage layer's decode would give. */
export function promote<T>(v: T): T {
  if (v instanceof Int32 || v instanceof Double) return v.valueOf() as T;
  if (v instanceof Long) {
    const n = v.toNumber();
    return (Number.isSafeInteger(n) ? n : v) as T;
  }
  if (Array.isArray(v)) return v.map(promote) as T;
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = promote(v[k]);
    return out as T;
  }
  return v;
}

/**
 * Promoted containers (objects, arrays) → their exact counterparts, so `$type` can tell an int32
 * from a double inside any part of a document a query looks at.
 */
const twins = new WeakMap<object, object>();

export function linkTwins(promoted: unknown, exact: unknown): void {
  if (Array.isArray(promoted) && Array.isArray(exact)) {
    twins.set(promoted, exact);
    for (let i = 0; i < promoted.length; i++) linkTwins(promoted[i], exact[i]);
  } else if (isPlainObject(promoted) && isPlainObject(exact)) {
    twins.set(promoted, exact);
    for (const k of Object.keys(promoted)) linkTwins(promoted[k], exact[k]);
  }
}

/** Links only `promoted` itself (its containers keep whatever links they have). */
export function linkRoot(promoted: object, exact: object): void {
  twins.set(promoted, exact);
}

export function exactTwin(v: object): object | undefined {
  return twins.get(v);
}

export function bigIntOf(v: unknown): bigint {
  if (v instanceof Long) return v.toBigInt();
  if (typeof v === "bigint") return v;
  return BigInt(Number(v));
}

function doubleOf(v: unknown): number {
  if (v instanceof Long) return v.toNumber();
  return Number(v);
}

function decOf(v: unknown): DecValue {
  if (v instanceof Decimal128) return parseDecimal(v);
  const k = numKind(v);
  if (k === "double") return decOfDoubleForArithmetic(doubleOf(v));
  return decOfBigInt(bigIntOf(v));
}

function widest(kinds: NumKind[]): NumKind {
  if (kinds.includes("decimal")) return "decimal";
  if (kinds.includes("double")) return "double";
  return kinds.includes("long") ? "long" : "int";
}

const fitsInt32 = (n: bigint) => n >= BigInt(INT32_MIN) && n <= BigInt(INT32_MAX);
const fitsInt64 = (n: bigint) => n >= INT64_MIN && n <= INT64_MAX;

/**
 * `$inc` / `$mul` arithmetic (mongod's SafeNum): int32 op int32 is an int32, or an int64 when it
 * overflows; with an int64 it is an int64, `undefined` when that overflows (mongod refuses the
 * update); a double makes a double and a decimal a decimal.
 */
export function updateArithmetic(op: "add" | "mul", a: unknown, b: unknown): unknown {
  const kind = widest([numKind(a)!, numKind(b)!]);
  if (kind === "decimal")
    return toDecimal128(op === "add" ? addDec(decOf(a), decOf(b)) : mulDec(decOf(a), decOf(b)));
  if (kind === "double")
    return new Double(op === "add" ? doubleOf(a) + doubleOf(b) : doubleOf(a) * doubleOf(b));
  const r = op === "add" ? bigIntOf(a) + bigIntOf(b) : bigIntOf(a) * bigIntOf(b);
  if (kind === "int" && fitsInt32(r)) return new Int32(Number(r));
  return fitsInt64(r) ? Long.fromBigInt(r) : undefined;
}

/** mongod's no-op rule for arithmetic updates: the same type and an equal value. */
export function identicalNumbers(a: unknown, b: unknown): boolean {
  return numKind(a) === numKind(b) && compareNumbers(a, b) === 0 && !Number.isNaN(toNumber(a));
}

/** SafeNum's debug rendering, used in mongod's overflow messages: `(NumberLong)9223372036854775807`. */
export function numberDebugString(v: unknown): string {
  const names: Record<NumKind, string> = {
    int: "NumberInt",
    long: "NumberLong",
    double: "NumberDouble",
    decimal: "NumberDecimal",
  };
  const kind = numKind(v);
  return kind ? `(${names[kind]})${String(v instanceof Long ? v.toString() : doubleOrText(v))}` : String(v);
}

function doubleOrText(v: unknown): string {
  return v instanceof Decimal128 ? v.toString() : String(doubleOf(v));
}

/** `$bit` and/or/xor: int32 with int32 stays an int32, anything with an int64 is an int64. */
export function bitwise(how: "and" | "or" | "xor", a: unknown, b: unknown): unknown {
  const x = bigIntOf(a);
  const y = bigIntOf(b);
  const r = how === "and" ? x & y : how === "or" ? x | y : x ^ y;
  return numKind(a) === "int" && numKind(b) === "int"
    ? new Int32(Number(BigInt.asIntN(32, r)))
    : Long.fromBigInt(BigInt.asIntN(64, r));
}

/**
 * Aggregation arithmetic ($add, $subtract, $multiply, $divide) on exact numbers: ints widen to
 * int64 on overflow and int64 to a double; a double makes a double, a decimal a decimal; $divide
 * always gives a double (or a decimal).
 */
export function aggregationArithmetic(
  op: "add" | "subtract" | "multiply" | "divide",
  args: unknown[],
): unknown {
  const kind = widest(args.map((a) => numKind(a)!));
  if (kind === "decimal") {
    let acc = decOf(args[0]);
    for (const a of args.slice(1)) {
      const d = decOf(a);
      if (op === "add") acc = addDec(acc, d);
      else if (op === "subtract") acc = addDec(acc, negate(d));
      else if (op === "multiply") acc = mulDec(acc, d);
      else acc = divDec(acc, d) ?? { kind: "nan" };
    }
    return toDecimal128(acc);
  }
  if (kind === "double" || op === "divide") {
    let acc = doubleOf(args[0]);
    for (const a of args.slice(1)) {
      const d = doubleOf(a);
      acc = op === "add" ? acc + d : op === "subtract" ? acc - d : op === "multiply" ? acc * d : acc / d;
    }
    return new Double(acc);
  }
  let acc = bigIntOf(args[0]);
  for (const a of args.slice(1)) {
    const d = bigIntOf(a);
    acc = op === "add" ? acc + d : op === "subtract" ? acc - d : acc * d;
  }
  if (kind === "int" && fitsInt32(acc)) return new Int32(Number(acc));
  return fitsInt64(acc) ? Long.fromBigInt(acc) : new Double(Number(acc));
}

function negate(d: DecValue): DecValue {
  if (d.kind === "nan") return d;
  return { ...d, sign: d.sign === 1 ? -1 : 1 };
}

/** A number converted to the given BSON type (`$toInt`, `$toLong`, `$toDouble`, `$toDecimal`). */
export function asKind(kind: NumKind, v: unknown): unknown {
  switch (kind) {
    case "int":
      return new Int32(Math.trunc(doubleOf(v)));
    case "long":
      return v instanceof Long ? v : Long.fromBigInt(BigInt(Math.trunc(doubleOf(v))));
    case "double":
      return new Double(v instanceof Decimal128 ? Number(v.toString()) : doubleOf(v));
    case "decimal":
      return v instanceof Decimal128 ? v : toDecimal128(decOf(v));
  }
}
