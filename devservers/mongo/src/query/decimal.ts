import { Decimal128 } from "bson";

/**
 * Exact decimal arithmetic for Decimal128 values: mongod compares a decimal with a double by
 * their exact values (Decimal128("0.1") is not 0.1, whose binary value is 0.1000000000000000055…)
 * and adds, multiplies and divides decimals in IEEE 754 decimal with 34 significant digits.
 */

/** A finite value `sign × coef × 10^exp`; `coef` 0 is zero (negative zero keeps its sign). */
export interface Dec {
  kind: "finite";
  sign: 1 | -1;
  coef: bigint;
  exp: number;
}
export type DecValue = Dec | { kind: "nan" } | { kind: "inf"; sign: 1 | -1 };

const DIGITS = 34;
const MAX_EXP = 6111;
const MIN_EXP = -6176;
const TEN = 10n;

const parsed = new WeakMap<Decimal128, DecValue>();

export function parseDecimal(d: Decimal128): DecValue {
  let v = parsed.get(d);
  if (!v) {
    v = parseDecimalString(d.toString());
    parsed.set(d, v);
  }
  return v;
}

function parseDecimalString(s: string): DecValue {
  const sign: 1 | -1 = s.startsWith("-") ? -1 : 1;
  const body = s.replace(/^[-+]/, "");
  if (body === "NaN") return { kind: "nan" };
  if (body === "Infinity") return { kind: "inf", sign };
  const [mantissa = "0", expPart] = body.split(/[eE]/);
  const dot = mantissa.indexOf(".");
  const digits = dot === -1 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const exp = Number(expPart ?? 0) - (dot === -1 ? 0 : mantissa.length - dot - 1);
  return { kind: "finite", sign, coef: BigInt(digits), exp };
}

/** The exact value of a double (every finite double is a terminating decimal). */
export function decOfDouble(x: number): DecValue {
  if (Number.isNaN(x)) return { kind: "nan" };
  if (!Number.isFinite(x)) return { kind: "inf", sign: x > 0 ? 1 : -1 };
  const sign: 1 | -1 = x < 0 || Object.is(x, -0) ? -1 : 1;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const e2 = (biased === 0 ? 1 : biased) - 1075;
  if (e2 >= 0) return { kind: "finite", sign, coef: mantissa << BigInt(e2), exp: 0 };
  // m × 2^-k = m × 5^k × 10^-k
  return { kind: "finite", sign, coef: mantissa * 5n ** BigInt(-e2), exp: e2 };
}

export function decOfBigInt(n: bigint): Dec {
  return { kind: "finite", sign: n < 0n ? -1 : 1, coef: n < 0n ? -n : n, exp: 0 };
}

/**
 * A double as mongod converts it for decimal arithmetic (`Decimal128(double)`, rounded to 15
 * significant digits: 0.1 becomes 0.100000000000000).
 */
export function decOfDoubleForArithmetic(x: number): DecValue {
  if (!Number.isFinite(x) || x === 0) return decOfDouble(x);
  return parseDecimalString(x.toPrecision(15));
}

function digitCount(n: bigint): number {
  return n === 0n ? 1 : n.toString().length;
}

/** Compares two decimal values by their exact values; NaN is equal to NaN and below everything. */
export function compareDec(a: DecValue, b: DecValue): number {
  if (a.kind === "nan") return b.kind === "nan" ? 0 : -1;
  if (b.kind === "nan") return 1;
  const sa = a.kind === "inf" ? a.sign : a.coef === 0n ? 0 : a.sign;
  const sb = b.kind === "inf" ? b.sign : b.coef === 0n ? 0 : b.sign;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (a.kind === "inf" || b.kind === "inf") {
    if (a.kind === "inf" && b.kind === "inf") return 0;
    return a.kind === "inf" ? sa : -sb;
  }
  if (sa === 0) return 0;
  return sa * compareMagnitude(a, b);
}

