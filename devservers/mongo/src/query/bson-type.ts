import { mongoError } from "../errors";
import { compareNumbers, typeRank } from "./compare";
import { exactTwin, numKind } from "./number-types";
import { type Doc, isPlainObject } from "./paths";

const CODES: Record<string, number> = {
  double: 1,
  string: 2,
  object: 3,
  array: 4,
  binData: 5,
  undefined: 6,
  objectId: 7,
  bool: 8,
  date: 9,
  null: 10,
  regex: 11,
  dbPointer: 12,
  javascript: 13,
  symbol: 14,
  javascriptWithScope: 15,
  int: 16,
  timestamp: 17,
  long: 18,
  decimal: 19,
  minKey: -1,
  maxKey: 127,
};
const NAMES = new Map(Object.entries(CODES).map(([name, code]) => [code, name]));
/** The aliases only the stored bytes can tell apart: a decoded JS number could be any of them. */
const EXACT_ONLY = new Set(["int", "long", "double"]);

/** A parsed `$type` operand: type names, plus every number type for the alias "number". */
export interface TypeSet {
  names: Set<string>;
  numbers: boolean;
}

/** Parses a `$type` operand (a name, a code or a list of them) with mongod's errors. */
export function parseTypeSet(spec: unknown): TypeSet {
  const set: TypeSet = { names: new Set(), numbers: false };
  for (const t of Array.isArray(spec) ? spec : [spec]) {
    if (typeof t === "string") {
      if (t === "number") set.numbers = true;
      else if (t in CODES) set.names.add(t);
      else throw mongoError("BadValue", `Unknown type name alias: ${t}`);
    } else if (typeRank(t) === 3) {
      // As mongod: a code that is not a whole number reads as -1 (minKey).
      const n = Number(t);
      const code = Number.isInteger(n) ? n : -1;
      const name = NAMES.get(code);
      if (!name) throw mongoError("BadValue", `Invalid numerical type code: ${code}`);
      set.names.add(name);
    } else {
      throw mongoError("TypeMismatch", "type must be represented as a number or a string");
    }
  }
  return set;
}

/**
 * The BSON type name of a value. Exact values (Int32, Long, Double) carry their type; a plain JS
 * number counts as what it would be stored as: an int32 when it is an integer in range, else a
 * double.
 */
export function bsonTypeOf(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (v === null) return "null";
  switch (typeof v) {
    case "string":
      return "string";
    case "boolean":
      return "bool";
    case "number":
    case "bigint":
      return numKind(v);
  }
  if (Array.isArray(v)) return "array";
  if (v instanceof Date) return "date";
  if (v instanceof RegExp) return "regex";
  if (v instanceof Uint8Array) return "binData";
  switch ((v as { _bsontype?: string })._bsontype) {
    case "Int32":
    case "Long":
    case "Double":
    case "Decimal128":
      return numKind(v);
    case "ObjectId":
    case "ObjectID":
      return "objectId";
    case "Binary":
      return "binData";
    case "Timestamp":
      return "timestamp";
    case "MinKey":
      return "minKey";
    case "MaxKey":
      return "maxKey";
    case "BSONRegExp":
      return "regex";
    case "BSONSymbol":
      return "symbol";
    case "Code":
      return (v as { scope?: unknown }).scope ? "javascriptWithScope" : "javascript";
  }
  return "object";
}

export function matchesTypeSet(v: unknown, set: TypeSet): boolean {
  if (v === undefined) return false;
  if (set.numbers && typeRank(v) === 3) return true;
  const name = bsonTypeOf(v);
  return name !== undefined && set.names.has(name);
}

/**
 * The values `$type` looks at for a path, as mongod walks it: arrays on the way are traversed
 * (their documents, or the element a numeric component names), and a leaf array counts both as
 * itself and through each of its elements. `exact`, when given, is the same document with its
 * stored number types: a JS number takes the type of its counterpart there when the two agree.
 */
export function valuesForType(doc: unknown, exact: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  collect(doc, exact, path.split("."), 0, out);
  return out;
}

function typed(v: unknown, exact: unknown): unknown {
  return typeof v === "number" && numKind(exact) !== undefined && compareNumbers(v, exact) === 0 ? exact : v;
}

function collect(v: unknown, exactOrNone: unknown, parts: string[], i: number, out: unknown[]): void {
  // A container copied from a linked document (mingo copies only the top level) keeps its link.
  const exact = exactOrNone ?? (v !== null && typeof v === "object" ? exactTwin(v) : undefined);
  const ex = Array.isArray(exact) ? exact : undefined;
  if (i === parts.length) {
    out.push(typed(v, exact));
    if (Array.isArray(v)) for (let j = 0; j < v.length; j++) out.push(typed(v[j], ex?.[j]));
    return;
  }
  const part = parts[i]!;
  if (Array.isArray(v)) {
    if (/^\d+$/.test(part) && Number(part) < v.length)
      collect(v[Number(part)], ex?.[Number(part)], parts, i + 1, out);
    v.forEach((el, j) => {
      if (isPlainObject(el)) collect(el, ex?.[j], parts, i, out);
    });
    return;
  }
  if (isPlainObject(v) && Object.hasOwn(v, part)) {
    collect(v[part], isPlainObject(exact) ? exact[part] : undefined, parts, i + 1, out);
  }
}

/**
 * Whether a filter asks `$type` for int, long or double anywhere (inside `$or`, `$elemMatch`,
 * `$not`…): only then must matching see the stored number types rather than JS numbers.
 */
export function needsExactTypes(filter: unknown): boolean {
  if (Array.isArray(filter)) return filter.some(needsExactTypes);
  if (!isPlainObject(filter)) return false;
  for (const [k, v] of Object.entries(filter as Doc)) {
    if (k === "$expr" || k === "$jsonSchema") continue;
    if (k === "$type") {
      const list = Array.isArray(v) ? v : [v];
      if (list.some((t) => EXACT_ONLY.has(typeof t === "string" ? t : (NAMES.get(Number(t)) ?? "")))) {
        return true;
      }
    } else if (needsExactTypes(v)) return true;
  }
  return false;
}
