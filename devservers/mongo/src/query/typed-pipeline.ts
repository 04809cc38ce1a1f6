import { Double, Int32 } from "bson";
import type { Aggregator } from "mingo/aggregator";
import { evalExpr } from "mingo/core";
import type { Options } from "mingo/types";
import { mongoError } from "../errors";
import { compareNumbers, compareValues, encodeKey, typeRank } from "./compare";
import { compileFilter } from "./filter";
import { BSON_OPTIONS, bsonAggregator } from "./mingo-options";
import {
  aggregationArithmetic,
  asKind,
  linkTwins,
  type NumKind,
  numKind,
  promote,
  toExact,
} from "./number-types";
import { mingoExtras, type QueryContext } from "./op-context";
import { type Doc, isPlainObject } from "./paths";
import { parseSort, sortDocs } from "./sort";

/**
 * Pipeline-style updates (`[{$set: {n: {$add: ["$n", 1]}}}]`) run through mingo on JS numbers;
 * this puts the BSON number types back the way mongod's aggregation produces them: fields a stage
 * leaves alone keep their stored type, field references copy the referenced value's type, and
 * arithmetic follows mongod's promotion (int32 + int32 is an int32, or an int64 on overflow; with
 * a double it is a double…). Values of expressions it does not model are typed as the driver
 * would send them (int32 if integral and in range, else double).
 */
export function runTypedPipeline(exact: Doc, stages: Doc[], exactStages?: Doc[], ctx?: QueryContext): Doc {
  return withContext(ctx, () => typedPipeline(exact, stages, exactStages));
}

/**
 * The operation's `let` variables and collation while a typed pipeline runs (synchronously; the
 * helpers below read it instead of threading it through every call).
 */
let active: { extra: Partial<Options>; ctx: QueryContext } | undefined;

function withContext<T>(ctx: QueryContext | undefined, run: () => T): T {
  if (!ctx) return run();
  const previous = active;
  active = { extra: mingoExtras(ctx), ctx };
  try {
    return run();
  } finally {
    active = previous;
  }
}

function typedPipeline(exact: Doc, stages: Doc[], exactStages?: Doc[]): Doc {
  let current = exact;
  stages.forEach((stage, i) => {
    const input = promote(current);
    const [out] = aggregatorFor(stage).run([input]) as Doc[];
    // Typed from the stage as sent (`Double(2)`, `Long(5)` literals) when the request gave it.
    current = typeStageOutput(exactStages?.[i] ?? stage, { exact: current, promoted: input }, out ?? {});
  });
  return current;
}

const DOCUMENT_WISE = new Set([
  "$addFields",
  "$set",
  "$project",
  "$unset",
  "$replaceRoot",
  "$replaceWith",
  "$match",
]);

const isCount = (v: unknown) => typeof v === "number" && Number.isSafeInteger(v);

/** Whether `runTypedStages` runs this stage (`$skip`/`$limit` only with values mingo accepts as such). */
function typedStage(stage: Doc): boolean {
  const name = Object.keys(stage)[0] ?? "";
  if (name === "$skip") return isCount(stage.$skip) && (stage.$skip as number) >= 0;
  if (name === "$limit") return isCount(stage.$limit) && (stage.$limit as number) > 0;
  return DOCUMENT_WISE.has(name) || name === "$group" || name === "$sort";
}

/** How many leading stages of an aggregation `runTypedStages` can run. */
export function typedPrefixLength(stages: Doc[]): number {
  const n = stages.findIndex((s) => !typedStage(s));
  return n < 0 ? stages.length : n;
}

/**
 * Aggregation stages that map each document to one document (or drop it: `$match`), run through
 * mingo once over all documents and typed like mongod's output: untouched fields keep their stored
 * types, arithmetic follows mongod's promotion, `{$type: "$f"}` names the stored type.
 */
export function runTypedStages(exacts: Doc[], stages: Doc[], ctx?: QueryContext): Doc[] {
  return withContext(ctx, () => typedStages(exacts, stages));
}

