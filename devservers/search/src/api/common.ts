import { randomBytes } from "node:crypto";
import { badRequest, esError, unsupportedArgument, validationError, xContentError } from "../errors";
import type { SearchIndex, WriteOptions, WriteResult } from "../index/search-index";

/** A JSON request body as an object; empty bodies are `undefined`. */
export function jsonBody(body: Buffer, what = "request body"): Record<string, unknown> | undefined {
  if (body.length === 0 || body.toString("utf8").trim() === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw xContentError(`[1:1] Failed to parse ${what}: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw xContentError(`[1:1] ${what} must be a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** A document source: a JSON object (the bytes are stored as sent). */
export function documentSource(raw: Buffer, id: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch (err) {
    throw esError(400, "document_parsing_exception", `[1:1] failed to parse: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw esError(
      400,
      "document_parsing_exception",
      `[1:1] failed to parse: document with id '${id}' is not a JSON object`,
    );
  }
  return parsed as Record<string, unknown>;
}

/** Elasticsearch's auto-generated ids are 20 URL-safe base64 characters. */
export function generateId(): string {
  return randomBytes(15).toString("base64url");
}

export function validateId(id: string): void {
  if (Buffer.byteLength(id) > 512) {
    throw validationError(
      `id [${id}] is too long, must be no longer than 512 bytes but was: ${Buffer.byteLength(id)}`,
    );
  }
  if (id.length === 0) throw validationError("if _id is specified it must not be empty");
}

export type RefreshPolicy = "false" | "true" | "wait_for";

export function refreshPolicy(value: string | null | undefined | boolean): RefreshPolicy {
  if (value === undefined || value === null || value === "false" || value === false) return "false";
  if (value === "" || value === "true" || value === true) return "true";
  if (value === "wait_for") return "wait_for";
  throw badRequest(`Unknown value for refresh: [${String(value)}].`);
}

/** Applies a write's refresh policy once the write is durable; true when a refresh was forced. */
export async function applyRefresh(indices: Iterable<SearchIndex>, policy: RefreshPolicy): Promise<boolean> {
  if (policy === "true") {
    for (const index of indices) index.refresh();
    return true;
  }
  if (policy === "wait_for") await Promise.all([...indices].map((i) => i.waitForRefresh()));
  return false;
}

export function writeOptions(params: URLSearchParams | Record<string, unknown>): WriteOptions {
  const get = (k: string): unknown =>
    params instanceof URLSearchParams ? (params.get(k) ?? undefined) : params[k];
  if (get("version") !== undefined || get("version_type") !== undefined)
    throw unsupportedArgument("external versioning ([version], [version_type])");
  if (get("pipeline") !== undefined) throw unsupportedArgument("ingest pipelines ([pipeline])");
  const opts: WriteOptions = {};
  const opType = get("op_type");
  if (opType !== undefined) {
    if (opType !== "index" && opType !== "create")
      throw badRequest(`opType must be 'create' or 'index', found: [${String(opType)}]`);
    opts.opType = opType;
  }
  const seq = get("if_seq_no");
  const term = get("if_primary_term");
  if (seq !== undefined) opts.ifSeqNo = Number(seq);
  if (term !== undefined) opts.ifPrimaryTerm = Number(term);
  if ((seq === undefined) !== (term === undefined)) {
    throw validationError(
      seq === undefined
        ? `ifSeqNo is unassigned, but primary term is [${String(term)}]`
        : "ifSeqNo is set, but primary term is [0]",
    );
  }
  return opts;
}

export function shardsOf(index: SearchIndex): { total: number; successful: number; failed: number } {
  return { total: 1 + index.replicas, successful: 1, failed: 0 };
}

/** The body Elasticsearch answers a single-document write with. */
export function writeResponse(
  index: SearchIndex,
  r: WriteResult,
  forcedRefresh: boolean,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    _index: index.name,
    _id: r.id,
    _version: r.version,
    result: r.result,
    _shards: r.result === "noop" ? { total: 0, successful: 0, failed: 0 } : shardsOf(index),
    _seq_no: r.seqNo,
    _primary_term: 1,
  };
  if (forcedRefresh && r.result !== "noop") body.forced_refresh = true;
  return body;
}

export function writeStatus(r: WriteResult): number {
  return r.result === "created" ? 201 : r.result === "not_found" ? 404 : 200;
}

/** Deep merge of a partial document into a source (objects merge, everything else replaces). */
export function mergeDoc(
  target: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    const cur = out[k];
    if (
      v &&
      typeof v === "object" &&
      !Array.isArray(v) &&
      cur &&
      typeof cur === "object" &&
      !Array.isArray(cur)
    ) {
      out[k] = mergeDoc(cur as Record<string, unknown>, v as Record<string, unknown>);
    } else {
      out[k] = v;
    }
  }
  return out;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}
