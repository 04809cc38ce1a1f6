import { Long, ObjectId } from "bson";
import { serializeToBuffer } from "../bson-buffer";
import { mongoError, toServerError } from "../errors";
import { formatValue } from "../storage/collection";
import { cloneDoc } from "./clone";
import { encodeKey } from "./compare";
import { isInt32Number, promote, toExact } from "./number-types";
import type { QueryContext } from "./op-context";
import { type Doc, isPlainObject } from "./paths";
import { idFirst } from "./projection";
import { runTypedPipeline } from "./typed-pipeline";
import { applyOperators } from "./update-operators";

const OPERATORS = new Set([
  "$set",
  "$unset",
  "$inc",
  "$mul",
  "$rename",
  "$min",
  "$max",
  "$currentDate",
  "$push",
  "$addToSet",
  "$pop",
  "$pull",
  "$pullAll",
  "$bit",
  "$setOnInsert",
]);

const PIPELINE_STAGES = new Set(["$addFields", "$set", "$project", "$unset", "$replaceRoot", "$replaceWith"]);

/**
 * A parsed update. Values that end up stored (replacement documents, `$set`/`$inc`… operands) are
 * exact BSON numbers (see `toExact`), so documents keep the types the client sent.
 */
export type UpdateSpec =
  | { kind: "replace"; doc: Doc }
  | { kind: "operators"; ops: Doc }
  | { kind: "pipeline"; stages: Doc[]; exactStages?: Doc[] };

/** Operators whose operands are stored (or computed with) as they are. */
const STORED_OPERANDS = new Set(["$set", "$setOnInsert", "$inc", "$mul", "$min", "$max", "$pullAll"]);

/** `$bit` takes int32/int64 operands only: a whole number beyond int32 was sent as an int64. */
function bitOperands(arg: unknown): unknown {
  if (!isPlainObject(arg)) return toExact(arg);
  const out: Doc = {};
  for (const [how, n] of Object.entries(arg)) {
    out[how] =
      typeof n === "number" && Number.isSafeInteger(n) && !isInt32Number(n) ? Long.fromNumber(n) : toExact(n);
  }
  return out;
}

/**
 * `u`'s stored operands in exact form: taken from `exact` (the same update decoded from the
 * request bytes without promotion) when there is one, else typed as the driver sends JS numbers.
 */
function exactOperands(u: Doc, exact: Doc | undefined): Doc {
  const out: Doc = {};
  for (const [op, fields] of Object.entries(u)) {
    const typed: Doc = {};
    const exactFields = isPlainObject(exact?.[op]) ? (exact[op] as Doc) : undefined;
    for (const [path, arg] of Object.entries(fields as Doc)) {
      const ex = exactFields?.[path];
      if (STORED_OPERANDS.has(op)) typed[path] = ex !== undefined ? ex : toExact(arg);
      else if (op === "$bit") typed[path] = ex !== undefined ? ex : bitOperands(arg);
      else if (op === "$push" || op === "$addToSet") {
        // The pushed values are stored; `$slice`, `$position` and `$sort` stay plain numbers.
        const each = isPlainObject(ex) && "$each" in ex ? ex.$each : undefined;
        typed[path] =
          isPlainObject(arg) && "$each" in arg
            ? { ...arg, $each: each !== undefined ? each : toExact(arg.$each) }
            : ex !== undefined
              ? ex
              : toExact(arg);
      } else typed[path] = arg;
    }
    out[op] = typed;
  }
  return out;
}

/**
 * `exact` is the same update decoded from the request bytes with Int32/Long/Double wrappers kept
 * (absent: operands are typed as the driver sends plain JS numbers).
 */
