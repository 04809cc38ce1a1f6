import { Long } from "bson";
import { mongoError } from "../errors";
import { compareValues, encodeKey } from "../query/compare";
import { runQuery } from "../query/execute";
import { exactStored } from "../query/number-types";
import { queryContext } from "../query/op-context";
import { type Doc, isPlainObject, valuesAtPath } from "../query/paths";
import { compileProjection, type Projector } from "../query/projection";
import { parseSort } from "../query/sort";
import { RAW_BSON, rawDoc } from "../storage/bson-doc-map";
import type { CommandHandler } from "./context";
import { checkFields, checkHint, collectionName, idlName, optional } from "./validate";

const FIND_FIELDS = [
  "find",
  "filter",
  "sort",
  "projection",
  "hint",
  "skip",
  "limit",
  "batchSize",
  "singleBatch",
  "max",
  "min",
  "returnKey",
  "showRecordId",
  "tailable",
  "oplogReplay",
  "noCursorTimeout",
  "awaitData",
  "allowPartialResults",
  "collation",
  "allowDiskUse",
  "let",
  "readOnce",
];

function nonNegative(field: string, v: number | undefined): number | undefined {
  if (v !== undefined && v < 0) {
    throw mongoError("BadValue", `BSON field '${field}' value must be >= 0, actual value '${v}'`);
  }
  return v;
}

export const find: CommandHandler = (cmd, ctx) => {
  checkFields("find", cmd, FIND_FIELDS);
  const name = collectionName("find", cmd);
  const filter = optional<Doc>("find", cmd, "filter", "object");
  const sort = parseSort(optional<Doc>("find", cmd, "sort", "object"));
  const project = compileProjection(optional<Doc>("find", cmd, "projection", "object"), filter);
  const skip = nonNegative("skip", optional<number>("find", cmd, "skip", "number"));
  let limit = optional<number>("find", cmd, "limit", "number");
  let singleBatch = optional<boolean>("find", cmd, "singleBatch", "bool") ?? false;
  if (limit !== undefined && limit < 0) {
    // Legacy negative limit: one batch of |limit|.
    limit = -limit;
    singleBatch = true;
  }
  const batchSize = nonNegative("batchSize", optional<number>("find", cmd, "batchSize", "number"));
  const qctx = queryContext(idlName("find"), cmd);
  const coll = ctx.engine.catalog.collection(ctx.db, name);
  if (coll && cmd.hint !== undefined) checkHint(coll, cmd.hint);
  const natural = isPlainObject(cmd.hint) && "$natural" in cmd.hint && !sort;
  const order = natural ? parseSort({ $natural: (cmd.hint as Doc).$natural }) : sort;
  let docs = runQuery(coll, {
    filter,
    sort: order,
    skip,
    limit,
    raw: !project || project.bytes !== undefined,
    hint: natural ? undefined : indexHint(cmd.hint),
    ctx: qctx,
  });
  if (project) docs = docs.map((doc) => projected(project, doc));
  const reply = ctx.cursors.firstBatch(`${ctx.db}.${name}`, docs, batchSize, singleBatch);
  return reply;
};

/** A hint naming an index (`{}` and `$natural` are no index hint). */
export function indexHint(hint: unknown): unknown {
  if (hint === undefined || hint === null) return undefined;
  if (isPlainObject(hint) && (Object.keys(hint).length === 0 || "$natural" in hint)) return undefined;
  return hint;
}

/**
 * A found document projected with its stored number types: plain inclusions/exclusions copy the
 * stored elements into new bytes the reply splices in; other projections work on the exact form.
 */
function projected(project: Projector, doc: Doc): Doc {
  const stored = (doc as { [RAW_BSON]?: Buffer })[RAW_BSON];
  if (!stored) return project.exact(doc);
  const bytes = project.bytes?.(stored);
  if (bytes) return rawDoc(bytes);
  // A bytes-only stand-in has no fields: the promoted form is then derived from the exact one.
  return project.exact(exactStored(doc)!, Object.keys(doc).length ? doc : undefined);
}

