import { deserialize, ObjectId } from "bson";
import { serializeToBuffer } from "../bson-buffer";
import { mongoError, toServerError } from "../errors";
import { runQuery } from "../query/execute";
import { exactStored, toExact } from "../query/number-types";
import { type QueryContext, queryContext, statementContext } from "../query/op-context";
import { type Doc, isPlainObject } from "../query/paths";
import { parseSort } from "../query/sort";
import { applyUpdate, parseUpdate, sameDocument, upsertDocument } from "../query/update";
import { decode, RAW_BSON } from "../storage/bson-doc-map";
import type { Collection } from "../storage/collection";
import type { CommandContext, CommandHandler } from "./context";
import { exactUpdateStatements } from "./exact-operands";
import { indexHint } from "./read";
import { checkFields, checkHint, collectionName, optional } from "./validate";

const PROMOTE = { promoteLongs: true, promoteValues: true } as const;
const EXACT = { promoteLongs: false, promoteValues: false } as const;
const ID_ELEMENT_NAME = Buffer.from("_id\0");

function checkBatchSize(n: number): void {
  if (n < 1 || n > 100_000) {
    throw mongoError("InvalidLength", `Write batch sizes must be between 1 and 100000. Got ${n} operations.`);
  }
}

/** Whether a BSON document's first element is `_id` (byte 4 is its type, its name follows). */
function startsWithId(bytes: Buffer): boolean {
  return bytes.length > 9 && bytes.compare(ID_ELEMENT_NAME, 0, 4, 5, 9) === 0;
}

interface WriteError {
  index: number;
  code: number;
  errmsg: string;
  [extra: string]: unknown;
}

function writeError(index: number, err: unknown): WriteError {
  const e = toServerError(err);
  return { index, code: e.code, codeName: e.codeName, ...e.extra, errmsg: e.message };
}

function finish(reply: Doc, errors: WriteError[]): Doc {
  if (errors.length) reply.writeErrors = errors;
  reply.ok = 1;
  return reply;
}

