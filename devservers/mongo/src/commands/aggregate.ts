import { Int32, Long } from "bson";
import { evalExpr } from "mingo/core";
import { mongoError, toServerError } from "../errors";
import { needsExactTypes } from "../query/bson-type";
import { cloneDoc } from "../query/clone";
import { runQuery } from "../query/execute";
import { BSON_OPTIONS, bsonAggregator } from "../query/mingo-options";
import { exactStored, linkTwins } from "../query/number-types";
import { mingoExtras, type QueryContext, queryContext } from "../query/op-context";
import { type Doc, isPlainObject } from "../query/paths";
import { idFirst } from "../query/projection";
import { parseSort, type SortSpec } from "../query/sort";
import { runTypedStages, typedPrefixLength } from "../query/typed-pipeline";
import { runMerge, runOut } from "./aggregate-output";
import type { CommandContext, CommandHandler } from "./context";
import { checkPipeline, expandCount } from "./pipeline-check";
import { indexHint } from "./read";
import { collStatsPipeline } from "./stats";
import { checkFields, checkHint, optional } from "./validate";

const STAGES = new Set([
  "$match",
  "$project",
  "$addFields",
  "$set",
  "$unset",
  "$group",
  "$sort",
  "$limit",
  "$skip",
  "$unwind",
  "$lookup",
  "$count",
  "$facet",
  "$sortByCount",
  "$replaceRoot",
  "$replaceWith",
  "$bucket",
  "$sample",
  "$collStats",
]);

/** Stages that produce the documents themselves and must come first. */
const SOURCES = new Set(["$collStats", "$documents", "$listLocalSessions"]);
/** Sources of a database-level aggregate (`{aggregate: 1}`). */
const COLLECTIONLESS = new Set(["$documents", "$listLocalSessions"]);

export const aggregate: CommandHandler = (cmd, ctx) => {
  checkFields("aggregate", cmd, [
    "aggregate",
    "pipeline",
    "cursor",
    "explain",
    "allowDiskUse",
    "bypassDocumentValidation",
    "collation",
    "hint",
    "let",
  ]);
  const pipeline = optional<unknown[]>("aggregate", cmd, "pipeline", "array");
  if (!pipeline)
    throw mongoError("Location40414", "BSON field 'aggregate.pipeline' is missing but a required field");
  if (cmd.explain) throw mongoError("NotImplemented", "explain is not supported by this server");
  const cursor = optional<Doc>("aggregate", cmd, "cursor", "object");
  if (!cursor) {
    throw mongoError(
      "FailedToParse",
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  }
  const collectionless = cmd.aggregate === 1;
  if (!collectionless && typeof cmd.aggregate !== "string") {
    throw mongoError(
      "FailedToParse",
      "Invalid command format: the 'aggregate' field must specify a collection name or 1",
    );
  }
  const stages = pipeline.map((s, i) => {
    if (!isPlainObject(s) || Object.keys(s).length !== 1) {
      throw mongoError(
        "Location40323",
        "A pipeline stage specification object must contain exactly one field.",
      );
    }
    const name = Object.keys(s)[0]!;
    if (name === "$out" || name === "$merge") {
      if (i !== pipeline.length - 1) {
        throw mongoError("Location40601", `${name} can only be the final stage in the pipeline`);
      }
    } else if (!STAGES.has(name) && !SOURCES.has(name)) {
      // A standalone mongod's answer, which applications test for to fall back to polling.
      if (name === "$changeStream") {
        throw mongoError("Location40573", "The $changeStream stage is only supported on replica sets");
      }
      throw mongoError("Location40324", `Unrecognized pipeline stage name: '${name}'`);
    }
    if (SOURCES.has(name) && i > 0) {
      throw mongoError("Location40602", `${name} is only valid as the first stage in a pipeline`);
    }
    return s as Doc;
  });
  const first = Object.keys(stages[0] ?? {})[0] ?? "";
  if (collectionless && !COLLECTIONLESS.has(first)) {
    throw mongoError(
      "InvalidNamespace",
      `{aggregate: 1} is not valid for '${first}'; a collection is required.`,
    );
  }
  if (!collectionless && first === "$listLocalSessions") {
    throw mongoError(
      "InvalidNamespace",
      "$listLocalSessions must be run against the database with {aggregate: 1}, not a collection",
    );
  }
  if (!collectionless && first === "$documents") {
    throw mongoError("InvalidNamespace", "$documents' can only be run with {aggregate: 1}");
  }
  const last = stages[stages.length - 1];
  const writer = last && ("$out" in last || "$merge" in last) ? last : undefined;
  const body = writer ? stages.slice(0, -1) : stages;
  checkPipeline(body);
  const qctx = queryContext("aggregate", cmd);
  const name = collectionless ? "$cmd.aggregate" : (cmd.aggregate as string);
  const docs =
    first === "$collStats"
      ? collStatsPipeline(ctx, name, stages[0]!.$collStats, body.slice(1))
      : run(cmd, ctx, body, qctx);
  if (writer) {
    if ("$out" in writer) runOut(ctx, writer.$out, docs);
    else runMerge(ctx, writer.$merge, docs, qctx);
    return { cursor: { firstBatch: [], id: Long.ZERO, ns: `${ctx.db}.${name}` }, ok: 1 };
  }
  const batchSize = optional<number>("aggregate", cursor, "batchSize", "number");
  return ctx.cursors.firstBatch(`${ctx.db}.${name}`, docs, batchSize);
};

/** The documents of a pipeline without its final `$out`/`$merge`. */
function run(cmd: Doc, ctx: CommandContext, stages: Doc[], qctx: QueryContext | undefined): Doc[] {
  let docs: Doc[];
  let at = 0;
  const source = Object.keys(stages[0] ?? {})[0];
  if (source === "$documents") {
    docs = documentsStage(stages[0]!.$documents, qctx);
    at = 1;
  } else if (source === "$listLocalSessions") {
    docs = ctx.sessions?.list(stages[0]!.$listLocalSessions) ?? [];
    at = 1;
  } else {
    const coll = ctx.engine.catalog.collection(ctx.db, cmd.aggregate as string);
    if (coll && cmd.hint !== undefined) checkHint(coll, cmd.hint);
    // Leading $match/$sort/$skip/$limit run through the query planner so indexes serve them.
    let filter: Doc | undefined;
    let sort: SortSpec | undefined;
    let limit = 0;
    const stageOf = (i: number) => stages[i];
    if (stageOf(at)?.$match !== undefined && isPlainObject(stageOf(at)!.$match)) {
      filter = stageOf(at)!.$match as Doc;
      at++;
    }
    if (stageOf(at)?.$sort !== undefined) {
      sort = parseSort(stageOf(at)!.$sort);
      at++;
    }
    let skip = 0;
    if (isCount(stageOf(at)?.$skip, 0)) {
      skip = stageOf(at)!.$skip as number;
      at++;
    }
    if (isCount(stageOf(at)?.$limit, 1)) {
      limit = stageOf(at)!.$limit as number;
      at++;
    }
    // countDocuments' `$group: {_id: 1, n: {$sum: 1}}` (and `$count`) only needs how many match.
    const counting = countingStage(stages.slice(at));
    docs = runQuery(coll, {
      filter,
      sort,
      skip,
      limit,
      hint: indexHint(cmd.hint),
      ctx: qctx,
      raw: counting !== undefined,
    });
    if (counting) return counting(docs.length);
  }
  const rest = expandCount(stages.slice(at));
  // (Typed `$group` keys by exact value, so collated groupings go through mingo alone.)
  if (rest.length && typedPrefixLength(rest) === rest.length && !qctx?.collation) {
    // Every stage maps a document to one document: the output keeps mongod's number types.
    try {
      docs = runTypedStages(
        docs.map((d) => exactStored(d) ?? d),
        rest,
        qctx,
      );
    } catch (err) {
      throw toServerError(err);
    }
    if (rest.some((s) => "$project" in s)) docs = docs.map(idFirst);
  } else if (rest.length) {
    // A later `$match` on `$type: "int"`… needs the stored number types: the documents are copied
    // here (instead of by mingo, whose copies would lose the link) and linked to their exact form.
    const exactTypes = needsExactTypes(rest);
    if (exactTypes) {
      docs = docs.map((d) => {
        const copy = cloneDoc(d);
        const exact = exactStored(d);
        if (exact) linkTwins(copy, exact);
        return copy;
      });
    }
    try {
      docs = bsonAggregator(
        rest,
        {
          ...mingoExtras(qctx),
          collectionResolver: (name: string) => [
            ...(ctx.engine.catalog.collection(ctx.db, name)?.docs.values() ?? []),
          ],
        },
        exactTypes,
      ).run(docs) as Doc[];
    } catch (err) {
      throw toServerError(err);
    }
    if (rest.some((s) => "$project" in s)) docs = docs.map(idFirst);
  }
  return docs;
}

function isCount(v: unknown, min: number): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= min;
}

