import { mongoError } from "../errors";
import { encodeKey } from "../query/compare";
import { isPlainObject } from "../query/paths";
import type { Collection } from "../storage/collection";
import type { Doc } from "./context";

/** Fields every command accepts (driver plumbing, sessions, concerns), as mongod's generic args. */
const GENERIC = new Set([
  "$db",
  "lsid",
  "txnNumber",
  "autocommit",
  "startTransaction",
  "stmtId",
  "$clusterTime",
  "$readPreference",
  "$client",
  "$audit",
  "writeConcern",
  "readConcern",
  "comment",
  "maxTimeMS",
  "apiVersion",
  "apiStrict",
  "apiDeprecationErrors",
  "readPreference",
  "$queryOptions",
  "mayBypassWriteBlocking",
]);

/** mongod names some commands by their IDL struct in parse errors. */
const IDL_NAMES: Record<string, string> = { find: "FindCommandRequest" };

export function idlName(name: string): string {
  return IDL_NAMES[name] ?? name;
}

/** Rejects unknown top-level fields like mongod: 40415 `BSON field 'insert.foo' is an unknown field.` */
export function checkFields(name: string, cmd: Doc, allowed: readonly string[]): void {
  const keys = Object.keys(cmd);
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    if (!GENERIC.has(k) && !allowed.includes(k)) {
      throw mongoError("Location40415", `BSON field '${idlName(name)}.${k}' is an unknown field.`);
    }
  }
}

export function collectionName(name: string, cmd: Doc): string {
  const v = cmd[name];
  if (typeof v !== "string") {
    throw mongoError(
      "InvalidNamespace",
      `collection name has invalid type ${v === null ? "null" : Array.isArray(v) ? "array" : typeof v}`,
    );
  }
  if (v.length === 0) throw mongoError("InvalidNamespace", `Invalid namespace specified '${cmd.$db}.'`);
  return v;
}

type Kind = "object" | "array" | "number" | "bool" | "string";

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "double";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string") return "string";
  if (isPlainObject(v)) return "object";
  return typeof v;
}

const EXPECTED: Record<Kind, string> = {
  object: "object",
  array: "array",
  number: "[long, int, decimal, double]",
  bool: "[bool, long, int, decimal, double]",
  string: "string",
};

/** An optional typed field: 14 TypeMismatch `BSON field 'find.limit' is the wrong type 'string', expected types '[...]'` */
export function optional<T>(name: string, cmd: Doc, field: string, kind: Kind): T | undefined {
  const v = cmd[field];
  if (v === undefined || v === null) return undefined;
  const ok =
    kind === "object"
      ? isPlainObject(v)
      : kind === "array"
        ? Array.isArray(v)
        : kind === "number"
          ? typeof v === "number"
          : kind === "bool"
            ? typeof v === "boolean" || typeof v === "number"
            : typeof v === "string";
  if (!ok) {
    const expected = EXPECTED[kind];
    const plural = expected.startsWith("[") ? "types" : "type";
    throw mongoError(
      "TypeMismatch",
      `BSON field '${idlName(name)}.${field}' is the wrong type '${typeName(v)}', expected ${plural} '${expected}'`,
    );
  }
  return (kind === "bool" ? Boolean(v) : v) as T;
}

/** A hint must name an existing index (by name or key pattern); `{$natural: 1}` is always fine. */
export function checkHint(coll: Collection, hint: unknown): void {
  if (isPlainObject(hint) && "$natural" in hint) return;
  if (isPlainObject(hint) && Object.keys(hint).length === 0) return;
  const found =
    typeof hint === "string"
      ? coll.findIndex(hint)
      : isPlainObject(hint)
        ? coll.indexes.find((i) => encodeKey(i.spec.key) === encodeKey(hint))
        : undefined;
  // A hidden index cannot be hinted either: the planner does not see it.
  if (!found || found.spec.hidden) {
    throw mongoError("BadValue", "hint provided does not correspond to an existing index");
  }
}

/**
 * Options this server would otherwise accept and silently ignore are refused instead (238
 * NotImplemented): validators. (Collations are parsed where they apply: operations honour them,
 * collections and indexes refuse non-simple ones.)
 */
export function refuseUnsupportedOptions(cmd: Doc): void {
  for (const k of ["validator", "validationLevel", "validationAction"]) {
    if (cmd[k] !== undefined)
      throw mongoError("NotImplemented", `'${k}' (document validation) is not supported by this server`);
  }
}