/** Documents get an `_id` (first) when they have none; arrays and regexes are refused like mongod. */
export function prepareInsert(doc: unknown): Doc {
  if (!isPlainObject(doc)) throw mongoError("TypeMismatch", "document to insert must be an object");
  if (!("_id" in doc)) return { _id: new ObjectId(), ...doc };
  if (Array.isArray(doc._id)) throw mongoError("InvalidIdField", "The '_id' value cannot be of type array");
  if (doc._id instanceof RegExp)
    throw mongoError("InvalidIdField", "The '_id' value cannot be of type regex");
  const dollar = dollarPrefixedKey(doc._id);
  if (dollar !== undefined) {
    throw mongoError(
      "DollarPrefixedFieldName",
      `_id fields may not contain '$'-prefixed fields: ${dollar} is not valid for storage.`,
    );
  }
  if (Object.keys(doc)[0] === "_id") return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

/** The first `$`-prefixed field name inside an embedded `_id` (any depth), as mongod's storage check. */
function dollarPrefixedKey(v: unknown): string | undefined {
  if (Array.isArray(v)) {
    for (const x of v) {
      const k = dollarPrefixedKey(x);
      if (k !== undefined) return k;
    }
    return undefined;
  }
  if (!isPlainObject(v)) return undefined;
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith("$")) return k;
    const inner = dollarPrefixedKey(x);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

export const insert: CommandHandler = (cmd, ctx) => {
  checkFields("insert", cmd, ["insert", "documents", "ordered", "bypassDocumentValidation"]);
  const name = collectionName("insert", cmd);
  const docs = optional<unknown[]>("insert", cmd, "documents", "array");
  if (!docs)
    throw mongoError("Location40414", "BSON field 'insert.documents' is missing but a required field");
  checkBatchSize(docs.length);
  const ordered = optional<boolean>("insert", cmd, "ordered", "bool") ?? true;
  const coll = ctx.engine.catalog.ensureCollection(ctx.db, name);
  const sent = ctx.insertBytes?.length === docs.length ? ctx.insertBytes : undefined;
  const errors: WriteError[] = [];
  let n = 0;
  for (let i = 0; i < docs.length; i++) {
    try {
      const bytes = sent?.[i];
      if (bytes && startsWithId(bytes)) {
        // Stored exactly as sent (number types included); indexed from the plain-number form.
        coll.insert(prepareInsert(docs[i]), bytes);
      } else if (bytes) {
        // `_id` missing or not first: re-encode from the exact (unpromoted) form.
        const exact = serializeToBuffer(prepareInsert(deserialize(bytes, EXACT)));
        coll.insert(deserialize(exact, PROMOTE) as Doc, exact);
      } else coll.insert(prepareInsert(docs[i]));
      n++;
    } catch (err) {
      errors.push(writeError(i, err));
      if (ordered) break;
    }
  }
  return finish({ n }, errors);
};

interface UpdateStatement {
  q: Doc;
  u: unknown;
  multi?: boolean;
  upsert?: boolean;
  arrayFilters?: Doc[];
  hint?: unknown;
  collation?: unknown;
  sort?: unknown;
}

const UPDATE_FIELDS = [
  "q",
  "u",
  "multi",
  "upsert",
  "arrayFilters",
  "hint",
  "collation",
  "c",
  "upsertSupplied",
];

export interface UpdateOutcome {
  matched: number;
  modified: number;
  upsertedId?: unknown;
  /** The last document before/after the change (findAndModify), with exact BSON number types. */
  before?: Doc;
  after?: Doc;
}

/**
 * One update statement against a collection (created on upsert). `exact` is the same statement
 * decoded from the request bytes with exact number types: its `u` and (for the upsert seed) `q`
 * are what gets stored.
 */
export function updateOne(
  ctx: CommandContext,
  name: string,
  s: UpdateStatement,
  exact?: { q?: unknown; u?: unknown },
  qctx?: QueryContext,
): UpdateOutcome {
  if (!isPlainObject(s.q))
    throw mongoError(
      "TypeMismatch",
      "BSON field 'update.updates.q' is the wrong type, expected type 'object'",
    );
  const spec = parseUpdate(s.u, exact?.u);
  if (s.multi && spec.kind === "replace") {
    throw mongoError("FailedToParse", "multi update is not supported for replacement-style update");
  }
  const catalog = ctx.engine.catalog;
  const coll = catalog.collection(ctx.db, name);
  if (coll && s.hint !== undefined) checkHint(coll, s.hint);
  const sort = parseSort(s.sort);
  const targets = runQuery(coll, {
    filter: s.q,
    sort,
    limit: s.multi ? 0 : 1,
    hint: indexHint(s.hint),
    ctx: qctx,
  });
  const outcome: UpdateOutcome = { matched: 0, modified: 0 };
  const opts = { arrayFilters: s.arrayFilters, query: s.q, ctx: qctx };
  // Updates compute on the exact stored form and store exactly what they produce; the collection
  // indexes the promoted form decoded from those bytes.
  if (targets.length === 0) {
    if (!s.upsert) return outcome;
    const doc = upsertDocument(isPlainObject(exact?.q) ? exact.q : s.q, spec, opts);
    const bytes = serializeToBuffer(doc);
    catalog.ensureCollection(ctx.db, name).insert(decode(bytes), bytes);
    outcome.upsertedId = doc._id;
    outcome.after = doc;
    return outcome;
  }
  for (const doc of targets) {
    const before = exactStored(doc) ?? toExact(doc);
    const next = applyUpdate(before, spec, opts);
    outcome.matched++;
    outcome.before = before;
    outcome.after = next;
    const bytes = serializeToBuffer(next);
    const raw = (doc as { [RAW_BSON]?: Buffer })[RAW_BSON];
    if (raw ? bytes.equals(raw) : sameDocument(before, next)) continue;
    (coll as Collection).put(decode(bytes), { bytes });
    outcome.modified++;
  }
  return outcome;
}

export const update: CommandHandler = (cmd, ctx) => {
  checkFields("update", cmd, ["update", "updates", "ordered", "bypassDocumentValidation", "let"]);
  const name = collectionName("update", cmd);
  const base = queryContext("update", cmd);
  const updates = optional<unknown[]>("update", cmd, "updates", "array") ?? [];
  checkBatchSize(updates.length);
  const ordered = optional<boolean>("update", cmd, "ordered", "bool") ?? true;
  // Parsed as a whole first, as mongod's IDL does: an unknown statement field fails the command.
  for (const s of updates) {
    if (!isPlainObject(s)) continue;
    for (const k of Object.keys(s)) {
      if (!UPDATE_FIELDS.includes(k)) {
        throw mongoError("Location40415", `BSON field 'update.updates.${k}' is an unknown field.`);
      }
    }
  }
  const exact = exactUpdateStatements(ctx, updates.length);
  const errors: WriteError[] = [];
  const upserted: Doc[] = [];
  let n = 0;
  let nModified = 0;
  for (let i = 0; i < updates.length; i++) {
    try {
      const s = updates[i];
      if (!isPlainObject(s)) throw mongoError("TypeMismatch", "update statement must be an object");
      const qctx = statementContext(base, "update.updates", s);
      const r = updateOne(ctx, name, s as unknown as UpdateStatement, exact?.[i], qctx);
      if (r.upsertedId !== undefined) {
        upserted.push({ index: i, _id: r.upsertedId });
        n++;
      } else {
        n += r.matched;
        nModified += r.modified;
      }
    } catch (err) {
      errors.push(writeError(i, err));
      if (ordered) break;
    }
  }
  const reply: Doc = { n, nModified };
  if (upserted.length) reply.upserted = upserted;
  return finish(reply, errors);
};

const DELETE_FIELDS = ["q", "limit", "hint", "collation"];

export const remove: CommandHandler = (cmd, ctx) => {
  checkFields("delete", cmd, ["delete", "deletes", "ordered", "let"]);
  const name = collectionName("delete", cmd);
  const base = queryContext("delete", cmd);
  const deletes = optional<unknown[]>("delete", cmd, "deletes", "array") ?? [];
  checkBatchSize(deletes.length);
  const ordered = optional<boolean>("delete", cmd, "ordered", "bool") ?? true;
  const coll = ctx.engine.catalog.collection(ctx.db, name);
  for (const s of deletes) {
    if (!isPlainObject(s)) continue;
    for (const k of Object.keys(s)) {
      if (!DELETE_FIELDS.includes(k)) {
        throw mongoError("Location40415", `BSON field 'delete.deletes.${k}' is an unknown field.`);
      }
    }
  }
  const errors: WriteError[] = [];
  let n = 0;
  for (let i = 0; i < deletes.length; i++) {
    try {
      const s = deletes[i];
      if (!isPlainObject(s)) throw mongoError("TypeMismatch", "delete statement must be an object");
      if (s.limit !== 0 && s.limit !== 1) {
        throw mongoError(
          "FailedToParse",
          `The limit field in delete objects must be 0 or 1. Got ${String(s.limit)}`,
        );
      }
      const qctx = statementContext(base, "delete.deletes", s);
      if (coll && s.hint !== undefined) checkHint(coll, s.hint);
      const targets = runQuery(coll, {
        filter: s.q as Doc,
        limit: s.limit === 1 ? 1 : 0,
        hint: indexHint(s.hint),
        ctx: qctx,
      });
      for (const doc of targets) if (coll?.delete(doc._id)) n++;
    } catch (err) {
      errors.push(writeError(i, err));
      if (ordered) break;
    }
  }
  return finish({ n }, errors);
};