function typedStages(exacts: Doc[], stages: Doc[]): Doc[] {
  let current = exacts;
  for (const stage of stages) {
    if ("$skip" in stage) {
      current = current.slice(stage.$skip as number);
      continue;
    }
    if ("$limit" in stage) {
      current = current.slice(0, stage.$limit as number);
      continue;
    }
    if ("$sort" in stage) {
      const spec = parseSort(stage.$sort);
      if (!spec) throw mongoError("Location15976", "$sort stage must have at least one sort key");
      current = sortDocs(current, spec, active?.ctx.collation?.compare);
      continue;
    }
    if ("$group" in stage) {
      current = typedGroup(current, stage);
      continue;
    }
    if ("$match" in stage) {
      const matcher = compileFilter(stage.$match, active?.ctx);
      current = current.filter((exact) => {
        const promoted = promote(exact);
        linkTwins(promoted, exact);
        return matcher.test(promoted);
      });
      continue;
    }
    const inputs = current.map((exact) => promote(exact));
    const outs = aggregatorFor(stage).run(inputs) as Doc[];
    const before = current;
    current = outs.map((out, i) => typeStageOutput(stage, { exact: before[i]!, promoted: inputs[i]! }, out));
  }
  return current;
}

/**
 * `$group` through mingo, its output typed like mongod's: `_id` is the first member's value as
 * stored, `$sum` adds with aggregation arithmetic (int32 widening to int64, then double), `$avg`
 * is a double unless a decimal is involved, `$min`/`$max`/`$first`/`$last`/`$push`/`$addToSet`
 * give the members' values with their stored types.
 */
function typedGroup(exacts: Doc[], stage: Doc): Doc[] {
  const spec = stage.$group as Doc;
  const inputs = exacts.map((exact) => promote(exact));
  const outs = aggregatorFor(stage).run(inputs) as Doc[];
  const members = new Map<string, Input[]>();
  inputs.forEach((promoted, i) => {
    const key = encodeKey(evalExpr(promoted, spec._id, currentOptions() as never) ?? null);
    const list = members.get(key);
    const member = { exact: exacts[i]!, promoted };
    if (list) list.push(member);
    else members.set(key, [member]);
  });
  return outs.map((out) => {
    const group = members.get(encodeKey(out._id ?? null)) ?? [];
    const typed: Doc = {};
    for (const [field, acc] of Object.entries(spec)) {
      const v =
        field === "_id"
          ? group[0]
            ? typedValue(spec._id, group[0])
            : UNTYPED
          : typedAccumulator(acc, group, out[field]);
      if (v !== UNTYPED) typed[field] = v;
    }
    return retype(out, typed, undefined, { exact: typed, promoted: out }) as Doc;
  });
}

/** The members' typed values of an accumulator's operand (missing ones left out), or UNTYPED. */
function memberValues(expr: unknown, group: Input[]): unknown[] | typeof UNTYPED {
  const values: unknown[] = [];
  for (const m of group) {
    const v = typedValue(expr, m);
    if (v !== UNTYPED) values.push(v);
    else if (evaluate(expr, m) !== undefined) return UNTYPED;
  }
  return values;
}

function typedAccumulator(acc: unknown, group: Input[], out: unknown): unknown {
  if (!isPlainObject(acc)) return UNTYPED;
  const [op, expr] = Object.entries(acc)[0] ?? [];
  if (op === "$first" || op === "$last") {
    const m = op === "$first" ? group[0] : group[group.length - 1];
    if (!m) return UNTYPED;
    const v = typedValue(expr, m);
    return v === UNTYPED && evaluate(expr, m) === undefined ? null : v;
  }
  const values = memberValues(expr, group);
  if (values === UNTYPED) return UNTYPED;
  switch (op) {
    case "$sum":
      return aggregationArithmetic("add", [new Int32(0), ...values.filter((v) => numKind(v) !== undefined)]);
    case "$avg":
      if (typeRank(out) !== 3 || values.some((v) => numKind(v) === "decimal")) return UNTYPED;
      return new Double(Number(out));
    case "$min":
    case "$max": {
      let best: unknown = null;
      for (const v of values) {
        if (v === null) continue;
        if (best === null || compareValues(v, best) * (op === "$max" ? 1 : -1) > 0) best = v;
      }
      return best;
    }
    case "$push":
      return values;
    case "$addToSet": {
      if (!Array.isArray(out)) return UNTYPED;
      const firstOf = new Map<string, unknown>();
      for (const v of values) if (!firstOf.has(encodeKey(v))) firstOf.set(encodeKey(v), v);
      return out.map((v) => firstOf.get(encodeKey(v)) ?? v);
    }
    default:
      return UNTYPED;
  }
}