export const getMore: CommandHandler = (cmd, ctx) => {
  checkFields("getMore", cmd, [
    "getMore",
    "collection",
    "batchSize",
    "maxTimeMS",
    "term",
    "lastKnownCommittedOpTime",
  ]);
  const raw = cmd.getMore;
  const id = raw instanceof Long ? raw.toNumber() : raw;
  if (typeof id !== "number") {
    throw mongoError(
      "TypeMismatch",
      `BSON field 'getMore.getMore' is the wrong type '${typeof raw}', expected type 'long'`,
    );
  }
  const coll = cmd.collection;
  if (typeof coll !== "string") {
    throw mongoError(
      "TypeMismatch",
      "BSON field 'getMore.collection' is the wrong type, expected type 'string'",
    );
  }
  const batchSize = optional<number>("getMore", cmd, "batchSize", "number");
  return ctx.cursors.getMore(id, `${ctx.db}.${coll}`, batchSize);
};

export const killCursors: CommandHandler = (cmd, ctx) => {
  checkFields("killCursors", cmd, ["killCursors", "cursors"]);
  collectionName("killCursors", cmd);
  const ids = optional<unknown[]>("killCursors", cmd, "cursors", "array") ?? [];
  return ctx.cursors.kill(ids.map((v) => (v instanceof Long ? v.toNumber() : Number(v))));
};

export const count: CommandHandler = (cmd, ctx) => {
  checkFields("count", cmd, ["count", "query", "limit", "skip", "hint", "collation", "fields"]);
  const name = collectionName("count", cmd);
  const query = optional<Doc>("count", cmd, "query", "object");
  const skip = nonNegative("skip", optional<number>("count", cmd, "skip", "number"));
  const limit = optional<number>("count", cmd, "limit", "number");
  const qctx = queryContext("count", cmd);
  const coll = ctx.engine.catalog.collection(ctx.db, name);
  if (!coll) return { n: 0, ok: 1 };
  if (coll && cmd.hint !== undefined) checkHint(coll, cmd.hint);
  if (!query || Object.keys(query).length === 0) {
    let n = Math.max(0, coll.docs.size - (skip ?? 0));
    if (limit) n = Math.min(n, Math.abs(limit));
    return { n, ok: 1 };
  }
  const found = runQuery(coll, {
    filter: query,
    skip,
    limit: limit ? Math.abs(limit) : 0,
    raw: true,
    hint: indexHint(cmd.hint),
    ctx: qctx,
  });
  return { n: found.length, ok: 1 };
};

export const distinct: CommandHandler = (cmd, ctx) => {
  checkFields("distinct", cmd, ["distinct", "key", "query", "collation", "hint"]);
  const name = collectionName("distinct", cmd);
  const key = cmd.key;
  if (typeof key !== "string") {
    throw mongoError("TypeMismatch", "BSON field 'distinct.key' is missing but a required field");
  }
  const query = optional<Doc>("distinct", cmd, "query", "object");
  const qctx = queryContext("distinct", cmd);
  const coll = ctx.engine.catalog.collection(ctx.db, name);
  if (coll && cmd.hint !== undefined) checkHint(coll, cmd.hint);
  const docs = runQuery(coll, { filter: query, hint: indexHint(cmd.hint), ctx: qctx });
  const seen = new Map<string, unknown>();
  for (const doc of docs) {
    for (const v of valuesAtPath(doc, key)) {
      if (v === undefined) continue;
      const k = encodeKey(v);
      if (!seen.has(k)) seen.set(k, v);
    }
  }
  const strcmp = qctx?.collation?.compare;
  const values = [...seen.values()].sort((a, b) => compareValues(a, b, strcmp));
  if (!strcmp) return { values, ok: 1 };
  // Values equal under the collation ("a", "A" at strength 2) are one: the first in order stays.
  const distinctValues = values.filter((v, i) => i === 0 || compareValues(values[i - 1], v, strcmp) !== 0);
  return { values: distinctValues, ok: 1 };
};
