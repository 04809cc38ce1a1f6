import { ObjectId, UUID } from "bson";
import { evalExpr } from "mingo/core";
import { serializeToBuffer } from "../bson-buffer";
import { MongoServerError, mongoError, toServerError } from "../errors";
import { runQuery } from "../query/execute";
import { BSON_OPTIONS } from "../query/mingo-options";
import { exactStored, promote, toExact } from "../query/number-types";
import type { QueryContext } from "../query/op-context";
import { type Doc, getPath, isPlainObject } from "../query/paths";
import { idFirst } from "../query/projection";
import { applyUpdate, parseUpdate, type UpdateSpec } from "../query/update";
import { decode, RAW_BSON } from "../storage/bson-doc-map";
import type { Collection } from "../storage/collection";
import type { CommandContext } from "./context";

/**
 * `$out` and `$merge`: the last stage of an aggregation writes its documents into a collection of
 * the same server (any database), as mongod 7.0 does. The aggregation then answers an empty
 * cursor; the write is acknowledged once it is in the journal.
 */

/** Whether an aggregate command writes (its last stage is `$out` or `$merge`). */
export function writesResults(cmd: Doc): boolean {
  const pipeline = cmd.pipeline;
  if (!Array.isArray(pipeline) || pipeline.length === 0) return false;
  const last = pipeline[pipeline.length - 1];
  return isPlainObject(last) && ("$out" in last || "$merge" in last);
}

const INTERNAL_DBS = new Set(["admin", "config", "local"]);

function validTarget(stage: string, db: string, coll: string): void {
  const invalid =
    !db ||
    /[/\\. "$\0]/.test(db) ||
    db.length > 63 ||
    !coll ||
    coll.includes("$") ||
    coll.includes("\0") ||
    coll.startsWith(".");
  if (invalid) throw mongoError("InvalidNamespace", `Invalid ${stage} target namespace: '${db}.${coll}'`);
  if (coll.startsWith("system.")) {
    throw mongoError(
      stage === "$out" ? "Location17385" : "Location31319",
      `Cannot ${stage} to special collection: ${coll}`,
    );
  }
  if (INTERNAL_DBS.has(db)) {
    throw mongoError(
      stage === "$out" ? "Location31321" : "Location31320",
      `Cannot ${stage} to internal database: ${db}`,
    );
  }
}

/**
 * The bytes to store for a pipeline result: a stored document passed through untouched keeps its
 * bytes; anything else is encoded from its exact form, `_id` first (generated when absent).
 */
function storedBytes(doc: Doc): Buffer {
  const raw = (doc as { [RAW_BSON]?: Buffer })[RAW_BSON];
  if (raw) return raw;
  const exact = toExact(doc);
  return serializeToBuffer("_id" in exact ? idFirst(exact) : { _id: new ObjectId(), ...exact });
}

// ---------------------------------------------------------------------------------------- $out

/**
 * `{$out: "coll"}` or `{$out: {db, coll}}`: the documents replace the target's (its options and
 * indexes kept), atomically — built in a temporary collection renamed over the target in one
 * journal record, so a failure (a duplicate key) or a crash leaves the target as it was.
 */
export function runOut(ctx: CommandContext, spec: unknown, docs: Doc[]): void {
  let db = ctx.db;
  let coll: string;
  if (typeof spec === "string") coll = spec;
  else if (isPlainObject(spec)) {
    for (const k of Object.keys(spec)) {
      if (k === "timeseries")
        throw mongoError(
          "NotImplemented",
          "$out to a time-series collection is not supported by this server",
        );
      if (k !== "db" && k !== "coll")
        throw mongoError("Location40415", `BSON field '$out.${k}' is an unknown field.`);
    }
    if (typeof spec.db !== "string")
      throw mongoError("Location40414", "BSON field '$out.db' is missing but a required field");
    if (typeof spec.coll !== "string")
      throw mongoError("Location40414", "BSON field '$out.coll' is missing but a required field");
    db = spec.db;
    coll = spec.coll;
  } else {
    throw mongoError(
      "Location16990",
      `$out only supports a string or object argument, but found ${typeNameOf(spec)}`,
    );
  }
  validTarget("$out", db, coll);
  const catalog = ctx.engine.catalog;
  const target = catalog.collection(db, coll);
  const tempName = `tmp.agg_out.${new UUID().toHexString()}`;
  const temp = catalog.createCollection(db, tempName, target?.options ?? {});
  try {
    for (const ix of target?.indexes.slice(1) ?? []) temp.addIndex({ ...ix.spec });
    for (const doc of docs) {
      const bytes = storedBytes(doc);
      temp.insert(decode(bytes), bytes);
    }
  } catch (err) {
    catalog.dropCollection(db, tempName);
    throw toServerError(err);
  }
  catalog.renameCollection(db, tempName, db, coll);
}

// -------------------------------------------------------------------------------------- $merge

type WhenMatched = "replace" | "keepExisting" | "merge" | "fail" | "pipeline";
type WhenNotMatched = "insert" | "discard" | "fail";

/** mongod 7.0's supported whenMatched/whenNotMatched pairs. */
const SUPPORTED = new Set([
  "replace/insert",
  "replace/fail",
  "replace/discard",
  "merge/insert",
  "merge/fail",
  "merge/discard",
  "keepExisting/insert",
  "fail/insert",
  "pipeline/insert",
  "pipeline/fail",
  "pipeline/discard",
]);

interface MergeSpec {
  db: string;
  coll: string;
  on: string[];
  whenMatched: WhenMatched;
  pipeline?: UpdateSpec;
  whenNotMatched: WhenNotMatched;
  let?: Doc;
}

function typeNameOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "double";
  if (typeof v === "boolean") return "bool";
  return typeof v;
}

