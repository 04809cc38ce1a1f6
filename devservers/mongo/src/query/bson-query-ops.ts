import { Query } from "mingo/query";
import type { Options } from "mingo/types";
import { flatten, isObject, isOperator, resolve } from "mingo/util";
import { mongoError } from "../errors";
import { matchesTypeSet, parseTypeSet, valuesForType } from "./bson-type";
import { stringComparator } from "./collation";
import {
  compareNumbers,
  compareValues,
  encodeKey,
  holdsString,
  type StringCompare,
  toNumber,
  typeRank,
} from "./compare";
import { exactTwin, linkTwins } from "./number-types";

/**
 * Query operators that replace mingo's where BSON semantics differ: numbers of every type
 * (Int32, Long, Double, Decimal128, JS numbers) compare by exact value, embedded documents by
 * their fields in order, `$type` sees the stored number types. Path resolution and array handling
 * stay mingo's, so these behave like the operators they replace in every other respect.
 */

type Obj = Record<string, unknown>;
type Predicate = (lhs: unknown, rhs: unknown, depth: number, strcmp?: StringCompare) => boolean;

function dots(selector: string): number {
  let n = 0;
  for (let i = selector.indexOf("."); i !== -1; i = selector.indexOf(".", i + 1)) n++;
  return n;
}

function field(pred: Predicate) {
  return (selector: string, value: unknown, options: Options) => {
    const depth = dots(selector);
    // A collation compares strings (also inside arrays and documents) its own way.
    const strcmp = stringComparator(options);
    return (o: Obj) => pred(resolve(o, selector, { unwrapArray: true }), value, depth, strcmp);
  };
}

const isNil = (v: unknown) => v === null || v === undefined;

export function bsonEquals(a: unknown, b: unknown, strcmp?: StringCompare): boolean {
  if (a === b) return true;
  return typeRank(a) === typeRank(b) && compareValues(a, b, strcmp) === 0;
}

function isNaNumber(v: unknown): boolean {
  return typeRank(v) === 3 && Number.isNaN(toNumber(v));
}

const eq: Predicate = (a, b, depth, strcmp) => {
  if (bsonEquals(a, b, strcmp)) return true;
  if (isNil(a) && isNil(b)) return true;
  if (Array.isArray(a)) {
    return a.some((v) => bsonEquals(v, b, strcmp)) || flatten(a, depth).some((v) => bsonEquals(v, b, strcmp));
  }
  return false;
};

/** Comparison with type bracketing: `{$gt: 1}` only matches numbers; NaN only equals NaN. */
function ordered(test: (c: number) => boolean, orEqualNaN: boolean): Predicate {
  return (a, b, _depth, strcmp) => {
    for (const v of Array.isArray(a) ? a : [a]) {
      if (typeRank(v) !== typeRank(b)) continue;
      if (isNaNumber(v) || isNaNumber(b)) {
        if (orEqualNaN && isNaNumber(v) && isNaNumber(b)) return true;
        continue;
      }
      if (test(typeRank(v) === 3 ? compareNumbers(v, b) : compareValues(v, b, strcmp))) return true;
    }
    return false;
  };
}

/**
 * `$in` values: a set of keys for the plain ones, the regexes apart. Under a collation, values
 * holding strings are compared one by one through it.
 */
function inMatcher(list: unknown, strcmp?: StringCompare) {
  if (!Array.isArray(list)) throw mongoError("BadValue", "$in needs an array");
  const regexes = list.filter((x): x is RegExp => x instanceof RegExp);
  const plain = list.filter((x) => !(x instanceof RegExp));
  const collated = strcmp ? plain.filter(holdsString) : [];
  const keys = new Set((strcmp ? plain.filter((x) => !holdsString(x)) : plain).map(encodeKey));
  const hasNull = list.some((x) => x === null);
  return (a: unknown) => {
    if (isNil(a)) return hasNull;
    for (const v of Array.isArray(a) ? a : [a]) {
      if (keys.has(encodeKey(v))) return true;
      if (collated.length && collated.some((x) => bsonEquals(v, x, strcmp))) return true;
      if (typeof v === "string" && regexes.some((re) => re.test(v))) return true;
    }
    return false;
  };
}

