import { type Document, deserialize } from "bson";
import { RAW_BSON } from "../storage/bson-doc-map";
import { type Doc, getPath, isPlainObject, valuesAtPath } from "./paths";

const ALIASES: Record<string, string> = {
  "1": "double",
  "2": "string",
  "3": "object",
  "4": "array",
  "5": "binData",
  "7": "objectId",
  "8": "bool",
  "9": "date",
  "10": "null",
  "11": "regex",
  "13": "javascript",
  "16": "int",
  "17": "timestamp",
  "18": "long",
  "19": "decimal",
  "-1": "minKey",
  "127": "maxKey",
};
const NUMERIC = new Set(["int", "long", "double", "decimal"]);

/** `$type` operands naming int/long/double/decimal need the stored number types, not JS numbers. */
export function needsExactTypes(spec: unknown): string[] | undefined {
  const list = (Array.isArray(spec) ? spec : [spec]).map((t) => ALIASES[String(t)] ?? String(t));
  return list.some((t) => NUMERIC.has(t)) ? list : undefined;
}

function bsonTypeOf(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? "int" : "double";
  if (Array.isArray(v)) return "array";
  if (v instanceof Date) return "date";
  if (v instanceof RegExp) return "regex";
  const t = (v as { _bsontype?: string })._bsontype;
  const byBson: Record<string, string> = {
    Int32: "int",
    Long: "long",
    Double: "double",
    Decimal128: "decimal",
    ObjectId: "objectId",
    Binary: "binData",
    Timestamp: "timestamp",
    MinKey: "minKey",
    MaxKey: "maxKey",
    BSONRegExp: "regex",
    Code: "javascript",
  };
  if (t && byBson[t]) return byBson[t];
  return isPlainObject(v) ? "object" : "unknown";
}

const EXACT = { promoteLongs: false, promoteValues: false } as const;

/** Whether the value at `path` (or an element of it) has one of the BSON `types`, as stored. */
export function hasBsonType(doc: Doc, path: string, types: string[]): boolean {
  const raw = (doc as { [RAW_BSON]?: Buffer })[RAW_BSON];
  const source: Document = raw ? deserialize(raw, EXACT) : doc;
  const matches = (v: unknown) => {
    const t = bsonTypeOf(v);
    return types.includes(t) || (types.includes("number") && NUMERIC.has(t));
  };
  if (types.includes("array") && Array.isArray(getPath(source, path))) return true;
  return valuesAtPath(source, path).some((v) => v !== undefined && matches(v));
}
