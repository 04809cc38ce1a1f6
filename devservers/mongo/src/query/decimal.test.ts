import { Decimal128, Double, Int32, Long } from "bson";
import { describe, expect, it } from "vitest";
import { compareValues, encodeKey } from "./compare";
import { addDec, decOfBigInt, divDec, mulDec, parseDecimal, toDecimal128 } from "./decimal";
import { aggregationArithmetic, updateArithmetic } from "./number-types";

const D = (s: string) => Decimal128.fromString(s);
const text = (v: unknown) => `${(v as { _bsontype: string })._bsontype}:${String(v)}`;

describe("numbers of every BSON type compared by exact value", () => {
  it("compares decimals with doubles by the double's binary value", () => {
    expect(compareValues(D("1.5"), 1.5)).toBe(0);
    expect(compareValues(D("0.1"), 0.1)).toBeLessThan(0);
    expect(compareValues(0.1, D("0.1"))).toBeGreaterThan(0);
    expect(compareValues(D("NaN"), Number.NaN)).toBe(0);
    expect(compareValues(D("-Infinity"), -1e308)).toBeLessThan(0);
  });

  it("compares int64 values beyond 2^53 without rounding", () => {
    expect(compareValues(Long.fromString("9007199254740993"), 2 ** 53)).toBeGreaterThan(0);
    expect(compareValues(Long.fromString("9007199254740992"), 2 ** 53)).toBe(0);
    expect(compareValues(new Int32(5), new Double(5))).toBe(0);
  });

  it("gives equal numbers one key whatever their type, and different numbers different keys", () => {
    expect(encodeKey(D("1.50"))).toBe(encodeKey(1.5));
    expect(encodeKey(D("2"))).toBe(encodeKey(Long.fromNumber(2)));
    expect(encodeKey(D("-0"))).toBe(encodeKey(0));
    expect(encodeKey(D("0.1"))).not.toBe(encodeKey(0.1));
    expect(encodeKey(Long.fromString("9007199254740993"))).toBe(encodeKey(D("9007199254740993")));
    expect(encodeKey(Long.fromString("90071992547409930"))).toBe(encodeKey(D("9.007199254740993E+16")));
    expect(encodeKey(Long.fromString("9007199254740993"))).not.toBe(
      encodeKey(Long.fromString("9007199254740992")),
    );
  });
});

describe("decimal arithmetic (34 digits, half to even)", () => {
  const dec = (s: string) => parseDecimal(D(s));
  it("keeps the exponent of exact results", () => {
    expect(toDecimal128(addDec(dec("1.10"), decOfBigInt(1n))).toString()).toBe("2.10");
    expect(toDecimal128(mulDec(dec("2.50"), decOfBigInt(0n))).toString()).toBe("0.00");
    expect(toDecimal128(divDec(dec("3"), decOfBigInt(2n))!).toString()).toBe("1.5");
  });

  it("rounds inexact results to 34 significant digits", () => {
    expect(toDecimal128(divDec(decOfBigInt(1n), decOfBigInt(3n))!).toString()).toBe(
      "0.3333333333333333333333333333333333",
    );
    expect(toDecimal128(divDec(decOfBigInt(2n), decOfBigInt(3n))!).toString()).toBe(
      "0.6666666666666666666666666666666667",
    );
    expect(divDec(decOfBigInt(1n), decOfBigInt(0n))).toBeUndefined();
  });
});

describe("update and aggregation arithmetic types", () => {
  it("$inc/$mul: int32 widens to int64, int64 overflow is refused", () => {
    expect(text(updateArithmetic("add", new Int32(2147483647), new Int32(1)))).toBe("Long:2147483648");
    expect(text(updateArithmetic("mul", new Int32(3), new Int32(2)))).toBe("Int32:6");
    expect(text(updateArithmetic("add", new Double(2), new Int32(1)))).toBe("Double:3");
    expect(updateArithmetic("add", Long.MAX_VALUE, new Int32(1))).toBeUndefined();
  });

  it("aggregation: int64 overflow becomes a double, division a double", () => {
    expect(text(aggregationArithmetic("add", [Long.MAX_VALUE, new Int32(1)]))).toBe(
      "Double:9223372036854776000",
    );
    expect(text(aggregationArithmetic("divide", [new Int32(6), new Int32(3)]))).toBe("Double:2");
    expect(text(aggregationArithmetic("add", [new Int32(1), Long.fromNumber(1)]))).toBe("Long:2");
  });
});
