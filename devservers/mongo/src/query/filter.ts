import { Query } from "mingo";
import { mongoError, toServerError } from "../errors";
import { hasBsonType, needsExactTypes } from "./bson-type";
import { compareValues, encodeKey, typeRank } from "./compare";
import { MINGO_OPTIONS } from "./mingo-options";
import { type Doc, isPlainObject, valuesAtPath } from "./paths";
import { compileRawConditions, compileRawEqualities, type RawMatcher, type RawOp } from "./raw-match";

const UNSUPPORTED = new Set(["$text", "$where", "$near", "$nearSphere", "$geoWithin", "$geoIntersects"]);

export interface Matcher {
  test(doc: Doc): boolean;
  /** Decides from the stored bytes alone where it can; `undefined`: decode and call `test`. */
  testRaw?: RawMatcher;
}

const MATCH_ALL: Matcher = { test: () => true, testRaw: () => true };

/** Compiles a query filter; malformed filters throw the error mongod answers. */
export function compileFilter(filter: unknown): Matcher {
  if (filter === undefined || filter === null) return MATCH_ALL;
  if (!isPlainObject(filter)) throw mongoError("TypeMismatch", "filter must be an object");
  if (Object.keys(filter).length === 0) return MATCH_ALL;
  checkOperators(filter);
  const simple = scalarEqualities(filter);
  if (simple) {
    return {
      test: (doc) =>
        simple.every(([path, want]) =>
          valuesAtPath(doc, path).some((v) => v !== undefined && compareValues(v, want) === 0),
        ),
      testRaw: compileRawEqualities(simple),
    };
  }
  const ranges = scalarComparisons(filter);
  if (ranges) {
    // Decided on the stored bytes nearly always; mingo is compiled only for the rare document
    // the bytes cannot answer for (arrays, int64…).
    let q: Query | undefined;
    return {
      test: (doc) => {
        q ??= new Query(filter, MINGO_OPTIONS);
        return q.test(doc);
      },
      testRaw: compileRawConditions(ranges),
    };
  }
  const exact = exactDocumentConditions(filter);
  const typed = exactTypeConditions(filter);
  try {
    const q = new Query(typed.length ? withoutExactTypes(filter) : filter, MINGO_OPTIONS);
    return {
      test: (doc) => {
        try {
          return (
            q.test(doc) &&
            exact.every(([path, want]) => valuesAtPath(doc, path).some((v) => encodeKey(v) === want)) &&
            typed.every(([path, types]) => hasBsonType(doc, path, types))
          );
        } catch (err) {
          throw toServerError(err);
        }
      },
    };
  } catch (err) {
    throw toServerError(err);
  }
}

function checkOperators(v: unknown): void {
  if (Array.isArray(v)) {
    for (const x of v) checkOperators(x);
    return;
  }
  if (!isPlainObject(v)) return;
  for (const [k, x] of Object.entries(v)) {
    if (UNSUPPORTED.has(k)) throw mongoError("BadValue", `unsupported query operator: ${k}`);
    if (k === "$expr") continue;
    if ((k === "$in" || k === "$nin" || k === "$all") && !Array.isArray(x)) {
      throw mongoError("BadValue", `${k} needs an array`);
    }
    if ((k === "$and" || k === "$or" || k === "$nor") && (!Array.isArray(x) || x.length === 0)) {
      throw mongoError("BadValue", "$and/$or/$nor must be a nonempty array");
    }
    checkOperators(x);
  }
}

/**
 * `{address: {city, zip}}` matches an embedded document only with the same fields in the same
 * order (BSON equality); mingo ignores the order, so such conditions are re-checked here.
 */
function exactDocumentConditions(filter: Doc): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(filter)) {
    if (k === "$and" && Array.isArray(v)) {
      for (const sub of v) if (isPlainObject(sub)) out.push(...exactDocumentConditions(sub));
    } else if (!k.startsWith("$") && isPlainObject(v)) {
      const keys = Object.keys(v);
      if (keys.length > 1 && !keys.some((x) => x.startsWith("$"))) out.push([k, encodeKey(v)]);
      else if (keys.length === 1 && keys[0] === "$eq" && isPlainObject(v.$eq))
        out.push([k, encodeKey(v.$eq)]);
    }
  }
  return out;
}

/** Top-level `{field: {$type: "long"}}`-like conditions, checked on the stored types. */
function exactTypeConditions(filter: Doc): [string, string[]][] {
  const out: [string, string[]][] = [];
  for (const [k, v] of Object.entries(filter)) {
    if (k.startsWith("$") || !isPlainObject(v) || !("$type" in v)) continue;
    const types = needsExactTypes(v.$type);
    if (types) out.push([k, types]);
  }
  return out;
}

function withoutExactTypes(filter: Doc): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(filter)) {
    if (!k.startsWith("$") && isPlainObject(v) && "$type" in v && needsExactTypes(v.$type)) {
      const { $type, ...rest } = v;
      if (Object.keys(rest).length) out[k] = rest;
    } else out[k] = v;
  }
  return out;
}

/**
 * `{a: "x", "b.c": 5}`: plain equalities on strings, numbers, ObjectIds, booleans and dates are
 * matched directly (any array element counts, as in mongod), skipping mingo's query compilation
 * on the hottest path. Anything else returns undefined and goes through mingo.
 */
function scalarEqualities(filter: Doc): [string, unknown][] | undefined {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(filter)) {
    if (k.startsWith("$")) return undefined;
    const r = typeRank(v);
    if (
      (r !== 3 && r !== 4 && r !== 8 && r !== 9 && r !== 10) ||
      (typeof v === "number" && Number.isNaN(v))
    ) {
      return undefined;
    }
    if (typeof v !== "number" && typeof v !== "string" && typeof v !== "boolean" && r === 3) return undefined;
    out.push([k, v]);
  }
  return out;
}

const RAW_OPS = new Set(["$eq", "$gt", "$gte", "$lt", "$lte"]);

/**
 * `{a: {$gte: 1, $lt: 9}, b: "x"}` on top-level fields with number, string or date operands:
 * conditions the stored bytes can decide (see raw-match.ts). Anything else: undefined.
 */
function scalarComparisons(filter: Doc): [string, RawOp, unknown][] | undefined {
  const out: [string, RawOp, unknown][] = [];
  const plain = (v: unknown) =>
    typeof v === "string" || (typeof v === "number" && !Number.isNaN(v)) || v instanceof Date;
  for (const [k, v] of Object.entries(filter)) {
    if (k.startsWith("$") || k.includes(".") || k.length === 0) return undefined;
    if (plain(v)) {
      out.push([k, "$eq", v]);
      continue;
    }
    if (!isPlainObject(v)) return undefined;
    const ops = Object.entries(v);
    if (ops.length === 0) return undefined;
    for (const [op, operand] of ops) {
      if (!RAW_OPS.has(op) || !plain(operand)) return undefined;
      out.push([k, op as RawOp, operand]);
    }
  }
  return out.length > 0 ? out : undefined;
}
