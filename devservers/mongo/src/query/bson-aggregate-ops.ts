import { Decimal128, Long } from "bson";
import { evalExpr } from "mingo/core";
import { Lazy } from "mingo/lazy";
import * as accumulatorOps from "mingo/operators/accumulator";
import * as expressionOps from "mingo/operators/expression";
import * as pipelineOps from "mingo/operators/pipeline";
import type { Options } from "mingo/types";
import { mongoError } from "../errors";
import { stringComparator } from "./collation";
import { compareValues, encodeKey, holdsString, typeRank } from "./compare";
import { addDec, decOfBigInt, decOfDoubleForArithmetic, divDec, parseDecimal, toDecimal128 } from "./decimal";
import { aggregationArithmetic, promote } from "./number-types";
import type { Doc } from "./paths";
import { parseSort, sortDocs } from "./sort";

/**
 * Aggregation operators replaced so that Decimal128 values (and int64 values beyond 2^53, which
 * stay Long objects in decoded documents) count as numbers, as in mongod: mingo only knows JS
 * numbers, so it skipped them in `$sum`/`$avg`, ordered them after strings in `$min`/`$max` and
 * `$sort`, and refused them in arithmetic. Everything else is delegated to mingo unchanged.
 */

type Obj = Record<string, unknown>;
type ExpressionFn = (obj: Obj, expr: unknown, options: Options) => unknown;
type AccumulatorFn = (coll: Obj[], expr: unknown, options: Options) => unknown;

const isNil = (v: unknown) => v === null || v === undefined;
const isNumberValue = (v: unknown) => typeRank(v) === 3;
const isWideNumber = (v: unknown) => v instanceof Decimal128 || v instanceof Long;

function valuesOf(coll: Obj[], expr: unknown, options: Options): unknown[] {
  return accumulatorOps.$push(coll, expr, options) as unknown[];
}

function sum(values: unknown[]): unknown {
  const nums = values.filter(isNumberValue);
  if (!nums.some(isWideNumber)) {
    let total = 0;
    for (const n of nums) total += n as number;
    return total;
  }
  if (nums.some((n) => n instanceof Decimal128)) {
    let acc = decOfBigInt(0n) as ReturnType<typeof parseDecimal>;
    for (const n of nums) acc = addDec(acc, decimalOf(n));
    return toDecimal128(acc);
  }
  return promote(aggregationArithmetic("add", [0, ...nums]));
}

function decimalOf(n: unknown) {
  if (n instanceof Decimal128) return parseDecimal(n);
  if (n instanceof Long) return decOfBigInt(n.toBigInt());
  return Number.isInteger(n) ? decOfBigInt(BigInt(n as number)) : decOfDoubleForArithmetic(n as number);
}

const $sum: AccumulatorFn = (coll, expr, options) => {
  if (typeof expr === "number") return coll.length * expr;
  return sum(valuesOf(coll, expr, options));
};

const $avg: AccumulatorFn = (coll, expr, options) => {
  const nums = valuesOf(coll, expr, options).filter(isNumberValue);
  if (nums.length === 0) return null;
  const total = sum(nums);
  if (total instanceof Decimal128) {
    return toDecimal128(divDec(parseDecimal(total), decOfBigInt(BigInt(nums.length))) ?? { kind: "nan" });
  }
  return (total instanceof Long ? total.toNumber() : (total as number)) / nums.length;
};

function extreme(sign: 1 | -1): AccumulatorFn {
  return (coll, expr, options) => {
    let best: unknown;
    for (const v of valuesOf(coll, expr, options)) {
      if (isNil(v)) continue;
      if (best === undefined || compareValues(v, best) * sign > 0) best = v;
    }
    return best ?? null;
  };
}

const UNKNOWN = Symbol("unknown");

/**
 * A field path operand's (`"$a.b"`) value in `doc`, `undefined` when missing; UNKNOWN for other
 * expressions and paths through arrays.
 */