function compareMagnitude(a: Dec, b: Dec): number {
  const ea = a.exp + digitCount(a.coef);
  const eb = b.exp + digitCount(b.coef);
  if (ea !== eb) return ea < eb ? -1 : 1;
  const shift = a.exp - b.exp;
  const x = shift > 0 ? a.coef * TEN ** BigInt(shift) : a.coef;
  const y = shift < 0 ? b.coef * TEN ** BigInt(-shift) : b.coef;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Rounds to 34 significant digits (half to even) and into the exponent range. */
function round(sign: 1 | -1, coef: bigint, exp: number, sticky = false): DecValue {
  let c = coef;
  let e = exp;
  const drop = Math.max(digitCount(c) - DIGITS, MIN_EXP - e, 0);
  if (drop > 0) {
    const div = TEN ** BigInt(drop);
    const q = c / div;
    const r = c % div;
    const half = div / 2n;
    // Half to even; `sticky`: digits already dropped were not all zero, so a tie is really above.
    const up = r > half || (r === half && (sticky || q % 2n === 1n));
    c = up ? q + 1n : q;
    e += drop;
    if (digitCount(c) > DIGITS) {
      c /= TEN;
      e += 1;
    }
  }
  while (e > MAX_EXP && c !== 0n && digitCount(c) < DIGITS) {
    c *= TEN;
    e -= 1;
  }
  if (e > MAX_EXP) return c === 0n ? { kind: "finite", sign, coef: 0n, exp: MAX_EXP } : { kind: "inf", sign };
  return { kind: "finite", sign, coef: c, exp: e };
}

export function addDec(a: DecValue, b: DecValue): DecValue {
  if (a.kind === "nan" || b.kind === "nan") return { kind: "nan" };
  if (a.kind === "inf" || b.kind === "inf") {
    if (a.kind === "inf" && b.kind === "inf" && a.sign !== b.sign) return { kind: "nan" };
    return a.kind === "inf" ? a : b;
  }
  const exp = Math.min(a.exp, b.exp);
  const x = BigInt(a.sign) * a.coef * TEN ** BigInt(a.exp - exp);
  const y = BigInt(b.sign) * b.coef * TEN ** BigInt(b.exp - exp);
  const sum = x + y;
  // An exact zero sum is +0 unless both operands were negative (IEEE 754).
  const sign: 1 | -1 = sum < 0n || (sum === 0n && a.sign === -1 && b.sign === -1) ? -1 : 1;
  return round(sign, sum < 0n ? -sum : sum, exp);
}

export function mulDec(a: DecValue, b: DecValue): DecValue {
  if (a.kind === "nan" || b.kind === "nan") return { kind: "nan" };
  const sign = a.sign * b.sign;
  if (a.kind === "inf" || b.kind === "inf") {
    const zero = (a.kind === "finite" && a.coef === 0n) || (b.kind === "finite" && b.coef === 0n);
    return zero ? { kind: "nan" } : { kind: "inf", sign: sign as 1 | -1 };
  }
  return round(sign as 1 | -1, a.coef * b.coef, a.exp + b.exp);
}

/** `a / b`; undefined when `b` is zero (callers report their own division-by-zero error). */
export function divDec(a: DecValue, b: DecValue): DecValue | undefined {
  if (a.kind === "nan" || b.kind === "nan") return { kind: "nan" };
  const sign = (a.sign * b.sign) as 1 | -1;
  if (a.kind === "inf") return b.kind === "inf" ? { kind: "nan" } : { kind: "inf", sign };
  if (b.kind === "inf") return { kind: "finite", sign, coef: 0n, exp: 0 };
  if (b.coef === 0n) return undefined;
  const preferred = a.exp - b.exp;
  if (a.coef === 0n) return { kind: "finite", sign, coef: 0n, exp: preferred };
  // Enough extra digits for 34 significant ones plus a rounding digit.
  const scale = Math.max(0, DIGITS + 1 + digitCount(b.coef) - digitCount(a.coef));
  const num = a.coef * TEN ** BigInt(scale);
  let q = num / b.coef;
  const r = num % b.coef;
  let exp = preferred - scale;
  if (r === 0n) {
    // Exact: the exponent closest to the preferred one.
    while (exp < preferred && q % TEN === 0n) {
      q /= TEN;
      exp += 1;
    }
    return round(sign, q, exp);
  }
  return round(sign, q, exp, true);
}

export function toDecimal128(v: DecValue): Decimal128 {
  if (v.kind === "nan") return Decimal128.fromString("NaN");
  if (v.kind === "inf") return Decimal128.fromString(v.sign < 0 ? "-Infinity" : "Infinity");
  return Decimal128.fromString(`${v.sign < 0 ? "-" : ""}${v.coef}E${v.exp}`);
}

/** The nearest double (for the few places that need a JS number). */
export function decToNumber(v: DecValue): number {
  if (v.kind === "nan") return Number.NaN;
  if (v.kind === "inf") return v.sign * Number.POSITIVE_INFINITY;
  const n = Number(`${v.coef}e${v.exp}`);
  return v.sign < 0 ? -n : n;
}

/** Whether a decimal value equals some double exactly, and which. */
export function exactDouble(v: DecValue): number | undefined {
  const d = decToNumber(v);
  return compareDec(decOfDouble(d), v) === 0 ? d : undefined;
}

/** The canonical text of a finite decimal: trailing zeros dropped, so equal values read the same. */
export function canonicalDec(v: Dec): string {
  if (v.coef === 0n) return "0";
  let c = v.coef;
  let e = v.exp;
  while (c % TEN === 0n) {
    c /= TEN;
    e += 1;
  }
  return `${v.sign < 0 ? "-" : ""}${c}e${e}`;
}