/**
 * The rest of a pipeline that only counts its input — one `{$count: f}`, or one `$group` with a
 * constant `_id` and a single `{$sum: 1}` — as a function of the count, answering mongod's
 * documents (an int32 count, an int64 past it; no document for nothing counted).
 */
function countingStage(rest: Doc[]): ((n: number) => Doc[]) | undefined {
  if (rest.length !== 1) return undefined;
  const stage = rest[0]!;
  const typed = (n: number) => (n <= 0x7fffffff ? new Int32(n) : Long.fromNumber(n));
  if (typeof stage.$count === "string") {
    const field = stage.$count;
    return (n) => (n === 0 ? [] : [{ [field]: typed(n) }]);
  }
  const group = stage.$group;
  if (!isPlainObject(group)) return undefined;
  const fields = Object.keys(group);
  if (fields.length !== 2 || fields[0] !== "_id") return undefined;
  const id = group._id;
  const constant =
    id === null ||
    typeof id === "boolean" ||
    typeof id === "number" ||
    (typeof id === "string" && !id.startsWith("$"));
  const acc = group[fields[1]!];
  if (!constant || !isPlainObject(acc) || Object.keys(acc).length !== 1 || acc.$sum !== 1) return undefined;
  const field = fields[1]!;
  return (n) => (n === 0 ? [] : [{ _id: id, [field]: typed(n) }]);
}

/** `{$documents: <array expression>}`: the documents themselves (constants or `let` variables). */
function documentsStage(spec: unknown, qctx: QueryContext | undefined): Doc[] {
  let value: unknown;
  try {
    value = evalExpr({}, spec, { ...BSON_OPTIONS, ...mingoExtras(qctx) } as never);
  } catch (err) {
    throw toServerError(err);
  }
  const values = Array.isArray(value) ? value : [value];
  return values.map((v) => {
    if (!isPlainObject(v)) {
      throw mongoError(
        "Location40228",
        `'newRoot' expression  must evaluate to an object, but resulting value was: ${JSON.stringify(v)}. Type of resulting value: '${Array.isArray(v) ? "array" : typeof v}'.`,
      );
    }
    return v;
  });
}
