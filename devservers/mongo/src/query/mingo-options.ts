import { ProcessingMode } from "mingo";
import { Aggregator } from "mingo/aggregator";
import { Context } from "mingo/core";
import { type Iterator, Lazy } from "mingo/lazy";
import * as accumulatorOps from "mingo/operators/accumulator";
import * as expressionOps from "mingo/operators/expression";
import * as pipelineOps from "mingo/operators/pipeline";
import * as projectionOps from "mingo/operators/projection";
import * as queryOps from "mingo/operators/query";
import * as windowOps from "mingo/operators/window";
import { Query } from "mingo/query";
import type { Options } from "mingo/types";
import { BSON_ACCUMULATORS, BSON_EXPRESSIONS, BSON_PIPELINE } from "./bson-aggregate-ops";
import { BSON_QUERY_OPS } from "./bson-query-ops";
import { exactTwin, linkRoot } from "./number-types";

/** mingo mutates inputs in its default mode ($unwind…); stored documents must never change. */
export const MINGO_OPTIONS = {
  processingMode: ProcessingMode.CLONE_INPUT,
  scriptEnabled: false,
  useStrictMode: true,
} as const;

/**
 * mingo's operators with the BSON-aware ones in place of theirs (numbers of every BSON type
 * compared by value, `$type` on stored types, decimals in arithmetic and accumulators). mingo's
 * default `Query`/`Aggregator` merge a custom context *under* their built-ins, so these run on
 * the base classes with this complete context instead.
 */
const BSON_CONTEXT = Context.init({
  accumulator: { ...accumulatorOps, ...BSON_ACCUMULATORS },
  expression: { ...expressionOps, ...BSON_EXPRESSIONS },
  pipeline: { ...pipelineOps, ...BSON_PIPELINE },
  projection: { ...projectionOps },
  query: { ...queryOps, ...BSON_QUERY_OPS },
  window: { ...windowOps },
} as Parameters<typeof Context.init>[0]);

export const BSON_OPTIONS: Partial<Options> = { ...MINGO_OPTIONS, context: BSON_CONTEXT };

type PipelineFn = (coll: Iterator, expr: unknown, options: Options) => Iterator;

/**
 * Stages that pass each document on with its top level copied: the copies are linked to the
 * exact form of their input, so a later `$match` on `$type: "long"` still sees stored types.
 * One document at a time, so only used when a pipeline asks for such types.
 */
function keepingExactTypes(stage: PipelineFn): PipelineFn {
  return (coll, expr, options) =>
    coll.transform((docs) =>
      Lazy(
        (docs as object[]).flatMap((doc) => {
          const exact = exactTwin(doc);
          const out = stage(Lazy([doc]), expr, options).collect() as object[];
          if (exact) for (const o of out) if (o !== doc && !exactTwin(o)) linkRoot(o, exact);
          return out;
        }),
      ),
    );
}

const ROOT_PRESERVING: Record<string, unknown> = {
  $addFields: pipelineOps.$addFields,
  $set: pipelineOps.$set,
  $project: BSON_PIPELINE.$project,
  $unset: pipelineOps.$unset,
  $unwind: pipelineOps.$unwind,
};

const EXACT_TYPES_CONTEXT = Context.init({
  accumulator: { ...accumulatorOps, ...BSON_ACCUMULATORS },
  expression: { ...expressionOps, ...BSON_EXPRESSIONS },
  pipeline: {
    ...pipelineOps,
    ...BSON_PIPELINE,
    ...Object.fromEntries(
      Object.entries(ROOT_PRESERVING).map(([name, op]) => [name, keepingExactTypes(op as PipelineFn)]),
    ),
  },
  projection: { ...projectionOps },
  query: { ...queryOps, ...BSON_QUERY_OPS },
  window: { ...windowOps },
} as Parameters<typeof Context.init>[0]);

/** `extra`: a command's `let` variables and collation (see `mingoExtras`). */
export function bsonQuery(criteria: Record<string, unknown>, extra?: Partial<Options>): Query {
  return new Query(criteria, extra ? { ...BSON_OPTIONS, ...extra } : BSON_OPTIONS);
}

/**
 * An aggregation with the BSON-aware operators. `exactTypes`: the input documents are linked to
 * their exact form (see `linkTwins`) and stages keep that link for a later `$type` match.
 */
export function bsonAggregator(
  stages: Record<string, unknown>[],
  extra: Partial<Options> = {},
  exactTypes = false,
): Aggregator {
  return new Aggregator(stages, {
    ...BSON_OPTIONS,
    ...(exactTypes ? { context: EXACT_TYPES_CONTEXT, processingMode: ProcessingMode.CLONE_OFF } : {}),
    ...extra,
  });
}
