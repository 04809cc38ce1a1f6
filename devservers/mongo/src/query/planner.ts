import type { Collection } from "../storage/collection";
import type { IndexStore, KeyRange } from "../storage/index-store";
import { compareValues, encodeKey, typeRank } from "./compare";
import { queryExecutorMetrics } from "./metrics";
import { type Doc, isPlainObject } from "./paths";
import type { SortSpec } from "./sort";

interface FieldBounds {
  eq?: unknown;
  in?: unknown[];
  range?: KeyRange;
}

export interface Plan {
  /** Candidate documents' stored bytes (a superset of the matches), lazily produced. */
  docs: Iterable<Buffer>;
  /** True when `docs` already come in the requested sort order. */
  sorted: boolean;
  index?: string;
  /** The index scan runs backwards (a descending sort on an ascending index, or vice versa). */
  reverse?: boolean;
}

/** Values an index can look up exactly: numbers, strings, ObjectId, bool, Date. */
function indexable(v: unknown): boolean {
  const r = typeRank(v);
  return r === 3 || r === 4 || r === 8 || r === 9 || r === 10;
}

/** Per top-level field, the equality / $in / range conditions an index could serve. */
function boundsOf(filter: Doc): Map<string, FieldBounds> {
  const out = new Map<string, FieldBounds>();
  const visit = (f: Doc) => {
    for (const [field, cond] of Object.entries(f)) {
      if (field === "$and" && Array.isArray(cond)) {
        for (const sub of cond) if (isPlainObject(sub)) visit(sub);
        continue;
      }
      if (field.startsWith("$")) continue;
      const b: FieldBounds = out.get(field) ?? {};
      if (isPlainObject(cond) && Object.keys(cond).some((k) => k.startsWith("$"))) {
        for (const [op, v] of Object.entries(cond)) {
          if (op === "$eq" && indexable(v)) b.eq = v;
          else if (op === "$in" && Array.isArray(v) && v.length > 0 && v.every(indexable)) b.in = v;
          else if ((op === "$gt" || op === "$gte") && indexable(v)) {
            b.range = { ...b.range, min: { value: v, inclusive: op === "$gte" } };
          } else if ((op === "$lt" || op === "$lte") && indexable(v)) {
            b.range = { ...b.range, max: { value: v, inclusive: op === "$lte" } };
          }
        }
      } else if (indexable(cond)) b.eq = cond;
      out.set(field, b);
    }
  };
  visit(filter);
  return out;
}

interface Candidate {
  ix: IndexStore;
  score: number;
  prefix: unknown[];
  points?: unknown[];
  range?: KeyRange;
  sorted: boolean;
  reverse: boolean;
}

function sortCoverage(ix: IndexStore, from: number, sort: SortSpec | undefined) {
  if (!sort || ix.multikey) return { sorted: !sort, reverse: false };
  if (sort.length + from > ix.fields.length) return { sorted: false, reverse: false };
  let same = true;
  let opposite = true;
  for (let i = 0; i < sort.length; i++) {
    const [field, dir] = sort[i]!;
    if (ix.fields[from + i] !== field) return { sorted: false, reverse: false };
    if (ix.directions[from + i] === dir) opposite = false;
    else same = false;
  }
  return { sorted: same || opposite, reverse: !same && opposite };
}

/** Picks the index serving the filter (equality prefix, $in, range) and/or the sort best. */
export function plan(coll: Collection, filter: Doc, sort: SortSpec | undefined): Plan {
  const bounds = boundsOf(filter);
  // Equality or $in on _id: straight from the collection's map.
  const id = bounds.get("_id");
  const ids = id?.eq !== undefined ? [id.eq] : id?.in;
  if (ids) {
    // In index order, as mongod's IXSCAN over the $in points returns them.
    const keys = [...new Set([...ids].sort(compareValues).map(encodeKey))];
    queryExecutorMetrics.scanned += keys.length;
    const docs = keys.map((k) => coll.docs.raw(k)).filter((d): d is Buffer => d !== undefined);
    return { docs, sorted: !sort || docs.length <= 1, index: "_id_" };
  }
  let best: Candidate | undefined;
  for (const ix of coll.indexes) {
    // Sparse and partial indexes leave documents out: they cannot answer for the whole collection.
    // Hidden indexes are kept up to date but never planned (collMod hidden), as in mongod.
    if (ix.spec.sparse || ix.spec.partialFilterExpression || ix.spec.hidden) continue;
    const prefix: unknown[] = [];
    while (prefix.length < ix.fields.length) {
      const b = bounds.get(ix.fields[prefix.length]!);
      if (b?.eq === undefined && b?.in?.length !== 1) break;
      prefix.push(b.eq !== undefined ? b.eq : b.in![0]);
    }
    const next = bounds.get(ix.fields[prefix.length] ?? "");
    let score = prefix.length * 10;
    let points: unknown[] | undefined;
    let range: KeyRange | undefined;
    if (prefix.length === 0 && next?.in) {
      const dir = ix.directions[0]!;
      points = [...next.in].sort((a, b) => compareValues(a, b) * dir);
      score += 8;
    } else if (next?.range && !ix.multikey && prefix.length < ix.fields.length) {
      range = next.range;
      score += 5;
    }
    const cov = points ? { sorted: !sort, reverse: false } : sortCoverage(ix, prefix.length, sort);
    if (sort && cov.sorted) score += 3;
    if (score === 0) continue;
    if (ix.unique && prefix.length === ix.fields.length) score += 100;
    if (!best || score > best.score) best = { ix, score, prefix, points, range, ...cov };
  }
  if (!best) return { docs: coll.docs.rawValues(), sorted: !sort };
  return { docs: fetch(coll, best), sorted: best.sorted, index: best.ix.name, reverse: best.reverse };
}

function* fetch(coll: Collection, c: Candidate): Generator<Buffer> {
  const seen = c.ix.multikey || c.points ? new Set<string>() : undefined;
  const scans = c.points
    ? c.points.map((p) => c.ix.scan([p], undefined, false))
    : [c.ix.scan(c.prefix, c.range, c.reverse)];
  for (const scan of scans) {
    for (const e of scan) {
      queryExecutorMetrics.scanned++;
      if (seen) {
        if (seen.has(e.id)) continue;
        seen.add(e.id);
      }
      const bytes = coll.docs.raw(e.id);
      if (bytes) yield bytes;
    }
  }
}