const aggregators = new WeakMap<Doc, Aggregator>();

function currentOptions(): Partial<Options> {
  return active ? { ...BSON_OPTIONS, ...active.extra } : BSON_OPTIONS;
}

function aggregatorFor(stage: Doc): Aggregator {
  if (active) return bsonAggregator([stage], active.extra);
  let a = aggregators.get(stage);
  if (!a) {
    a = bsonAggregator([stage]);
    aggregators.set(stage, a);
  }
  return a;
}

interface Input {
  exact: Doc;
  promoted: Doc;
}

/** What a stage assigns: an expression per field, nested where the stage nests plain objects. */
type Tree = { expr: unknown } | { fields: Map<string, Tree> };

const UNTYPED = Symbol("untyped");

function typeStageOutput(stage: Doc, input: Input, out: Doc): Doc {
  const [name, spec] = Object.entries(stage)[0]!;
  switch (name) {
    case "$set":
    case "$addFields":
      return retype(out, input.exact, assignments(spec as Doc, false), input) as Doc;
    case "$project":
      return retype(out, input.exact, assignments(spec as Doc, true), input) as Doc;
    case "$replaceRoot":
      return fromExpression((spec as Doc).newRoot, out, input) as Doc;
    case "$replaceWith":
      return fromExpression(spec, out, input) as Doc;
    default:
      return retype(out, input.exact, undefined, input) as Doc;
  }
}

function isExpressionObject(v: Doc): boolean {
  const keys = Object.keys(v);
  return keys.length === 0 || keys.some((k) => k.startsWith("$"));
}

function assignments(spec: Doc, projection: boolean): Tree {
  const fields = new Map<string, Tree>();
  for (const [path, v] of Object.entries(spec)) {
    // Inclusion / exclusion flags of a $project leave values untouched.
    if (projection && (numKind(v) !== undefined || typeof v === "boolean")) continue;
    const parts = path.split(".");
    let node = fields;
    for (const p of parts.slice(0, -1)) {
      let next = node.get(p);
      if (!next || !("fields" in next)) {
        next = { fields: new Map() };
        node.set(p, next);
      }
      node = next.fields;
    }
    const leaf = parts[parts.length - 1]!;
    node.set(leaf, isPlainObject(v) && !isExpressionObject(v) ? assignments(v, projection) : { expr: v });
  }
  return { fields };
}

/** `out` (mingo's result) with exact numbers: from `exact` where untouched, from `tree` where assigned. */
function retype(out: unknown, exact: unknown, tree: Tree | undefined, input: Input): unknown {
  if (tree && "expr" in tree) return fromExpression(tree.expr, out, input);
  const fields = tree?.fields;
  if (Array.isArray(out)) {
    const ex = Array.isArray(exact) ? exact : undefined;
    return out.map((v, i) => retype(v, ex?.[i], tree, input));
  }
  if (isPlainObject(out)) {
    const ex = isPlainObject(exact) ? exact : undefined;
    const result: Doc = {};
    for (const k of Object.keys(out)) result[k] = retype(out[k], ex?.[k], fields?.get(k), input);
    return result;
  }
  if (typeRank(out) !== 3) return out;
  if (exact !== undefined && typeRank(exact) === 3 && compareNumbers(out, exact) === 0) return exact;
  return toExact(out);
}

function fromExpression(expr: unknown, out: unknown, input: Input): unknown {
  const typed = typedValue(expr, input);
  if (typeof typed === "string") return typed;
  return retype(out, typed === UNTYPED ? undefined : typed, undefined, input);
}

const CONVERSIONS: Record<string, NumKind> = {
  $toInt: "int",
  $toLong: "long",
  $toDouble: "double",
  $toDecimal: "decimal",
};

const TYPE_NAMES: Record<string, string> = { int: "int", long: "long", double: "double", decimal: "decimal" };

/** mingo's value of an expression, for conditions and conversions (typed separately). */
function evaluate(expr: unknown, input: Input): unknown {
  return evalExpr(input.promoted, promote(expr), currentOptions() as never);
}

