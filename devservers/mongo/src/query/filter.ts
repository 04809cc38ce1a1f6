import type { Query } from "mingo/query";
import type { Options } from "mingo/types";
import { mongoError, toServerError } from "../errors";
import { needsExactTypes, parseTypeSet } from "./bson-type";
import { compareValues, typeRank } from "./compare";
import { bsonQuery } from "./mingo-options";
import { exactStored, linkTwins } from "./number-types";
import { mingoExtras, type QueryContext } from "./op-context";
import { type Doc, isPlainObject, valuesAtPath } from "./paths";
import { compileRawConditions, compileRawEqualities, type RawMatcher, type RawOp } from "./raw-match";

const UNSUPPORTED = new Set(["$text", "$where", "$near", "$nearSphere", "$geoWithin", "$geoIntersects"]);

export interface Matcher {
  test(doc: Doc): boolean;
  /** Decides from the stored bytes alone where it can; `undefined`: decode and call `test`. */
  testRaw?: RawMatcher;
}

const MATCH_ALL: Matcher = { test: () => true, testRaw: () => true };

/**
 * Compiles a query filter; malformed filters throw the error mongod answers. `ctx`: the
 * operation's `let` variables (for `$expr`) and collation (string comparisons then go through
 * it, so the byte-level fast paths are skipped).
 */
export function compileFilter(filter: unknown, ctx?: QueryContext): Matcher {
  if (filter === undefined || filter === null) return MATCH_ALL;
  if (!isPlainObject(filter)) throw mongoError("TypeMismatch", "filter must be an object");
  if (Object.keys(filter).length === 0) return MATCH_ALL;
  checkOperators(filter);
  const extra = ctx ? mingoExtras(ctx) : undefined;
  if (ctx?.collation) return mingoMatcher(filter, extra);
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
        q ??= bsonQuery(filter, extra);
        return q.test(doc);
      },
      testRaw: compileRawConditions(ranges),
    };
  }
  return mingoMatcher(filter, extra);
}

function mingoMatcher(filter: Doc, extra: Partial<Options> | undefined): Matcher {
  // `$type: "int"` and the like need the stored number types: the decoded document is linked to
  // its exact form, decoded once more, only for such filters.
  const exactTypes = needsExactTypes(filter);
  try {
    const q = bsonQuery(filter, extra);
    return {
      test: (doc) => {
        try {
          if (exactTypes) {
            const exact = exactStored(doc);
            if (exact) linkTwins(doc, exact);
          }
          return q.test(doc);
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
    if (k === "$type") parseTypeSet(x);
    if ((k === "$and" || k === "$or" || k === "$nor") && (!Array.isArray(x) || x.length === 0)) {
      throw mongoError("BadValue", "$and/$or/$nor must be a nonempty array");
    }
    checkOperators(x);
  }
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