function pathValue(doc: Obj, expr: unknown): unknown {
  if (typeof expr !== "string" || !expr.startsWith("$") || expr.startsWith("$$")) return UNKNOWN;
  let v: unknown = doc;
  for (const part of expr.slice(1).split(".")) {
    if (Array.isArray(v)) return UNKNOWN;
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Obj)[part];
  }
  return v;
}

/** mongod's `$push`/`$addToSet` leave out members whose field is missing (mingo adds null). */
function presentOnly(original: AccumulatorFn, aligned: boolean): AccumulatorFn {
  return (coll, expr, options) => {
    const out = original(coll, expr, options);
    if (!Array.isArray(out) || !out.includes(null)) return out;
    // `$push` lists one value per member; `$addToSet` keeps null if some member may have it.
    if (aligned) return out.filter((v, i) => v !== null || pathValue(coll[i]!, expr) !== undefined);
    const values = coll.map((m) => pathValue(m, expr));
    return values.every((v) => v !== null && v !== UNKNOWN) ? out.filter((v) => v !== null) : out;
  };
}

export const BSON_ACCUMULATORS = {
  $sum,
  $avg,
  $min: extreme(-1),
  $max: extreme(1),
  $push: presentOnly(accumulatorOps.$push as AccumulatorFn, true),
  $addToSet: presentOnly(accumulatorOps.$addToSet as AccumulatorFn, false),
};

/** Evaluated arguments handed back to mingo's own operator as literals (no second evaluation). */
function literals(args: unknown): unknown {
  return Array.isArray(args) ? args.map(($literal) => ({ $literal })) : { $literal: args };
}

function arithmetic(op: "add" | "subtract" | "multiply" | "divide", original: ExpressionFn): ExpressionFn {
  return (obj, expr, options) => {
    const args = evalExpr(obj, expr, options);
    if (Array.isArray(args) && args.some(isWideNumber) && args.every((a) => isNil(a) || isNumberValue(a))) {
      if (args.some(isNil)) return null;
      if (op === "divide" && compareValues(args[1], 0) === 0) {
        throw mongoError("Location16608", "can't $divide by zero");
      }
      return promote(aggregationArithmetic(op, args));
    }
    return original(obj, literals(args), options);
  };
}

function comparison(test: (c: number) => unknown, original: ExpressionFn): ExpressionFn {
  return (obj, expr, options) => {
    const args = evalExpr(obj, expr, options);
    const strcmp = stringComparator(options);
    if (
      Array.isArray(args) &&
      args.length === 2 &&
      (args.some(isWideNumber) || (strcmp && args.some(holdsString)))
    ) {
      // Aggregation compares across types in BSON order; a collation decides between strings.
      return test(compareValues(args[0], args[1], strcmp));
    }
    return original(obj, literals(args), options);
  };
}

/** Internal expression that computes a `$group` key (see `$group` below). */
const GROUP_KEY = "$__bsonGroupKey";

export const BSON_EXPRESSIONS = {
  [GROUP_KEY]: (obj: Obj, arg: unknown, options: Options) => groupKey(obj, arg, options),
  $add: arithmetic("add", expressionOps.$add as ExpressionFn),
  $subtract: arithmetic("subtract", expressionOps.$subtract as ExpressionFn),
  $multiply: arithmetic("multiply", expressionOps.$multiply as ExpressionFn),
  $divide: arithmetic("divide", expressionOps.$divide as ExpressionFn),
  $eq: comparison((c) => c === 0, expressionOps.$eq as ExpressionFn),
  $ne: comparison((c) => c !== 0, expressionOps.$ne as ExpressionFn),
  $gt: comparison((c) => c > 0, expressionOps.$gt as ExpressionFn),
  $gte: comparison((c) => c >= 0, expressionOps.$gte as ExpressionFn),
  $lt: comparison((c) => c < 0, expressionOps.$lt as ExpressionFn),
  $lte: comparison((c) => c <= 0, expressionOps.$lte as ExpressionFn),
  $cmp: comparison((c) => Math.sign(c), expressionOps.$cmp as ExpressionFn),
};

