import type { Engine } from "../engine";
import { documentMissing, esError, unsupported, xContentError } from "../errors";
import type { Request, Response, Router } from "../http/server";
import type { SearchIndex, WriteOptions, WriteResult } from "../index/search-index";
import { RawJson } from "../json";
import {
  FETCH_ALL,
  filterSource,
  filterTopLevelRaw,
  isWholeSource,
  type SourceSpec,
  sourceSpecFromParams,
} from "../search/source-filter";
import {
  applyRefresh,
  deepEqual,
  documentSource,
  generateId,
  jsonBody,
  mergeDoc,
  refreshPolicy,
  validateId,
  writeOptions,
  writeResponse,
  writeStatus,
} from "./common";

const UPDATE_KEYS = ["doc", "doc_as_upsert", "upsert", "detect_noop", "_source", "script", "scripted_upsert"];

/**
 * A partial update as Elasticsearch runs it: merge `doc` into the current source (or index the
 * upsert when there is none), skip the write when nothing changes (`detect_noop`).
 */
export function updateDoc(
  index: SearchIndex,
  id: string,
  body: Record<string, unknown>,
  opts: WriteOptions,
): WriteResult {
  for (const k of Object.keys(body)) {
    if (!UPDATE_KEYS.includes(k)) throw xContentError(`[1:2] [UpdateRequest] unknown field [${k}]`);
  }
  if (body.script !== undefined || body.scripted_upsert !== undefined)
    throw unsupported("scripted updates ([script])");
  const doc = body.doc as Record<string, unknown> | undefined;
  const upsert = body.upsert as Record<string, unknown> | undefined;
  if (doc === undefined && upsert === undefined) {
    throw esError(
      400,
      "action_request_validation_exception",
      "Validation Failed: 1: script or doc is missing;",
    );
  }
  const current = index.live.get(id);
  if (!current) {
    if (opts.ifSeqNo !== undefined) return index.indexDoc(id, {}, Buffer.from("{}"), opts); // raises the conflict
    const fresh = body.doc_as_upsert === true ? doc : upsert;
    if (!fresh) throw documentMissing(index.name, index.uuid, id);
    return index.indexDoc(id, fresh, Buffer.from(JSON.stringify(fresh)), { ...opts, opType: "create" });
  }
  const existing = JSON.parse(index.readLive(current).toString("utf8")) as Record<string, unknown>;
  const merged = mergeDoc(existing, doc ?? {});
  if (body.detect_noop !== false && deepEqual(merged, existing)) {
    if (opts.ifSeqNo !== undefined)
      index.indexDoc(id, merged, Buffer.from("{}"), { ...opts, opType: "create" }); // conflict check only
    return index.noop(id);
  }
  return index.indexDoc(id, merged, Buffer.from(JSON.stringify(merged)), opts);
}

/** A stored document as GET returns it (source filtered when asked). */
export function getResponse(
  index: SearchIndex,
  id: string,
  spec: SourceSpec,
  realtime = true,
): { found: boolean; body: Record<string, unknown> } {
  let version: number | undefined;
  let seqNo: number | undefined;
  let raw: Buffer | undefined;
  if (realtime) {
    const live = index.live.get(id);
    if (live) {
      version = live.version;
      seqNo = live.seqNo;
      raw = index.readLive(live);
    }
  } else {
    const d = index.segment.idToDoc.get(id);
    if (d !== undefined) {
      seqNo = index.segment.seqNos[d];
      version = index.live.get(id)?.version ?? 1;
      raw = index.readSource(d);
    }
  }
  if (!raw) return { found: false, body: { _index: index.name, _id: id, found: false } };
  const body: Record<string, unknown> = {
    _index: index.name,
    _id: id,
    _version: version,
    _seq_no: seqNo,
    _primary_term: 1,
    found: true,
  };
  if (spec.fetch) {
    const text = raw.toString("utf8");
    const cut = isWholeSource(spec) ? text : filterTopLevelRaw(text, spec);
    body._source = cut !== null ? new RawJson(cut) : filterSource(JSON.parse(text), spec);
  }
  return { found: true, body };
}

async function indexHandler(engine: Engine, req: Request, opType?: "create"): Promise<Response> {
  const name = req.pathParams.index!;
  const id = req.pathParams.id ?? generateId();
  validateId(id);
  const opts = writeOptions(req.params);
  if (opType) opts.opType = opType;
  if (!req.pathParams.id) opts.opType = "create";
  const policy = refreshPolicy(req.params.get("refresh"));
  const source = documentSource(req.body, id);
  const index = engine.forWrite(name);
  const result = index.indexDoc(id, source, req.body, opts);
  await result.durable;
  const forced = await applyRefresh([index], policy);
  return { status: writeStatus(result), body: writeResponse(index, result, forced) };
}

