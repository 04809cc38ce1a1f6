import { Long } from "bson";
import { mongoError } from "../errors";
import { encodeKey } from "../query/compare";
import { type Doc, isPlainObject } from "../query/paths";
import type { IndexChanges } from "../storage/catalog";
import { formatValue } from "../storage/collection";
import type { CommandHandler } from "./context";
import { checkFields, collectionName } from "./validate";

/** collMod options mongod 7.0 accepts that this server does not implement: refused, never ignored. */
const UNSUPPORTED = [
  "validator",
  "validationLevel",
  "validationAction",
  "viewOn",
  "pipeline",
  "changeStreamPreAndPostImages",
  "expireAfterSeconds",
  "timeseries",
  "cappedSize",
  "cappedMax",
  "dryRun",
];

const INDEX_FIELDS = [
  "keyPattern",
  "name",
  "expireAfterSeconds",
  "hidden",
  "unique",
  "prepareUnique",
  "forceNonUnique",
];

/**
 * `collMod` with `index: {keyPattern | name, expireAfterSeconds, hidden}`: a TTL limit or the
 * hidden flag changes, durably (one journal record), with mongod's `_old`/`_new` reply fields.
 */
export const collMod: CommandHandler = (cmd, ctx) => {
  checkFields("collMod", cmd, ["index", "collectionUUID", ...UNSUPPORTED]);
  const name = collectionName("collMod", cmd);
  for (const option of UNSUPPORTED) {
    if (cmd[option] !== undefined) {
      throw mongoError("NotImplemented", `collMod option '${option}' is not supported by this server`);
    }
  }
  const coll = ctx.engine.catalog.collection(ctx.db, name);
  if (!coll) throw mongoError("NamespaceNotFound", "ns does not exist");
  const index = cmd.index;
  if (index === undefined) return { ok: 1 };
  if (!isPlainObject(index)) {
    throw mongoError("TypeMismatch", "BSON field 'collMod.index' is the wrong type, expected type 'object'");
  }
  for (const key of Object.keys(index)) {
    if (!INDEX_FIELDS.includes(key)) {
      throw mongoError("Location40415", `BSON field 'collMod.index.${key}' is an unknown field.`);
    }
  }
  for (const key of ["unique", "prepareUnique", "forceNonUnique"]) {
    if (index[key] !== undefined) {
      throw mongoError("NotImplemented", `collMod index option '${key}' is not supported by this server`);
    }
  }
  if (index.name !== undefined && index.keyPattern !== undefined) {
    throw mongoError("InvalidOptions", "Cannot specify both key pattern and name.");
  }
  if (index.name === undefined && index.keyPattern === undefined) {
    throw mongoError("InvalidOptions", "Must specify either index name or key pattern.");
  }
  if (index.expireAfterSeconds === undefined && index.hidden === undefined) {
    throw mongoError("InvalidOptions", "no expireAfterSeconds, hidden, unique, or prepareUnique field");
  }
  const ix =
    typeof index.name === "string"
      ? coll.findIndex(index.name)
      : isPlainObject(index.keyPattern)
        ? coll.indexes.find((i) => encodeKey(i.spec.key) === encodeKey(index.keyPattern))
        : undefined;
  if (!ix) {
    const wanted = typeof index.name === "string" ? index.name : formatValue(index.keyPattern);
    throw mongoError("IndexNotFound", `cannot find index ${wanted} for ns ${coll.ns}`);
  }
  const changes: IndexChanges = {};
  const reply: Doc = {};
  if (index.expireAfterSeconds !== undefined) {
    const secs = index.expireAfterSeconds;
    if (typeof secs !== "number" || !Number.isFinite(secs)) {
      throw mongoError("TypeMismatch", "BSON field 'collMod.index.expireAfterSeconds' is the wrong type");
    }
    if (secs < 0 || secs > 2147483647) {
      throw mongoError(
        "InvalidOptions",
        "TTL index 'expireAfterSeconds' option must be within an acceptable range",
      );
    }
    if (ix.name === "_id_" || ix.fields.length !== 1) {
      throw mongoError(
        "InvalidOptions",
        "TTL indexes are single-field indexes, compound indexes do not support TTL",
      );
    }
    const old = ix.spec.expireAfterSeconds;
    const next = Math.trunc(secs);
    // mongod answers with int64 values (its catalog stores a long long).
    if (typeof old === "number") reply.expireAfterSeconds_old = Long.fromNumber(Math.trunc(old));
    reply.expireAfterSeconds_new = Long.fromNumber(next);
    if (old !== next) changes.expireAfterSeconds = next;
  }
  if (index.hidden !== undefined) {
    if (typeof index.hidden !== "boolean") {
      throw mongoError(
        "TypeMismatch",
        "BSON field 'collMod.index.hidden' is the wrong type, expected type 'bool'",
      );
    }
    if (ix.name === "_id_") throw mongoError("BadValue", "can't hide _id index");
    const old = ix.spec.hidden === true;
    reply.hidden_old = old;
    reply.hidden_new = index.hidden;
    if (old !== index.hidden) changes.hidden = index.hidden;
  }
  if (Object.keys(changes).length) ctx.engine.catalog.modifyIndex(coll, ix.name, changes);
  return { ...reply, ok: 1 };
};
