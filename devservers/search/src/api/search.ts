import type { Engine } from "../engine";
import { badRequest, esError, parsingError, unsupported } from "../errors";
import type { Request, Response, Router } from "../http/server";
import { asShardFailure, contextFor, matchIndex, parseSearchRequest, search } from "../search/search";
import { jsonBody, refreshPolicy } from "./common";

function resolveOpts(req: Request) {
  return {
    ignoreUnavailable: req.params.get("ignore_unavailable") === "true",
    allowNoIndices: req.params.get("allow_no_indices") !== "false",
  };
}

export function searchRoutes(router: Router, engine: Engine): void {
  const searchHandler = (req: Request): Response => {
    const body = jsonBody(req.body) ?? {};
    const request = parseSearchRequest(body, req.params);
    const indices = engine.resolve(req.pathParams.index, resolveOpts(req));
    return { status: 200, body: search(indices, request) };
  };
  router.add(["GET", "POST"], "/_search", searchHandler);
  router.add(["GET", "POST"], "/{index}/_search", searchHandler);

  const count = (req: Request): Response => {
    const body = jsonBody(req.body) ?? {};
    for (const k of Object.keys(body))
      if (k !== "query") throw parsingError(`request does not support [${k}]`);
    if (req.params.has("q")) throw unsupported("URI search parameter [q]");
    const indices = engine.resolve(req.pathParams.index, resolveOpts(req));
    const now = Date.now();
    let total = 0;
    const minScore = req.params.has("min_score") ? Number(req.params.get("min_score")) : undefined;
    for (const index of indices) {
      const ctx = contextFor(index, now);
      let r: ReturnType<typeof matchIndex>;
      try {
        r = matchIndex(index, ctx, { query: body.query, knn: [], minScore });
      } catch (err) {
        asShardFailure(err, index);
      }
      for (let d = 0; d < r.match.length; d++) total += r.match[d]!;
    }
    return {
      status: 200,
      body: {
        count: total,
        _shards: { total: indices.length, successful: indices.length, skipped: 0, failed: 0 },
      },
    };
  };
  router.add(["GET", "POST"], "/_count", count);
  router.add(["GET", "POST"], "/{index}/_count", count);

  router.add("POST", "/{index}/_delete_by_query", async (req) => {
    const started = Date.now();
    if (req.params.get("wait_for_completion") === "false")
      throw unsupported("[_delete_by_query] with [wait_for_completion=false]");
    if (req.params.has("q")) throw unsupported("URI search parameter [q]");
    const body = jsonBody(req.body) ?? {};
    for (const k of Object.keys(body)) {
      if (k !== "query" && k !== "max_docs") throw parsingError(`[delete_by_query] unknown field [${k}]`);
    }
    if (body.query === undefined) {
      throw esError(400, "action_request_validation_exception", "Validation Failed: 1: query is missing;");
    }
    const refreshParam = req.params.get("refresh");
    const policy = refreshPolicy(refreshParam);
    if (policy === "wait_for") throw badRequest("refresh=wait_for is not supported by delete by query");
    const proceed = (req.params.get("conflicts") ?? "abort") === "proceed";
    const maxDocsRaw = req.params.get("max_docs") ?? body.max_docs;
    const maxDocs =
      maxDocsRaw === undefined || maxDocsRaw === null ? Number.POSITIVE_INFINITY : Number(maxDocsRaw);
    const indices = engine.resolve(req.pathParams.index!, resolveOpts(req));
    const now = Date.now();
    let total = 0;
    let deleted = 0;
    let conflicts = 0;
    const failures: Record<string, unknown>[] = [];
    const durable: Promise<void>[] = [];
    // Like Elasticsearch: the documents a search of the refreshed index finds, each deleted
    // only if it has not changed since (its sequence number still matches).
    outer: for (const index of indices) {
      const ctx = contextFor(index, now);
      let r: ReturnType<typeof matchIndex>;
      try {
        r = matchIndex(index, ctx, { query: body.query, knn: [] });
      } catch (err) {
        asShardFailure(err, index);
      }
      const seg = index.segment;
      const targets: { id: string; seqNo: number }[] = [];
      for (let d = 0; d < r.match.length; d++)
        if (r.match[d]) targets.push({ id: seg.ids[d]!, seqNo: seg.seqNos[d]! });
      for (const t of targets) {
        if (total >= maxDocs) break outer;
        total++;
        const live = index.live.get(t.id);
        if (!live || live.seqNo !== t.seqNo) {
          conflicts++;
          if (!proceed) {
            failures.push({
              index: index.name,
              id: t.id,
              cause: {
                type: "version_conflict_engine_exception",
                reason: `[${t.id}]: version conflict, required seqNo [${t.seqNo}], primary term [1]. ${live ? `current document has seqNo [${live.seqNo}] and primary term [1]` : "but no document was found"}`,
                index_uuid: index.uuid,
                shard: "0",
                index: index.name,
              },
              status: 409,
            });
            break outer;
          }
          continue;
        }
        const res = index.deleteDoc(t.id);
        durable.push(res.durable);
        deleted++;
      }
    }
    await Promise.all(durable);
    if (policy === "true") for (const index of indices) index.refresh();
    const responseBody = {
      took: Date.now() - started,
      timed_out: false,
      total,
      deleted,
      batches: total > 0 ? Math.ceil(total / 1000) : 0,
      version_conflicts: conflicts,
      noops: 0,
      retries: { bulk: 0, search: 0 },
      throttled_millis: 0,
      requests_per_second: -1,
      throttled_until_millis: 0,
      failures,
    };
    return { status: failures.length > 0 ? 409 : 200, body: responseBody };
  });

  for (const path of [
    "/_msearch",
    "/{index}/_msearch",
    "/_search/scroll",
    "/{index}/_update_by_query",
    "/_reindex",
    "/_pit",
    "/{index}/_pit",
  ]) {
    router.add(["GET", "POST", "DELETE"], path, () => {
      throw unsupported(`the [${path.replace("/{index}", "")}] API`);
    });
  }
}