interface LazyIterator {
  transform(f: (items: Obj[]) => unknown): unknown;
}

/** `$sort` in BSON order (numbers of every type by value, arrays by their extreme element). */
function $sort(coll: LazyIterator, sortKeys: unknown, options: Options): unknown {
  const spec = parseSort(sortKeys);
  if (!spec) throw mongoError("Location15976", "$sort stage must have at least one sort key");
  const strcmp = stringComparator(options);
  return coll.transform((items) => Lazy(sortDocs(items as Doc[], spec, strcmp)));
}

/**
 * The `_id` of a document's group: the first value seen that mongod considers equal to it
 * (`Decimal128("1")`, `Long(1)`, `1` and `1.0` are one group, keyed by whichever came first).
 */
const groupKey: ExpressionFn = (obj, arg, options) => {
  const { expr, seen, collated } = arg as { expr: unknown; seen: Map<string, unknown>; collated: unknown[] };
  const value = evalExpr(obj, expr, options) ?? null;
  const strcmp = stringComparator(options);
  if (strcmp && holdsString(value)) {
    // Under a collation, keys holding strings group with any equal one ("a" and "A" at strength 2).
    const same = collated.find(
      (v) => typeRank(v) === typeRank(value) && compareValues(v, value, strcmp) === 0,
    );
    if (same !== undefined) return same;
    collated.push(value);
    return value;
  }
  const k = encodeKey(value);
  const first = seen.get(k);
  if (first !== undefined || seen.has(k)) return first;
  seen.set(k, value);
  return value;
};

type PipelineFn = (coll: LazyIterator, expr: unknown, options: Options) => unknown;

/** mingo's `$group` with keys grouped by BSON value equality instead of its own hashing. */
const $group: PipelineFn = (coll, expr, options) => {
  const spec = expr as Obj;
  if (!("_id" in spec)) return (pipelineOps.$group as PipelineFn)(coll, spec, options);
  const keyed = {
    ...spec,
    _id: { [GROUP_KEY]: { expr: spec._id, seen: new Map<string, unknown>(), collated: [] } },
  };
  return (pipelineOps.$group as PipelineFn)(coll, keyed, options);
};

interface MappableIterator extends LazyIterator {
  map(f: (item: Obj) => unknown): MappableIterator;
}

/**
 * mingo's `$project` with mongod's field order: `_id`, then the included fields in the input
 * document's order, then the computed fields in the order the stage names them (mingo sorts the
 * included and computed names alphabetically).
 */
const $project: PipelineFn = (coll, expr, options) => {
  const spec = expr as Obj;
  const included = new Set<string>();
  const computed: string[] = [];
  let exclusion = true;
  for (const [k, v] of Object.entries(spec)) {
    if (k === "_id") continue;
    if (v === 0 || v === false) continue;
    exclusion = false;
    if (v === 1 || v === true || (typeof v === "number" && v !== 0) || isInclusionTree(v)) included.add(k);
    else computed.push(k);
  }
  const project = pipelineOps.$project as PipelineFn;
  if (exclusion) return project(coll, expr, options);
  const inputs: Obj[] = [];
  const tapped = (coll as MappableIterator).map((d) => {
    inputs.push(d);
    return d;
  });
  return (project(tapped, expr, options) as MappableIterator).map((out) => {
    const input = inputs.shift() ?? {};
    const ordered: Obj = {};
    if ("_id" in out) ordered._id = out._id;
    for (const k of Object.keys(input)) if (included.has(k) && k in out) ordered[k] = out[k];
    for (const k of computed) if (k in out) ordered[k] = out[k];
    for (const k of Object.keys(out)) if (!(k in ordered)) ordered[k] = out[k];
    return ordered;
  });
};

function isInclusionTree(v: unknown): boolean {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const entries = Object.entries(v as Obj);
  return (
    entries.length > 0 &&
    entries.every(([k, x]) => !k.startsWith("$") && (x === 1 || x === true || isInclusionTree(x)))
  );
}

export const BSON_PIPELINE = { $sort, $group, $project };
