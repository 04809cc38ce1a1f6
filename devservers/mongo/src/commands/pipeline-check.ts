import * as accumulatorOps from "mingo/operators/accumulator";
import * as expressionOps from "mingo/operators/expression";
import { mongoError } from "../errors";
import { type Doc, isPlainObject } from "../query/paths";

const EXPRESSIONS = new Set(Object.keys(expressionOps).filter((k) => k.startsWith("$")));
const ACCUMULATORS = new Set(Object.keys(accumulatorOps).filter((k) => k.startsWith("$")));

/**
 * Validates a pipeline the way mongod parses it, before any document flows: mongod rejects an
 * unknown expression or accumulator even when no document would reach it; mingo only fails
 * lazily, and with different messages.
 */
export function checkPipeline(stages: Doc[]): void {
  for (const stage of stages) {
    const [name, spec] = Object.entries(stage)[0]!;
    switch (name) {
      case "$group":
        checkGroup(spec);
        break;
      case "$project":
      case "$addFields":
      case "$set":
      case "$replaceWith":
      case "$sortByCount":
        checkExpression(spec);
        break;
      case "$replaceRoot":
        if (!isPlainObject(spec) || !("newRoot" in spec)) {
          throw mongoError("Location40231", "no newRoot specified for the $replaceRoot stage");
        }
        checkExpression(spec.newRoot);
        break;
      case "$match":
        if (isPlainObject(spec) && "$expr" in spec) checkExpression(spec.$expr);
        break;
      case "$facet":
        if (isPlainObject(spec))
          for (const sub of Object.values(spec)) {
            if (!Array.isArray(sub)) continue;
            const writer = writerIn(sub);
            if (writer) {
              throw mongoError("Location40600", `${writer} is not allowed to be used within a $facet stage`);
            }
            checkPipeline(sub as Doc[]);
          }
        break;
      case "$lookup":
        if (isPlainObject(spec) && Array.isArray(spec.pipeline)) {
          const writer = writerIn(spec.pipeline);
          if (writer)
            throw mongoError("Location51047", `${writer} is not allowed within a $lookup's sub-pipeline`);
          if ("localField" in spec || "foreignField" in spec) {
            throw mongoError(
              "NotImplemented",
              "$lookup with both localField/foreignField and a pipeline is not supported by this server",
            );
          }
          checkPipeline(spec.pipeline as Doc[]);
        }
        break;
      case "$count":
        if (typeof spec !== "string" || spec.length === 0) {
          throw mongoError("Location40156", "the count field must be a non-empty string");
        }
        if (spec.startsWith("$"))
          throw mongoError("Location40158", "the count field cannot be a $-prefixed path");
        if (spec.includes(".")) throw mongoError("Location40160", "the count field cannot contain '.'");
        break;
    }
  }
}

/** `$out` or `$merge` inside a sub-pipeline, where mongod refuses them. */
function writerIn(pipeline: unknown[]): string | undefined {
  for (const stage of pipeline) {
    if (isPlainObject(stage) && ("$out" in stage || "$merge" in stage))
      return "$out" in stage ? "$out" : "$merge";
  }
  return undefined;
}

function checkGroup(spec: unknown): void {
  if (!isPlainObject(spec))
    throw mongoError("Location15947", "a group's fields must be specified in an object");
  if (!("_id" in spec)) throw mongoError("Location15955", "a group specification must include an _id");
  checkExpression(spec._id);
  for (const [field, acc] of Object.entries(spec)) {
    if (field === "_id") continue;
    if (!isPlainObject(acc) || Object.keys(acc).length !== 1) {
      throw mongoError("Location40234", `The field '${field}' must be an accumulator object`);
    }
    const [op, arg] = Object.entries(acc)[0]!;
    if (!ACCUMULATORS.has(op)) throw mongoError("Location15952", `unknown group operator '${op}'`);
    checkExpression(arg);
  }
}

function checkExpression(expr: unknown): void {
  if (Array.isArray(expr)) {
    for (const e of expr) checkExpression(e);
    return;
  }
  if (!isPlainObject(expr)) return;
  for (const [k, v] of Object.entries(expr)) {
    if (k.startsWith("$")) {
      if (k === "$literal") continue;
      if (!EXPRESSIONS.has(k) && !ACCUMULATORS.has(k)) {
        throw mongoError("InvalidPipelineOperator", `Unrecognized expression '${k}'`);
      }
    }
    checkExpression(v);
  }
}

/** `{$count: f}` as mongod runs it: no output document at all when nothing is counted. */
export function expandCount(stages: Doc[]): Doc[] {
  return stages.flatMap((s) =>
    "$count" in s
      ? [{ $group: { _id: null, [s.$count as string]: { $sum: 1 } } }, { $project: { _id: 0 } }]
      : [s],
  );
}
