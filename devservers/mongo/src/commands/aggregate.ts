import { mongoError, toServerError } from "../errors";
import { needsExactTypes } from "../query/bson-type";
import { cloneDoc } from "../query/clone";
import { runQuery } from "../query/execute";
import { bsonAggregator } from "../query/mingo-options";
import { exactStored, linkTwins } from "../query/number-types";
import { type Doc, isPlainObject } from "../query/paths";
import { idFirst } from "../query/projection";
import { parseSort, type SortSpec } from "../query/sort";
import { runTypedStages, typedPrefixLength } from "../query/typed-pipeline";
import type { CommandHandler } from "./context";
import { checkPipeline, expandCount } from "./pipeline-check";
import { collStatsPipeline } from "./stats";
import { checkFields, optional } from "./validate";

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
  if (typeof cmd.aggregate !== "string") {
    throw mongoError("InvalidNamespace", "{aggregate: 1} is not supported by this server");
  }
  const stages = pipeline.map((s, i) => {
    if (!isPlainObject(s) || Object.keys(s).length !== 1) {
      throw mongoError(
        "Location40323",
        "A pipeline stage specification object must contain exactly one field.",
      );
    }
    const name = Object.keys(s)[0]!;
    if (!STAGES.has(name)) {
      if (name === "$out" || name === "$merge") {
        throw mongoError("NotImplemented", `${name} is not supported by this server`);
      }
      // A standalone mongod's answer, which applications test for to fall back to polling.
      if (name === "$changeStream") {
        throw mongoError("Location40573", "The $changeStream stage is only supported on replica sets");
      }
      throw mongoError("Location40324", `Unrecognized pipeline stage name: '${name}'`);
    }
    return { s, i };
  });
  checkPipeline(stages.map((x) => x.s as Doc));
  if (stages.some((x) => x.i > 0 && "$collStats" in (x.s as Doc))) {
    throw mongoError("Location40602", "$collStats is only valid as the first stage in a pipeline");
  }
  if (stages[0] && "$collStats" in (stages[0].s as Doc)) {
    const rest = stages.slice(1).map((x) => x.s as Doc);
    const docs = collStatsPipeline(ctx, cmd.aggregate, (stages[0].s as Doc).$collStats, rest);
    return ctx.cursors.firstBatch(
      `${ctx.db}.${cmd.aggregate}`,
      docs,
      optional("aggregate", cursor, "batchSize", "number"),
    );
  }
  const coll = ctx.engine.catalog.collection(ctx.db, cmd.aggregate);

  // Leading $match/$sort/$skip/$limit run through the query planner so indexes serve them.
  let filter: Doc | undefined;
  let sort: SortSpec | undefined;
  let limit = 0;
  let at = 0;
  const stageOf = (i: number) => stages[i]?.s as Doc | undefined;
  if (stageOf(at)?.$match !== undefined && isPlainObject(stageOf(at)!.$match)) {
    filter = stageOf(at)!.$match as Doc;
    at++;
  }
  if (stageOf(at)?.$sort !== undefined) {
    sort = parseSort(stageOf(at)!.$sort);
    at++;
    if (typeof stageOf(at)?.$limit === "number") {
      limit = stageOf(at)!.$limit as number;
      at++;
    }
  }
  let docs = runQuery(coll, { filter, sort, limit });
  const rest = expandCount(stages.slice(at).map((x) => x.s as Doc));
  if (rest.length && typedPrefixLength(rest) === rest.length) {
    // Every stage maps a document to one document: the output keeps mongod's number types.
    try {
      docs = runTypedStages(
        docs.map((d) => exactStored(d) ?? d),
        rest,
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
  const batchSize = optional<number>("aggregate", cursor, "batchSize", "number");
  return ctx.cursors.firstBatch(`${ctx.db}.${cmd.aggregate}`, docs, batchSize);
};
