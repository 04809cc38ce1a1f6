/**
 * Elasticsearch's error body: `{error: {root_cause: [...], type, reason, ...extra}, status}`.
 * Every failure the server reports goes through `EsError`, so clients (the official one parses
 * `error.type`/`error.reason`) see the shape and the type names Elasticsearch uses.
 */
export interface ErrorCause {
  type: string;
  reason: string;
  [extra: string]: unknown;
}

export class EsError extends Error {
  constructor(
    readonly status: number,
    readonly cause_: ErrorCause,
    /** The innermost causes; defaults to the error itself. */
    readonly rootCause: ErrorCause[] = [stripCausedBy(cause_)],
  ) {
    super(cause_.reason);
  }

  body(): Record<string, unknown> {
    return { error: { root_cause: this.rootCause, ...this.cause_ }, status: this.status };
  }
}

function stripCausedBy(cause: ErrorCause): ErrorCause {
  const { caused_by: _ignored, ...rest } = cause;
  return rest;
}

/** An error whose root cause is itself (its `caused_by` is detail, as Elasticsearch prints it). */
export function esError(status: number, type: string, reason: string, extra: Record<string, unknown> = {}) {
  const cause: ErrorCause = { type, reason, ...extra };
  return new EsError(status, cause);
}

export const badRequest = (reason: string, extra?: Record<string, unknown>) =>
  esError(400, "illegal_argument_exception", reason, extra);

export const parsingError = (reason: string, extra?: Record<string, unknown>) =>
  esError(400, "parsing_exception", reason, { line: 1, col: 1, ...extra });

export const xContentError = (reason: string) => esError(400, "x_content_parse_exception", reason);

export const validationError = (...problems: string[]) =>
  esError(
    400,
    "action_request_validation_exception",
    `Validation Failed: ${problems.map((p, i) => `${i + 1}: ${p};`).join("")}`,
  );

export const indexNotFound = (index: string) =>
  esError(404, "index_not_found_exception", `no such index [${index}]`, {
    "resource.type": "index_or_alias",
    "resource.id": index,
    index_uuid: "_na_",
    index,
  });

export const indexExists = (index: string, uuid: string) =>
  esError(400, "resource_already_exists_exception", `index [${index}/${uuid}] already exists`, {
    index_uuid: uuid,
    index,
  });

export const invalidIndexName = (index: string, why: string) =>
  esError(400, "invalid_index_name_exception", `Invalid index name [${index}], ${why}`, {
    index_uuid: "_na_",
    index,
  });

export const mapperParsing = (reason: string, causedBy?: ErrorCause) =>
  esError(400, "mapper_parsing_exception", reason, causedBy ? { caused_by: causedBy } : {});

export const documentParsing = (reason: string, causedBy?: ErrorCause) =>
  esError(400, "document_parsing_exception", reason, causedBy ? { caused_by: causedBy } : {});

export const versionConflict = (index: string, uuid: string, reason: string) =>
  esError(409, "version_conflict_engine_exception", reason, { index_uuid: uuid, shard: "0", index });

export const documentMissing = (index: string, uuid: string, id: string) =>
  esError(404, "document_missing_exception", `[${id}]: document missing`, {
    index_uuid: uuid,
    shard: "0",
    index,
  });

/** What the server does not implement but Elasticsearch has: a 400 that names the feature. */
export const unsupported = (what: string) =>
  esError(
    400,
    "parsing_exception",
    `${what} is not supported by the embedded search server (devservers/search)`,
    {
      line: 1,
      col: 1,
    },
  );

export const unsupportedArgument = (what: string) =>
  badRequest(`${what} is not supported by the embedded search server (devservers/search)`);

/**
 * A failure while executing a search on the shard: Elasticsearch wraps it in
 * `search_phase_execution_exception` ("all shards failed") with the shard failure listed.
 */
export function shardFailure(index: string, inner: ErrorCause, status = 400): EsError {
  const cause: ErrorCause = {
    type: "search_phase_execution_exception",
    reason: "all shards failed",
    phase: "query",
    grouped: true,
    failed_shards: [{ shard: 0, index, node: NODE_ID, reason: inner }],
    caused_by: inner,
  };
  return new EsError(status, cause, [stripCausedBy(inner)]);
}

export const NODE_ID = "conduit-search-node-0";