export function documentRoutes(router: Router, engine: Engine): void {
  router.add(["PUT", "POST"], "/{index}/_doc/{id}", (req) => indexHandler(engine, req));
  router.add("POST", "/{index}/_doc", (req) => indexHandler(engine, req));
  router.add(["PUT", "POST"], "/{index}/_create/{id}", (req) => indexHandler(engine, req, "create"));

  router.add(["GET", "HEAD"], "/{index}/_doc/{id}", (req) => {
    if (req.params.has("stored_fields")) throw unsupported("parameter [stored_fields]");
    const index = engine.get(req.pathParams.index!);
    if (req.params.get("refresh") === "true") index.refresh();
    const spec = sourceSpecFromParams(req.params) ?? FETCH_ALL;
    const { found, body } = getResponse(
      index,
      req.pathParams.id!,
      spec,
      req.params.get("realtime") !== "false",
    );
    return { status: found ? 200 : 404, body };
  });

  router.add(["GET", "HEAD"], "/{index}/_source/{id}", (req) => {
    const index = engine.get(req.pathParams.index!);
    const id = req.pathParams.id!;
    const spec = sourceSpecFromParams(req.params) ?? FETCH_ALL;
    const { found, body } = getResponse(index, id, spec.fetch ? spec : FETCH_ALL);
    if (!found) {
      throw esError(404, "resource_not_found_exception", `Document not found [${index.name}]/[${id}]`);
    }
    return { status: 200, body: body._source };
  });

  router.add("DELETE", "/{index}/_doc/{id}", async (req) => {
    const index = engine.get(req.pathParams.index!);
    const policy = refreshPolicy(req.params.get("refresh"));
    const result = index.deleteDoc(req.pathParams.id!, writeOptions(req.params));
    await result.durable;
    const forced = result.result === "deleted" ? await applyRefresh([index], policy) : false;
    return { status: writeStatus(result), body: writeResponse(index, result, forced) };
  });

  router.add("POST", "/{index}/_update/{id}", async (req) => {
    const id = req.pathParams.id!;
    validateId(id);
    const body = jsonBody(req.body) ?? {};
    const policy = refreshPolicy(req.params.get("refresh"));
    const opts = writeOptions(req.params);
    const name = req.pathParams.index!;
    const index =
      body.upsert !== undefined || body.doc_as_upsert === true ? engine.forWrite(name) : engine.get(name);
    const result = updateDoc(index, id, body, opts);
    await result.durable;
    const forced = result.result === "noop" ? false : await applyRefresh([index], policy);
    return { status: writeStatus(result), body: writeResponse(index, result, forced) };
  });

  const mget = (req: Request): Response => {
    const body = jsonBody(req.body) ?? {};
    const defaultIndex = req.pathParams.index;
    const spec = sourceSpecFromParams(req.params) ?? FETCH_ALL;
    let items: { _index?: string; _id: string; _source?: unknown }[];
    if (Array.isArray(body.docs)) items = body.docs as typeof items;
    else if (Array.isArray(body.ids)) items = (body.ids as unknown[]).map((id) => ({ _id: String(id) }));
    else
      throw esError(400, "action_request_validation_exception", "Validation Failed: 1: no documents to get;");
    const docs = items.map((item) => {
      const name = item._index ?? defaultIndex;
      const id = String(item._id);
      if (!name)
        return {
          _index: null,
          _id: id,
          error: { type: "action_request_validation_exception", reason: "index is missing" },
        };
      const index = engine.indices.get(name);
      if (!index) {
        return {
          _index: name,
          _id: id,
          error: {
            root_cause: [
              { type: "index_not_found_exception", reason: `no such index [${name}]`, index: name },
            ],
            type: "index_not_found_exception",
            reason: `no such index [${name}]`,
            "resource.type": "index_expression",
            "resource.id": name,
            index_uuid: "_na_",
            index: name,
          },
        };
      }
      const itemSpec = item._source !== undefined ? sourceSpecFromBody(item._source) : spec;
      return getResponse(index, id, itemSpec).body;
    });
    return { status: 200, body: { docs } };
  };
  router.add(["GET", "POST"], "/_mget", mget);
  router.add(["GET", "POST"], "/{index}/_mget", mget);
}

function sourceSpecFromBody(v: unknown): SourceSpec {
  if (v === false) return { fetch: false, includes: [], excludes: [] };
  if (v === true) return FETCH_ALL;
  if (Array.isArray(v)) return { fetch: true, includes: v.map(String), excludes: [] };
  if (typeof v === "string") return { fetch: true, includes: [v], excludes: [] };
  const o = v as { includes?: string[]; excludes?: string[] };
  return { fetch: true, includes: o.includes ?? [], excludes: o.excludes ?? [] };
}
