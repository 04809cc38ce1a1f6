import { mongoError } from "../errors";
import { compileFilter } from "../query/filter";
import { type Doc, isPlainObject } from "../query/paths";
import { plan } from "../query/planner";
import { parseSort } from "../query/sort";
import type { CommandHandler } from "./context";
import { checkFields, collectionName } from "./validate";

/**
 * `explain` of a find: the plan the server would run (`queryPlanner` only; execution stats are
 * not collected). IXSCAN names the chosen index, COLLSCAN a full scan.
 */
export const explain: CommandHandler = (cmd, ctx) => {
  checkFields("explain", cmd, ["explain", "verbosity"]);
  const inner = cmd.explain;
  if (!isPlainObject(inner) || Object.keys(inner)[0] !== "find") {
    throw mongoError("NotImplemented", "explain is only supported for find by this server");
  }
  const name = collectionName("find", inner);
  const filter = (inner.filter as Doc | undefined) ?? {};
  compileFilter(filter);
  const sort = parseSort(inner.sort);
  const coll = ctx.engine.catalog.collection(ctx.db, name);
  const p = coll ? plan(coll, filter, sort) : undefined;
  let stage: Doc = p?.index
    ? {
        stage: "FETCH",
        inputStage: {
          stage: "IXSCAN",
          keyPattern: coll!.findIndex(p.index)!.spec.key,
          indexName: p.index,
          direction: p.reverse ? "backward" : "forward",
        },
      }
    : { stage: "COLLSCAN", filter, direction: "forward" };
  if (sort && !p?.sorted) stage = { stage: "SORT", sortPattern: inner.sort, inputStage: stage };
  if (typeof inner.limit === "number" && inner.limit !== 0) {
    stage = { stage: "LIMIT", limitAmount: Math.abs(inner.limit), inputStage: stage };
  }
  return {
    queryPlanner: {
      namespace: `${ctx.db}.${name}`,
      parsedQuery: filter,
      winningPlan: stage,
      rejectedPlans: [],
    },
    command: inner,
    serverInfo: { host: "127.0.0.1", port: 0, version: "7.0.0" },
    ok: 1,
  };
};
