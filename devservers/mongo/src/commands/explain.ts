import { mongoError } from "../errors";
import { renderOil } from "../query/bounds";
import { runQuery } from "../query/execute";
import { compileFilter } from "../query/filter";
import { queryExecutorMetrics } from "../query/metrics";
import { queryContext } from "../query/op-context";
import { type Doc, isPlainObject } from "../query/paths";
import type { PlanNode } from "../query/plan-exec";
import { type Candidate, plan } from "../query/planner";
import { residualFilter } from "../query/predicates";
import { parseSort, type SortSpec } from "../query/sort";
import type { CommandHandler } from "./context";
import { checkFields, checkHint, collectionName } from "./validate";

const VERBOSITIES = ["queryPlanner", "executionStats", "allPlansExecution"];

/**
 * `explain` of a find, shaped like mongod 7.0's classic planner output: the winning plan (IDHACK,
 * COLLSCAN, FETCH over IXSCAN / SORT_MERGE / OR, SORT where the index does not give the order,
 * SKIP, LIMIT, PROJECTION_*) with index bounds and multikey paths, the rejected candidates, and
 * with `executionStats` the counts of a real run.
 */
export const explain: CommandHandler = (cmd, ctx) => {
  checkFields("explain", cmd, ["explain", "verbosity"]);
  const verbosity = cmd.verbosity ?? "allPlansExecution";
  if (typeof verbosity !== "string" || !VERBOSITIES.includes(verbosity)) {
    throw mongoError(
      "BadValue",
      `verbosity string must be one of {'queryPlanner', 'executionStats', 'allPlansExecution'}`,
    );
  }
  const inner = cmd.explain;
  if (!isPlainObject(inner) || Object.keys(inner)[0] !== "find") {
    throw mongoError("NotImplemented", "explain is only supported for find by this server");
  }
  const name = collectionName("find", inner);
  const filter = (inner.filter as Doc | undefined) ?? {};
  compileFilter(filter, queryContext("FindCommandRequest", inner));
  const sort = parseSort(inner.sort);
  const coll = ctx.engine.catalog.collection(ctx.db, name);
  const rawHint = inner.hint;
  if (coll && rawHint !== undefined) checkHint(coll, rawHint);
  const natural = isPlainObject(rawHint) && "$natural" in rawHint;
  const hint = natural || (isPlainObject(rawHint) && Object.keys(rawHint).length === 0) ? undefined : rawHint;
  const qctx = queryContext("FindCommandRequest", inner);
  const collated = qctx?.collation !== undefined;
  const limit = typeof inner.limit === "number" ? Math.abs(inner.limit) : 0;
  const skip = typeof inner.skip === "number" ? inner.skip : 0;
  const p =
    coll && !natural
      ? plan(coll, filter, sort, { hint, limit: limit ? skip + limit : undefined, collated })
      : undefined;
  const shape = { sort, limit, skip, projection: inner.projection as Doc | undefined };
  const winner: Candidate = p?.winner ?? { access: { stage: "COLLSCAN" }, blocking: sort !== undefined };
  const residual = (c: Candidate) =>
    c.access.stage === "COLLSCAN"
      ? Object.keys(filter).length
        ? filter
        : undefined
      : c.access.stage === "IDHACK" || !p
        ? undefined
        : residualFilter(p.analysis, new Set(c.used ?? []));
  const reply: Doc = {
    explainVersion: "1",
    queryPlanner: {
      namespace: `${ctx.db}.${name}`,
      indexFilterSet: false,
      parsedQuery: filter,
      maxIndexedOrSolutionsReached: false,
      maxIndexedAndSolutionsReached: false,
      maxScansToExplodeReached: false,
      winningPlan: subplanned(
        filter,
        rawHint !== undefined,
        renderPlan(winner, residual(winner), shape, natural ? naturalDirection(rawHint) : "forward"),
      ),
      rejectedPlans: (p?.rejected ?? []).map((c) => renderPlan(c, residual(c), shape, "forward")),
    },
  };
  if (verbosity !== "queryPlanner") {
    const keys = queryExecutorMetrics.scanned;
    const docs = queryExecutorMetrics.scannedObjects;
    const started = Date.now();
    const n = runQuery(coll, {
      filter,
      sort: natural ? parseSort({ $natural: (rawHint as Doc).$natural }) : sort,
      skip,
      limit,
      hint,
      raw: true,
      ctx: qctx,
    }).length;
    reply.executionStats = {
      executionSuccess: true,
      nReturned: n,
      executionTimeMillis: Date.now() - started,
      totalKeysExamined: queryExecutorMetrics.scanned - keys,
      totalDocsExamined: queryExecutorMetrics.scannedObjects - docs,
      executionStages: (reply.queryPlanner as Doc).winningPlan,
      ...(verbosity === "allPlansExecution" ? { allPlansExecution: [] } : {}),
    };
  }
  reply.command = { ...inner, $db: ctx.db };
  reply.serverInfo = { host: "127.0.0.1", port: 0, version: "7.0.0", gitVersion: "conduit-embedded" };
  reply.ok = 1;
  return reply;
};