function truthy(v: unknown): boolean {
  return !(v === false || v === null || v === undefined || (typeRank(v) === 3 && compareNumbers(v, 0) === 0));
}

/** The exact value an expression produces, or UNTYPED where mingo's value is all there is. */
function typedValue(expr: unknown, input: Input): unknown {
  if (typeof expr === "number") return toExact(expr);
  if (typeof expr === "string") return expr.startsWith("$") ? reference(expr, input) : UNTYPED;
  if (Array.isArray(expr)) {
    const items = expr.map((e) => typedValue(e, input));
    return items.includes(UNTYPED) ? UNTYPED : items;
  }
  if (!isPlainObject(expr)) return typeRank(expr) === 3 ? expr : UNTYPED;
  const keys = Object.keys(expr);
  if (keys.length !== 1 || !keys[0]!.startsWith("$")) {
    const obj: Doc = {};
    for (const k of keys) {
      const v = typedValue(expr[k], input);
      if (v === UNTYPED) return UNTYPED;
      obj[k] = v;
    }
    return obj;
  }
  const op = keys[0]!;
  const arg = expr[op];
  switch (op) {
    case "$literal":
      return toExact(arg);
    case "$add":
    case "$subtract":
    case "$multiply":
    case "$divide": {
      const args = (Array.isArray(arg) ? arg : [arg]).map((a) => typedValue(a, input));
      if (args.length === 0 || args.some((a) => a === UNTYPED || numKind(a) === undefined)) return UNTYPED;
      return aggregationArithmetic(op.slice(1) as "add", args);
    }
    case "$sum": {
      let args = (Array.isArray(arg) ? arg : [arg]).map((a) => typedValue(a, input));
      if (args.includes(UNTYPED)) return UNTYPED;
      // A single operand that is an array sums its elements.
      if (args.length === 1 && Array.isArray(args[0])) args = args[0];
      return aggregationArithmetic("add", [0, ...args.filter((a) => numKind(a) !== undefined)]);
    }
    case "$min":
    case "$max": {
      const args = (Array.isArray(arg) ? arg : [arg]).map((a) => typedValue(a, input));
      if (args.includes(UNTYPED)) return UNTYPED;
      let best: unknown = null;
      for (const a of args) {
        if (a === null || a === undefined) continue;
        if (best === null || compareValues(a, best) * (op === "$max" ? 1 : -1) > 0) best = a;
      }
      return best;
    }
    case "$toInt":
    case "$toLong":
    case "$toDouble":
    case "$toDecimal": {
      const v = evaluate(expr, input);
      return typeRank(v) === 3 ? asKind(CONVERSIONS[op]!, v) : UNTYPED;
    }
    case "$type": {
      // mingo only sees JS numbers; the stored type decides. Anything but a number: mingo's answer.
      const v = typedValue(Array.isArray(arg) && arg.length === 1 ? arg[0] : arg, input);
      return v === UNTYPED ? UNTYPED : (TYPE_NAMES[numKind(v) ?? ""] ?? UNTYPED);
    }
    case "$cond": {
      const [c, t, e] = Array.isArray(arg) ? arg : [(arg as Doc)?.if, (arg as Doc)?.then, (arg as Doc)?.else];
      return typedValue(truthy(evaluate(c, input)) ? t : e, input);
    }
    case "$ifNull": {
      const list = Array.isArray(arg) ? arg : [arg];
      for (const candidate of list.slice(0, -1)) {
        const v = evaluate(candidate, input);
        if (v !== null && v !== undefined) return typedValue(candidate, input);
      }
      return typedValue(list[list.length - 1], input);
    }
    default:
      return UNTYPED;
  }
}

/** `$field.path`, `$$ROOT`, `$$CURRENT…`: the exact value, when the path crosses no array. */
function reference(expr: string, input: Input): unknown {
  let path: string;
  if (expr.startsWith("$$")) {
    const m = /^\$\$(ROOT|CURRENT)(?:\.(.*))?$/.exec(expr);
    if (!m) return UNTYPED;
    if (m[2] === undefined) return input.exact;
    path = m[2];
  } else path = expr.slice(1);
  let v: unknown = input.exact;
  for (const part of path.split(".")) {
    if (!isPlainObject(v)) return UNTYPED;
    v = v[part];
  }
  return v === undefined ? UNTYPED : v;
}
