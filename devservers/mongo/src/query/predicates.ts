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
  const add = (path: string, p: Omit<Pred, "path" | "conjunct">, conjunct: Conjunct) => {
    out.conjuncts.push(conjunct);
    const pred: Pred = { path, conjunct: out.conjuncts.length - 1, ...p };
    const list = out.preds.get(path);
    if (list) list.push(pred);
    else out.preds.set(path, [pred]);
  };
  const visit = (f: Doc) => {
    for (const field in f) {
      const cond = f[field];
      if (field === "$and" && Array.isArray(cond)) {
        for (const sub of cond) if (isPlainObject(sub)) visit(sub);
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
        if (pointable(cond)) {
          add(
            field,
            { oil: pointOil(cond), exact: cond !== null, points: true },
            f === filter && single ? f : { [field]: cond },
          );
        } else out.conjuncts.push({ [field]: cond });
        continue;
      }
      for (const [op, v] of Object.entries(cond)) {
        const conjunct: Conjunct = [field, op, v];
        if (op === "$eq" && pointable(v)) {
          add(field, { oil: pointsOil([v]), exact: v !== null, points: true }, conjunct);
        } else if (op === "$in" && Array.isArray(v) && v.length > 0 && v.every(pointable)) {
          add(field, { oil: pointsOil(v), exact: !v.includes(null), points: true }, conjunct);
        } else if (RANGE_OPS.has(op) && rangeOil(op, v)) {
          add(field, { oil: rangeOil(op, v)!, exact: true, points: false }, conjunct);
        } else if (op === "$elemMatch" && isOperatorObject(v)) {
          // The value form bounds the array's elements by all its conditions at once.
          let oil: Oil = FULL;
          let bounded = false;
          for (const [inner, x] of Object.entries(v)) {
            const r =
              inner === "$eq" && pointable(x)
                ? pointsOil([x])
                : RANGE_OPS.has(inner)
                  ? rangeOil(inner, x)
                  : undefined;
            if (r) {
              oil = intersectOil(oil, r);
              bounded = true;
            }
          }
          if (bounded) add(field, { oil, exact: false, points: false }, conjunct);
          else out.conjuncts.push(conjunct);
        } else out.conjuncts.push(conjunct);
      }
    }
  };
  const single = Object.keys(filter).length === 1;
  visit(filter);
  return out;
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