function $in(selector: string, value: unknown, options: Options) {
  const test = inMatcher(value, stringComparator(options));
  return (o: Obj) => test(resolve(o, selector, { unwrapArray: true }));
}

function $nin(selector: string, value: unknown, options: Options) {
  const test = $in(selector, value, options);
  return (o: Obj) => !test(o);
}

/**
 * `{$type: …}`. The promoted documents queries run on hold plain JS numbers; when the matcher
 * linked them to their exact form (see `linkTwins`), the types come from there.
 */
function $type(selector: string, value: unknown, _options: Options) {
  const set = parseTypeSet(value);
  return (o: Obj) => {
    const exact = o !== null && typeof o === "object" ? exactTwin(o) : undefined;
    return valuesForType(o, exact, selector).some((v) => matchesTypeSet(v, set));
  };
}

function elemMatchCriteria(criteria: Obj, options: Options) {
  if (Object.keys(criteria).length === 0) return (v: unknown) => isObject(v);
  const wrap = Object.keys(criteria).every(
    (k) => isOperator(k) && k !== "$and" && k !== "$or" && k !== "$nor",
  );
  const q = new Query(wrap ? { field: criteria } : criteria, options);
  return (v: unknown, exact: unknown) => {
    if (!wrap) return q.test(v as Obj);
    // The probe is mingo's wrapper around an element; link it so `$type` sees the exact element.
    const probe = { field: v };
    if (exact !== undefined) linkTwins(probe, { field: exact });
    return q.test(probe);
  };
}

function $elemMatch(selector: string, value: unknown, options: Options) {
  const test = elemMatchCriteria(value as Obj, options);
  return (o: Obj) => {
    const arr = resolve(o, selector, { unwrapArray: true });
    if (!Array.isArray(arr) || arr.length === 0) return false;
    const twin = exactTwin(arr) as unknown[] | undefined;
    for (let i = 0; i < arr.length; i++) if (test(arr[i], twin?.[i])) return true;
    return false;
  };
}

function $all(selector: string, value: unknown, options: Options) {
  const strcmp = stringComparator(options);
  const rhs = Array.isArray(value) ? value : [];
  const tests = rhs.map((expr) => {
    if (isObject(expr) && Object.keys(expr as Obj)[0] === "$elemMatch") {
      const test = elemMatchCriteria((expr as Obj).$elemMatch as Obj, options);
      return (values: unknown[], twin?: unknown[]) => values.some((v, i) => test(v, twin?.[i]));
    }
    if (expr instanceof RegExp)
      return (values: unknown[]) => values.some((s) => typeof s === "string" && expr.test(s));
    return (values: unknown[]) => values.some((v) => bsonEquals(expr, v, strcmp));
  });
  return (o: Obj) => {
    const values = resolve(o, selector, { unwrapArray: true });
    if (!Array.isArray(values) || values.length === 0 || tests.length === 0) return false;
    const twin = exactTwin(values) as unknown[] | undefined;
    return tests.every((t) => t(values, twin));
  };
}

function $mod(selector: string, value: unknown, _options: Options) {
  const [divisor, remainder] = Array.isArray(value) ? value.map(toNumber) : [];
  return (o: Obj) => {
    const a = resolve(o, selector, { unwrapArray: true });
    return (Array.isArray(a) ? a : [a]).some(
      (x) => typeRank(x) === 3 && divisor !== undefined && Math.trunc(toNumber(x)) % divisor === remainder,
    );
  };
}

export const BSON_QUERY_OPS = {
  $eq: field(eq),
  $ne: field((a, b, depth) => !eq(a, b, depth)),
  $gt: field(ordered((c) => c > 0, false)),
  $gte: field(ordered((c) => c >= 0, true)),
  $lt: field(ordered((c) => c < 0, false)),
  $lte: field(ordered((c) => c <= 0, true)),
  $in,
  $nin,
  $type,
  $elemMatch,
  $all,
  $mod,
};
