import { FULL, intersectOil, type Oil, pointable, pointOil, pointsOil, rangeOil } from "./bounds";
import { type Doc, isPlainObject } from "./paths";

/**
 * A filter split the way mongod's planner sees it: top-level conjuncts (`$and` flattened, one per
 * field operator), the bounds each field predicate could give an index, and the first `$or`.
 */
export interface Pred {
  path: string;
  oil: Oil;
  /** The bounds answer the predicate completely (mongod's "exact" tightness): no residual filter. */
  exact: boolean;
  /** Equality or `$in`: point bounds. */
  points: boolean;
  /** Index of the conjunct this predicate came from. */
  conjunct: number;
}

/** A conjunct: a filter document, or `[field, op, value]` built into one only for explain. */
export type Conjunct = Doc | [string, string, unknown];

export interface FilterAnalysis {
  conjuncts: Conjunct[];
  preds: Map<string, Pred[]>;
  /** The branches of the first top-level `$or`, and its conjunct's index. */
  or?: { branches: Doc[]; conjunct: number };
}

const RANGE_OPS = new Set(["$gt", "$gte", "$lt", "$lte"]);

function isOperatorObject(v: unknown): v is Doc {
  return isPlainObject(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => k.startsWith("$"));
}

export function analyzeFilter(filter: Doc): FilterAnalysis {
  const out: FilterAnalysis = { conjuncts: [], preds: new Map() };
  let fields = 0;
  for (const _ in filter) fields++;
  visit(out, filter, fields === 1 ? filter : undefined);
  return out;
}

function add(
  out: FilterAnalysis,
  path: string,
  oil: Oil,
  exact: boolean,
  points: boolean,
  conjunct: Conjunct,
): void {
  out.conjuncts.push(conjunct);
  const pred: Pred = { path, oil, exact, points, conjunct: out.conjuncts.length - 1 };
  const list = out.preds.get(path);
  if (list) list.push(pred);
  else out.preds.set(path, [pred]);
}

/** `single`: the filter itself when it has one field (its own conjunct, no copy). */
function visit(out: FilterAnalysis, f: Doc, single: Doc | undefined): void {
  for (const field in f) {
    const cond = f[field];
    if (field === "$and" && Array.isArray(cond)) {
      for (const sub of cond) if (isPlainObject(sub)) visit(out, sub, undefined);
      continue;
    }
    if (field === "$or" && Array.isArray(cond) && !out.or && cond.every(isPlainObject)) {
      out.conjuncts.push({ $or: cond });
      out.or = { branches: cond as Doc[], conjunct: out.conjuncts.length - 1 };
      continue;
    }
    if (field.startsWith("$")) {
      out.conjuncts.push({ [field]: cond });
      continue;
    }
    if (!isOperatorObject(cond)) {
      if (pointable(cond)) add(out, field, pointOil(cond), cond !== null, true, single ?? { [field]: cond });
      else out.conjuncts.push({ [field]: cond });
      continue;
    }
    for (const op in cond) {
      const v = cond[op];
      const conjunct: Conjunct = [field, op, v];
      if (op === "$eq" && pointable(v)) {
        add(out, field, pointOil(v), v !== null, true, conjunct);
        continue;
      }
      if (op === "$in" && Array.isArray(v) && v.length > 0 && v.every(pointable)) {
        add(out, field, pointsOil(v), !v.includes(null), true, conjunct);
        continue;
      }
      const range = RANGE_OPS.has(op) ? rangeOil(op, v) : undefined;
      if (range) {
        add(out, field, range, true, false, conjunct);
        continue;
      }
      if (op === "$elemMatch" && isOperatorObject(v)) {
        // The value form bounds the array's elements by all its conditions at once.
        let oil: Oil = FULL;
        let bounded = false;
        for (const [inner, x] of Object.entries(v)) {
          const r =
            inner === "$eq" && pointable(x)
              ? pointOil(x)
              : RANGE_OPS.has(inner)
                ? rangeOil(inner, x)
                : undefined;
          if (r) {
            oil = intersectOil(oil, r);
            bounded = true;
          }
        }
        if (bounded) {
          add(out, field, oil, false, false, conjunct);
          continue;
        }
      }
      out.conjuncts.push(conjunct);
    }
  }
}

export function conjunctDoc(c: Conjunct): Doc {
  return Array.isArray(c) ? { [c[0]]: { [c[1]]: c[2] } } : c;
}

/** The conjuncts not in `used`, as one filter document (mongod's residual FETCH filter). */
export function residualFilter(a: FilterAnalysis, used: Set<number>): Doc | undefined {
  const rest = a.conjuncts.filter((_, i) => !used.has(i)).map(conjunctDoc);
  if (rest.length === 0) return undefined;
  if (rest.length === 1) return rest[0];
  return { $and: rest };
}