function parseMerge(ctx: CommandContext, spec: unknown): MergeSpec {
  if (typeof spec === "string") {
    return { db: ctx.db, coll: spec, on: ["_id"], whenMatched: "merge", whenNotMatched: "insert" };
  }
  if (!isPlainObject(spec)) {
    throw mongoError(
      "Location51182",
      `$merge only supports a string or object argument, not ${typeNameOf(spec)}`,
    );
  }
  for (const k of Object.keys(spec)) {
    if (!["into", "on", "let", "whenMatched", "whenNotMatched", "targetCollectionVersion"].includes(k)) {
      throw mongoError("Location40415", `BSON field '$merge.${k}' is an unknown field.`);
    }
  }
  let db = ctx.db;
  let coll: string;
  const into = spec.into;
  if (typeof into === "string") coll = into;
  else if (isPlainObject(into)) {
    if (typeof into.coll !== "string")
      throw mongoError("Location40414", "BSON field '$merge.into.coll' is missing but a required field");
    coll = into.coll;
    if (typeof into.db === "string") db = into.db;
  } else if (into === undefined) {
    throw mongoError("Location40414", "BSON field '$merge.into' is missing but a required field");
  } else {
    throw mongoError(
      "Location51178",
      `$merge 'into' field  must be either a string or an object, but found ${typeNameOf(into)}`,
    );
  }
  let on = ["_id"];
  if (spec.on !== undefined) {
    if (typeof spec.on === "string") on = [spec.on];
    else if (Array.isArray(spec.on) && spec.on.length > 0 && spec.on.every((f) => typeof f === "string"))
      on = spec.on as string[];
    else
      throw mongoError("Location51186", "$merge 'on' field  must be either a string or an array of strings");
    const seen = new Set<string>();
    for (const f of on) {
      if (seen.has(f)) throw mongoError("Location31465", `Found a duplicate field '${f}'`);
      seen.add(f);
    }
  }
  let whenMatched: WhenMatched = "merge";
  let pipeline: UpdateSpec | undefined;
  if (Array.isArray(spec.whenMatched)) {
    whenMatched = "pipeline";
    pipeline = parseUpdate(spec.whenMatched);
  } else if (spec.whenMatched !== undefined) {
    if (!["replace", "keepExisting", "merge", "fail"].includes(spec.whenMatched as string)) {
      throw mongoError(
        "BadValue",
        `Enumeration value '${String(spec.whenMatched)}' for field '$merge.whenMatched' is not a valid value.`,
      );
    }
    whenMatched = spec.whenMatched as WhenMatched;
  }
  let whenNotMatched: WhenNotMatched = "insert";
  if (spec.whenNotMatched !== undefined) {
    if (!["insert", "discard", "fail"].includes(spec.whenNotMatched as string)) {
      throw mongoError(
        "BadValue",
        `Enumeration value '${String(spec.whenNotMatched)}' for field '$merge.whenNotMatched' is not a valid value.`,
      );
    }
    whenNotMatched = spec.whenNotMatched as WhenNotMatched;
  }
  if (!SUPPORTED.has(`${whenMatched}/${whenNotMatched}`)) {
    throw mongoError(
      "Location51181",
      `Combination of $merge modes 'whenMatched: ${whenMatched}' and 'whenNotMatched: ${whenNotMatched}' is not supported`,
    );
  }
  let letSpec: Doc | undefined;
  if (spec.let !== undefined) {
    if (!isPlainObject(spec.let))
      throw mongoError("TypeMismatch", "BSON field '$merge.let' is the wrong type, expected type 'object'");
    if (whenMatched !== "pipeline") {
      throw mongoError("Location51199", `Cannot use 'let' variables with 'whenMatched: ${whenMatched}' mode`);
    }
    if ("new" in spec.let && spec.let.new !== "$$ROOT") {
      throw mongoError(
        "Location51273",
        "'let' may not define a value for the reserved 'new' variable other than '$$ROOT'",
      );
    }
    letSpec = spec.let;
  }
  return { db, coll, on, whenMatched, pipeline, whenNotMatched, let: letSpec };
}