export function parseUpdate(u: unknown, exact?: unknown): UpdateSpec {
  if (Array.isArray(u)) {
    for (const stage of u) {
      const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
      if (!name || !PIPELINE_STAGES.has(name)) {
        throw mongoError("InvalidOptions", `${name ?? "stage"} is not allowed to be used within an update`);
      }
    }
    const exactStages = Array.isArray(exact) && exact.length === u.length ? (exact as Doc[]) : undefined;
    return { kind: "pipeline", stages: u as Doc[], exactStages };
  }
  if (!isPlainObject(u))
    throw mongoError("FailedToParse", "Update argument must be either an object or an array");
  const keys = Object.keys(u);
  if (keys.length === 0 || !keys[0]!.startsWith("$")) {
    for (const k of keys) {
      if (k.startsWith("$")) {
        throw mongoError(
          "DollarPrefixedFieldName",
          `The dollar ($) prefixed field '${k}' in '${k}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
        );
      }
    }
    return { kind: "replace", doc: isPlainObject(exact) ? exact : toExact(u) };
  }
  const paths: string[] = [];
  for (const k of keys) {
    if (!OPERATORS.has(k)) {
      throw mongoError(
        "FailedToParse",
        `Unknown modifier: ${k}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    const arg = u[k];
    if (!isPlainObject(arg)) {
      throw mongoError(
        "FailedToParse",
        `Modifiers operate on fields but we found type ${typeof arg} instead. For example: {$mod: {<field>: ...}} not {${k}: ${String(arg)}}`,
      );
    }
    for (const [p, v] of Object.entries(arg)) {
      paths.push(p);
      if (k === "$rename" && typeof v === "string") paths.push(v);
    }
  }
  checkConflicts(paths);
  return { kind: "operators", ops: exactOperands(u, isPlainObject(exact) ? exact : undefined) };
}

function checkConflicts(paths: string[]): void {
  const clean = paths.map((p) =>
    p
      .split(".")
      .filter((s) => !s.startsWith("$"))
      .join("."),
  );
  for (let i = 0; i < clean.length; i++) {
    for (let j = i + 1; j < clean.length; j++) {
      const a = clean[i]!;
      const b = clean[j]!;
      if (a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`)) {
        throw mongoError(
          "ConflictingUpdateOperators",
          `Updating the path '${paths[j]}' would create a conflict at '${paths[i]}'`,
        );
      }
    }
  }
}

export interface ApplyOptions {
  arrayFilters?: Doc[];
  /** The query, for the positional `$` operator. */
  query?: Doc;
  isInsert?: boolean;
  /** The operation's `let` variables and collation (pipeline updates). */
  ctx?: QueryContext;
}

/**
 * The new version of `doc` (never mutated), both in exact form (Int32, Long, Double, Decimal128
 * values). `_id` must not change (66 ImmutableField).
 */
export function applyUpdate(doc: Doc, spec: UpdateSpec, opts: ApplyOptions = {}): Doc {
  let out: Doc;
  if (spec.kind === "replace") {
    out = { _id: doc._id, ...withoutId(spec.doc) };
    if ("_id" in spec.doc && !sameValue(spec.doc._id, doc._id) && !opts.isInsert) {
      throw mongoError(
        "ImmutableField",
        `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${formatValue(promote(spec.doc._id))}`,
      );
    }
    if (opts.isInsert && "_id" in spec.doc) out._id = spec.doc._id;
    if (out._id === undefined) delete out._id;
    return out;
  }
  if (spec.kind === "pipeline") {
    try {
      out = runTypedPipeline(doc, spec.stages, spec.exactStages, opts.ctx);
    } catch (err) {
      throw toServerError(err);
    }
    // The pipeline's output replaces the document, as a replacement does: without an `_id` it
    // keeps the original one; with a different one it is refused (an equal one is accepted).
    if (!("_id" in out) && "_id" in doc) out = { _id: doc._id, ...out };
    else out = idFirst(out);
    if ("_id" in doc && !opts.isInsert && !sameValue(out._id, doc._id)) {
      throw mongoError(
        "ImmutableField",
        `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${formatValue(promote(out._id))}`,
      );
    }
    return out;
  } else {
    out = cloneDoc(doc);
    const ops: Doc = { ...spec.ops };
    if (opts.isInsert && ops.$setOnInsert) {
      ops.$set = { ...(ops.$set as Doc | undefined), ...(ops.$setOnInsert as Doc) };
    }
    delete ops.$setOnInsert;
    try {
      applyOperators(out, ops, { arrayFilters: opts.arrayFilters, query: opts.query, root: doc });
    } catch (err) {
      throw toServerError(err);
    }
  }
  if ("_id" in doc && !sameValue(out._id, doc._id)) {
    throw mongoError(
      "ImmutableField",
      "Performing an update on the path '_id' would modify the immutable field '_id'",
    );
  }
  return out;
}

function withoutId(d: Doc): Doc {
  const { _id, ...rest } = d;
  return rest;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return encodeKey(a) === encodeKey(b);
}

export function sameDocument(a: Doc, b: Doc): boolean {
  return serializeToBuffer(a).equals(serializeToBuffer(b));
}

/**
 * The document an upsert inserts (exact form): the query's equality fields (top level, dotted
 * paths, `$eq`, `$and` of equalities), then the update applied with `$setOnInsert`; `_id` first,
 * generated when neither query nor update gives one.
 */
export function upsertDocument(query: Doc, spec: UpdateSpec, opts: ApplyOptions): Doc {
  const seed: Doc = {};
  if (spec.kind === "replace") {
    if ("_id" in query && !isOperatorObject(query._id)) seed._id = toExact(query._id);
  } else {
    seedFromQuery(query, seed);
  }
  let out = applyUpdate(seed, spec, { ...opts, isInsert: true });
  if (out._id === undefined) out = { _id: new ObjectId(), ...out };
  return idFirst(out);
}

function isOperatorObject(v: unknown): boolean {
  return isPlainObject(v) && Object.keys(v).some((k) => k.startsWith("$"));
}

function seedFromQuery(query: Doc, seed: Doc): void {
  for (const [k, v] of Object.entries(query)) {
    if (k === "$and" && Array.isArray(v)) {
      for (const sub of v) if (isPlainObject(sub)) seedFromQuery(sub, seed);
      continue;
    }
    if (k.startsWith("$")) continue;
    let value: unknown;
    if (isOperatorObject(v)) {
      const ops = v as Doc;
      if (!("$eq" in ops)) continue;
      value = ops.$eq;
    } else value = v;
    setPath(seed, k, toExact(cloneDoc(value)));
  }
}

function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i]!;
    if (!isPlainObject(node[p])) node[p] = {};
    node = node[p] as Doc;
  }
  node[parts[parts.length - 1]!] = value;
}