/**
 * A rooted `$or` (of more than one branch, without a hint) goes through mongod's subplanner, which
 * plans each branch: its explain shows a SUBPLAN root over whatever won (an OR of scans, or the
 * whole-query plan when a branch has no index).
 */
function subplanned(filter: Doc, hinted: boolean, plan: Doc): Doc {
  const rooted = Object.keys(filter).length === 1 && Array.isArray(filter.$or) && filter.$or.length > 1;
  return rooted && !hinted ? { stage: "SUBPLAN", inputStage: plan } : plan;
}

function naturalDirection(hint: unknown): "forward" | "backward" {
  return (hint as Doc).$natural === -1 ? "backward" : "forward";
}

interface Shape {
  sort?: SortSpec;
  limit: number;
  skip: number;
  projection?: Doc;
}

function renderPlan(
  c: Candidate,
  filter: Doc | undefined,
  shape: Shape,
  collscanDirection: "forward" | "backward",
): Doc {
  let stage: Doc;
  const access = c.access;
  if (access.stage === "COLLSCAN") {
    stage = { stage: "COLLSCAN", ...(filter ? { filter } : {}), direction: collscanDirection };
  } else if (access.stage === "IDHACK") {
    stage = { stage: "IDHACK" };
  } else {
    stage = { stage: "FETCH", ...(filter ? { filter } : {}), inputStage: renderAccess(access) };
  }
  if (c.blocking && shape.sort) {
    stage = {
      stage: "SORT",
      sortPattern: Object.fromEntries(shape.sort),
      memLimit: 104857600,
      ...(shape.limit ? { limitAmount: shape.limit + shape.skip } : {}),
      type: "simple",
      inputStage: stage,
    };
    if (shape.skip) stage = { stage: "SKIP", skipAmount: shape.skip, inputStage: stage };
  } else {
    if (shape.skip) stage = { stage: "SKIP", skipAmount: shape.skip, inputStage: stage };
    if (shape.limit) stage = { stage: "LIMIT", limitAmount: shape.limit, inputStage: stage };
  }
  if (shape.projection && Object.keys(shape.projection).length > 0) {
    const simple = Object.values(shape.projection).every(
      (v) => v === 1 || v === true || v === 0 || v === false,
    );
    stage = {
      stage: simple ? "PROJECTION_SIMPLE" : "PROJECTION_DEFAULT",
      transformBy: shape.projection,
      inputStage: stage,
    };
  }
  return stage;
}

function renderAccess(node: PlanNode): Doc {
  switch (node.stage) {
    case "IXSCAN": {
      const { ix } = node;
      const multiKeyPaths: Doc = {};
      const indexBounds: Doc = {};
      ix.fields.forEach((f, i) => {
        multiKeyPaths[f] = [...ix.multikeyPaths[i]!].sort();
        indexBounds[f] = renderOil(node.bounds[i]!, (ix.directions[i]! * node.dir) as 1 | -1);
      });
      return {
        stage: "IXSCAN",
        keyPattern: ix.spec.key,
        indexName: ix.name,
        isMultiKey: ix.multikey,
        multiKeyPaths,
        isUnique: ix.unique,
        isSparse: ix.spec.sparse === true,
        isPartial: ix.spec.partialFilterExpression !== undefined,
        indexVersion: 2,
        direction: node.dir === 1 ? "forward" : "backward",
        indexBounds,
      };
    }
    case "SORT_MERGE":
      return {
        stage: "SORT_MERGE",
        sortPattern: Object.fromEntries(node.sort),
        inputStages: node.children.map(renderAccess),
      };
    case "OR":
      return { stage: "OR", inputStages: node.children.map(renderAccess) };
    default:
      return { stage: node.stage };
  }
}