/** Whether a unique index of `coll` has exactly the `on` fields (mongod's requirement). */
function uniqueOn(coll: Collection | undefined, on: string[]): boolean {
  if (on.length === 1 && on[0] === "_id") return true;
  if (!coll) return false;
  return coll.indexes.some(
    (ix) =>
      ix.unique &&
      !ix.spec.partialFilterExpression &&
      ix.fields.length === on.length &&
      ix.fields.every((f) => on.includes(f)),
  );
}

/** The error a failed write inside `$merge` surfaces as, with mongod's context. */
function mergeError(err: unknown, m: MergeSpec): MongoServerError {
  const e = toServerError(err);
  let context: string | undefined;
  if (e.code === 11000) {
    const pattern = Object.keys((e.extra.keyPattern as Doc | undefined) ?? {});
    const onFields = pattern.length === m.on.length && m.on.every((f) => pattern.includes(f));
    context =
      m.whenMatched === "fail" && onFields
        ? "$merge with whenMatched: fail found an existing document with the same values for the 'on' fields"
        : "$merge failed due to a DuplicateKey error";
  } else if (e.code === 66) {
    context =
      "$merge failed to update the matching document, did you attempt to modify the _id or the shard key?";
  }
  if (!context) return e;
  return new MongoServerError(e.code, e.codeName, `${context} :: caused by :: ${e.message}`, e.extra);
}

/**
 * `$merge` into a collection of this server: each result is matched on the `on` fields (backed
 * by a unique index) and merged, replaced, kept, failed or updated by a pipeline (`$$new` is the
 * result); unmatched results are inserted, discarded or fail. Documents written before an error
 * stay written, as with mongod's batches.
 */
export function runMerge(
  ctx: CommandContext,
  spec: unknown,
  docs: Doc[],
  qctx: QueryContext | undefined,
): void {
  const m = parseMerge(ctx, spec);
  validTarget("$merge", m.db, m.coll);
  const catalog = ctx.engine.catalog;
  if (!uniqueOn(catalog.collection(m.db, m.coll), m.on)) {
    throw mongoError("Location51183", "Cannot find index to verify that join fields will be unique");
  }
  const onId = m.on.length === 1 && m.on[0] === "_id";
  for (const doc of docs) {
    let exact = exactStored(doc) ?? toExact(doc);
    if (onId && !("_id" in exact)) exact = { _id: new ObjectId(), ...exact };
    const promoted = promote(exact);
    const key: Doc = {};
    for (const f of m.on) {
      const v = getPath(promoted, f);
      if (Array.isArray(v))
        throw mongoError("Location51185", `$merge write error: 'on' field '${f}' is an array`);
      if (v === null || v === undefined) {
        throw mongoError(
          "Location51132",
          `$merge write error: 'on' field '${f}' cannot be missing, null, undefined or an array`,
        );
      }
      key[f] = v;
    }
    try {
      mergeOne(ctx, m, key, exact, qctx);
    } catch (err) {
      throw mergeError(err, m);
    }
  }
}

function mergeOne(
  ctx: CommandContext,
  m: MergeSpec,
  key: Doc,
  exact: Doc,
  qctx: QueryContext | undefined,
): void {
  const catalog = ctx.engine.catalog;
  const existing = catalog.collection(m.db, m.coll);
  const [found] = runQuery(existing, { filter: key, limit: 1 });
  const insert = (doc: Doc) => {
    const withIdFirst = "_id" in doc ? { _id: doc._id, ...doc } : { _id: new ObjectId(), ...doc };
    const bytes = serializeToBuffer(withIdFirst);
    catalog.ensureCollection(m.db, m.coll).insert(decode(bytes), bytes);
  };
  if (!found) {
    if (m.whenNotMatched === "insert") insert(exact);
    else if (m.whenNotMatched === "fail") {
      throw mongoError(
        "MergeStageNoMatchingDocument",
        "$merge could not find a matching document in the target collection for at least one document in the source collection",
      );
    }
    return;
  }
  const coll = existing as Collection;
  const before = exactStored(found) ?? toExact(found);
  let next: Doc;
  switch (m.whenMatched) {
    case "keepExisting":
      return;
    case "fail":
      // As mongod: an insert, which the unique index on the 'on' fields refuses.
      insert(exact);
      return;
    case "replace":
      next = applyUpdate(before, { kind: "replace", doc: exact });
      break;
    case "merge":
      next = applyUpdate(before, { kind: "operators", ops: { $set: exact } });
      break;
    default: {
      const variables: Doc = { ...qctx?.variables };
      for (const [name, expr] of Object.entries(m.let ?? {})) {
        if (name === "new") continue;
        variables[name] = evalExpr(promote(exact), expr, { ...BSON_OPTIONS, variables } as never) ?? null;
      }
      variables.new = promote(exact);
      next = applyUpdate(before, m.pipeline!, { ctx: { ...qctx, variables } });
    }
  }
  const bytes = serializeToBuffer(next);
  const raw = (found as { [RAW_BSON]?: Buffer })[RAW_BSON];
  if (raw && bytes.equals(raw)) return;
  coll.put(decode(bytes), { bytes });
}
