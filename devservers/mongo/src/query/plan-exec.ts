import type { Collection } from "../storage/collection";
import type { IndexEntry, IndexStore, KeyRange } from "../storage/index-store";
import { inOil, isFull, isUnionOfPoints, keyRange, type Oil } from "./bounds";
import { compareValues } from "./compare";
import { queryExecutorMetrics } from "./metrics";
import type { SortSpec } from "./sort";

/** One index scan: bounds per index field (ascending value order), scanned forward or backward. */
export interface IxScan {
  stage: "IXSCAN";
  ix: IndexStore;
  bounds: Oil[];
  dir: 1 | -1;
}

export type PlanNode =
  | { stage: "COLLSCAN" }
  | { stage: "IDHACK" }
  | IxScan
  | { stage: "SORT_MERGE"; sort: SortSpec; children: IxScan[] }
  | { stage: "OR"; children: IxScan[] };

const NO_PREFIX: unknown[] = [];
const NO_CHECKS: [number, Oil][] = [];

/** Past this many point combinations, a field is scanned as one range and checked per key. */
const MAX_POINT_RUNS = 1024;

interface Run {
  prefix: unknown[];
  range?: KeyRange;
}

interface Runs {
  runs: Run[];
  /** Index fields past the scanned ones whose bounds each key must still satisfy. */
  checks: [number, Oil][];
}

/**
 * The contiguous stretches of the index a scan visits, in scan order: the Cartesian product of
 * the leading point fields, times the intervals of the next field; later bounds are checked on
 * each key (as mongod's index scan skips keys outside them).
 */
function runsOf(scan: IxScan): Runs {
  const { ix, bounds } = scan;
  const n = ix.fields.length;
  if (n === 1 && bounds[0]!.length === 1) {
    // One field, one interval: the common case, without the general machinery.
    const iv = bounds[0]![0]!;
    const point = iv.lo.incl && iv.hi.incl && iv.lo.v === iv.hi.v;
    return {
      runs: [point ? { prefix: [iv.lo.v] } : { prefix: NO_PREFIX, range: keyRange(iv) }],
      checks: NO_CHECKS,
    };
  }
  let prefixes: unknown[][] = [[]];
  let i = 0;
  for (; i < n; i++) {
    const oil = bounds[i]!;
    if (!isUnionOfPoints(oil) || prefixes.length * oil.length > MAX_POINT_RUNS) break;
    const points = oil.map((iv) => iv.lo.v);
    if (ix.directions[i] === -1) points.reverse();
    prefixes = prefixes.flatMap((p) => points.map((v) => [...p, v]));
  }
  const checks: [number, Oil][] = [];
  let runs: Run[] = prefixes.map((prefix) => ({ prefix }));
  if (i < n && !isFull(bounds[i]!)) {
    let oil = bounds[i]!;
    if (isUnionOfPoints(oil) && oil.length > 1) {
      // Too many point combinations: one range over the points, each key checked.
      checks.push([i, oil]);
      oil = [{ lo: oil[0]!.lo, hi: oil[oil.length - 1]!.hi }];
    }
    const intervals = ix.directions[i] === -1 ? [...oil].reverse() : oil;
    runs = prefixes.flatMap((prefix) => intervals.map((iv) => ({ prefix, range: keyRange(iv) })));
    i++;
  }
  for (let j = i; j < n; j++) if (!isFull(bounds[j]!)) checks.push([j, bounds[j]!]);
  if (scan.dir === -1) runs.reverse();
  return { runs, checks };
}

/** The keys within a scan's bounds, in scan order (a multikey index may list a document twice). */
function* scanEntries(scan: IxScan): Generator<IndexEntry> {
  const { ix } = scan;
  const { runs, checks } = runsOf(scan);
  for (const run of runs) {
    for (const e of ix.scan(run.prefix, run.range, scan.dir === -1)) {
      queryExecutorMetrics.scanned++;
      if (checks.length && !checks.every(([j, oil]) => inOil(ix.part(e.key, j), oil))) continue;
      yield e;
    }
  }
}

