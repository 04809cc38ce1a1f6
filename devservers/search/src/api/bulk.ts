import type { Engine } from "../engine";
import { badRequest, EsError, esError, unsupportedArgument, validationError } from "../errors";
import type { Request, Response, Router } from "../http/server";
import type { SearchIndex, WriteResult } from "../index/search-index";
import {
  applyRefresh,
  documentSource,
  generateId,
  refreshPolicy,
  shardsOf,
  validateId,
  writeOptions,
} from "./common";
import { updateDoc } from "./documents";

const ACTIONS = new Set(["index", "create", "update", "delete"]);
const META_KEYS = new Set([
  "_index",
  "_id",
  "routing",
  "if_seq_no",
  "if_primary_term",
  "require_alias",
  "retry_on_conflict",
  "dynamic_templates",
  "pipeline",
  "version",
  "version_type",
  "op_type",
  "_source",
  "list_executed_pipelines",
  "require_data_stream",
]);

/** Splits an NDJSON body into lines, keeping each line's exact bytes (sources are stored as sent). */
function lines(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === 0x0a) {
      out.push(body.subarray(start, body[i - 1] === 0x0d ? i - 1 : i));
      start = i + 1;
    }
  }
  if (start < body.length) out.push(body.subarray(start));
  return out;
}

function itemError(err: unknown): { status: number; error: Record<string, unknown> } {
  if (err instanceof EsError) return { status: err.status, error: { ...err.cause_ } };
  return {
    status: 500,
    error: { type: "exception", reason: err instanceof Error ? err.message : String(err) },
  };
}

/**
 * `_bulk`: every action runs in order; item failures are reported per item (`errors: true`),
 * never failing the request. All items are made durable together (one group commit per index)
 * before the answer, then the refresh policy applies once.
 */
async function bulk(engine: Engine, req: Request): Promise<Response> {
  const started = Date.now();
  if (req.body.length > 0 && req.body[req.body.length - 1] !== 0x0a) {
    throw badRequest("The bulk request must be terminated by a newline [\\n]");
  }
  const policy = refreshPolicy(req.params.get("refresh"));
  const defaultIndex = req.pathParams.index;
  const requireAlias = req.params.get("require_alias") === "true";
  if (requireAlias) throw unsupportedArgument("[require_alias]");
  const ls = lines(req.body);
  const items: Record<string, unknown>[] = [];
  const touched = new Set<SearchIndex>();
  const durable: Promise<void>[] = [];
  let errors = false;
  let i = 0;
  let lineNo = 0;
  while (i < ls.length) {
    const line = ls[i++]!;
    lineNo++;
    if (line.length === 0 || line.toString("utf8").trim() === "") continue;
    let action: Record<string, unknown>;
    try {
      action = JSON.parse(line.toString("utf8"));
    } catch {
      throw badRequest(
        `Malformed action/metadata line [${lineNo}], expected START_OBJECT but found [VALUE_STRING]`,
      );
    }
    if (!action || typeof action !== "object" || Array.isArray(action)) {
      throw badRequest(
        `Malformed action/metadata line [${lineNo}], expected START_OBJECT or END_OBJECT but found [VALUE_STRING]`,
      );
    }
    const keys = Object.keys(action);
    const type = keys[0];
    if (keys.length !== 1 || !type || !ACTIONS.has(type)) {
      throw badRequest(
        `Malformed action/metadata line [${lineNo}], expected field [create], [delete], [index] or [update] but found [${type}]`,
      );
    }
    const meta = (action[type] ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(meta)) {
      if (!META_KEYS.has(k))
        throw badRequest(`Action/metadata line [${lineNo}] contains an unknown parameter [${k}]`);
    }
    let sourceLine: Buffer | undefined;
    if (type !== "delete") {
      if (i >= ls.length) throw validationError("no requests added");
      sourceLine = ls[i++]!;
      lineNo++;
    }
    const name = (meta._index as string | undefined) ?? defaultIndex;
    const id = meta._id === undefined || meta._id === null ? undefined : String(meta._id);
    const opType = type === "create" ? "create" : type === "index" ? "index" : undefined;
    const item: Record<string, unknown> = { _index: name, _id: id ?? null };
    try {
      if (!name) throw validationError("index is missing");
      if (type === "update" || type === "delete") {
        if (!id) throw validationError("id is missing");
      }
      const docId = id ?? generateId();
      item._id = docId;
      validateId(docId);
      const opts = writeOptions({
        if_seq_no: meta.if_seq_no,
        if_primary_term: meta.if_primary_term,
        version: meta.version,
        version_type: meta.version_type,
        pipeline: meta.pipeline,
      });
      let index: SearchIndex;
      let result: WriteResult;
      if (type === "delete") {
        index = engine.get(name);
        result = index.deleteDoc(docId, opts);
      } else if (type === "update") {
        const body = JSON.parse(sourceLine!.toString("utf8")) as Record<string, unknown>;
        index =
          body.upsert !== undefined || body.doc_as_upsert === true ? engine.forWrite(name) : engine.get(name);
        result = updateDoc(index, docId, body, opts);
      } else {
        const source = documentSource(sourceLine!, docId);
        index = engine.forWrite(name);
        result = index.indexDoc(docId, source, Buffer.from(sourceLine!), {
          ...opts,
          opType: id ? opType : "create",
        });
      }
      touched.add(index);
      durable.push(result.durable);
      item._index = index.name;
      item._version = result.version;
      item.result = result.result;
      item._shards = result.result === "noop" ? { total: 0, successful: 0, failed: 0 } : shardsOf(index);
      item._seq_no = result.seqNo;
      item._primary_term = 1;
      item.status = result.result === "created" ? 201 : result.result === "not_found" ? 404 : 200;
    } catch (err) {
      errors = true;
      const { status, error } = itemError(err);
      item.status = status;
      item.error = error;
    }
    items.push({ [type]: item });
  }
  if (items.length === 0) throw validationError("no requests added");
  await Promise.all(durable);
  const forced = await applyRefresh(touched, policy);
  if (forced)
    for (const it of items)
      Object.assign(
        Object.values(it)[0] as object,
        (Object.values(it)[0] as { error?: unknown }).error ? {} : { forced_refresh: true },
      );
  return { status: 200, body: { errors, took: Date.now() - started, items } };
}

export function bulkRoutes(router: Router, engine: Engine): void {
  router.add(["POST", "PUT"], "/_bulk", (req) => bulk(engine, req));
  router.add(["POST", "PUT"], "/{index}/_bulk", (req) => bulk(engine, req));
}

export { esError };