/** Index keys in the scans' bounds (the leading point fields and the first range, exactly). */
export function estimateKeys(node: PlanNode): number {
  if (node.stage === "IXSCAN") {
    let total = 0;
    for (const run of runsOf(node).runs) total += node.ix.count(run.prefix, run.range);
    return total;
  }
  if (node.stage === "SORT_MERGE" || node.stage === "OR") {
    return node.children.reduce((sum, c) => sum + estimateKeys(c), 0);
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * Calls `visit` with the stored bytes of each document an access plan produces, each once, in
 * its order, until `visit` returns false. Callbacks rather than generators: the hot path of every
 * indexed find allocates nothing per document.
 */
export function eachDoc(coll: Collection, node: PlanNode, visit: (bytes: Buffer) => boolean): void {
  if (node.stage === "COLLSCAN" || node.stage === "IDHACK") {
    for (const bytes of coll.docs.rawValues()) if (!visit(bytes)) return;
    return;
  }
  const seen = node.stage !== "IXSCAN" || node.ix.multikey ? new Set<string>() : undefined;
  const onEntry = (e: IndexEntry) => {
    if (seen) {
      if (seen.has(e.id)) return true;
      seen.add(e.id);
    }
    const bytes = coll.docs.raw(e.id);
    return bytes ? visit(bytes) : true;
  };
  if (node.stage === "IXSCAN") {
    eachEntry(node, onEntry);
    return;
  }
  if (node.stage === "OR") {
    for (const c of node.children) if (!eachEntry(c, onEntry)) return;
    return;
  }
  for (const e of mergeEntries(node.children, node.sort)) if (!onEntry(e)) return;
}

function eachEntry(scan: IxScan, visit: (e: IndexEntry) => boolean): boolean {
  const { ix } = scan;
  const { runs, checks } = runsOf(scan);
  const reverse = scan.dir === -1;
  const onKey = (e: IndexEntry) => {
    queryExecutorMetrics.scanned++;
    for (let c = 0; c < checks.length; c++) {
      const [j, oil] = checks[c]!;
      if (!inOil(ix.part(e.key, j), oil)) return true;
    }
    return visit(e);
  };
  for (const run of runs) if (!ix.each(run.prefix, run.range, reverse, onKey)) return false;
  return true;
}

/** SORT_MERGE: the children each come in sort order; the smallest head goes next. */
function* mergeEntries(children: IxScan[], sort: SortSpec): Generator<IndexEntry> {
  const streams = children.map((c) => ({
    it: scanEntries(c),
    positions: sort.map(([f]) => c.ix.fields.indexOf(f)),
    ix: c.ix,
    head: undefined as IndexEntry | undefined,
  }));
  const keyOf = (s: (typeof streams)[number], e: IndexEntry) =>
    s.positions.map((p) => (p < 0 ? null : s.ix.part(e.key, p)));
  const heads: { s: (typeof streams)[number]; e: IndexEntry; key: unknown[] }[] = [];
  for (const s of streams) {
    const r = s.it.next();
    if (!r.done) heads.push({ s, e: r.value, key: keyOf(s, r.value) });
  }
  const cmp = (a: unknown[], b: unknown[]) => {
    for (let i = 0; i < sort.length; i++) {
      const c = compareValues(a[i], b[i]) * sort[i]![1];
      if (c !== 0) return c;
    }
    return 0;
  };
  while (heads.length) {
    let best = 0;
    for (let i = 1; i < heads.length; i++) if (cmp(heads[i]!.key, heads[best]!.key) < 0) best = i;
    const h = heads[best]!;
    yield h.e;
    const r = h.s.it.next();
    if (r.done) heads.splice(best, 1);
    else heads[best] = { s: h.s, e: r.value, key: keyOf(h.s, r.value) };
  }
}
