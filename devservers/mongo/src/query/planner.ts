import type { Collection } from "../storage/collection";
import type { IndexStore } from "../storage/index-store";
import {
  FULL,
  inOil,
  intersectOil,
  isFull,
  isPoint,
  isUnionOfPoints,
  mayHoldStrings,
  type Oil,
} from "./bounds";
import { encodeKey } from "./compare";
import { compileFilter } from "./filter";
import { queryExecutorMetrics } from "./metrics";
import { type Doc, isPlainObject } from "./paths";
import { eachDoc, estimateKeys, type IxScan, type PlanNode } from "./plan-exec";
import { analyzeFilter, conjunctDoc, type FilterAnalysis, type Pred } from "./predicates";
import type { SortSpec } from "./sort";

/**
 * The query planner, following mongod 7.0's classic planner where it is observable (explain,
 * which plans avoid an in-memory sort):
 * - an index is a candidate when the filter bounds its first field; bounds per field are
 *   type-bracketed and intersected, except on a multikey field, where only one predicate bounds
 *   the scan (one candidate per predicate on a multikey first field) and fields sharing a
 *   multikey path prefix are not compounded;
 * - an index scan provides a sort on the fields after its equality (point) fields; a multikey
 *   field stops the sort unless it has an equality (then it is skipped) or full bounds;
 * - a sort not provided is obtained by exploding a union-of-points prefix (`$in`) into one scan
 *   per point merged in order (SORT_MERGE, at most 200 scans, no multikey field after the
 *   points), else by a blocking SORT;
 * - a top-level `$or` whose every branch can use an index (outer predicates pushed into the
 *   branches) is an OR of scans, or a SORT_MERGE when every branch provides the sort;
 * - with a sort and no plan providing it, an index whose key pattern gives the sort is scanned
 *   whole;
 * - between several candidates, the multi-planner's trial is estimated from the number of index
 *   keys in each candidate's bounds (exact counts by binary search on the sorted entries).
 */

export interface PlanOptions {
  /** An index name or key pattern (already validated); `$natural` is handled by the caller. */
  hint?: unknown;
  /** Documents wanted (skip + limit; 0 or absent: all): the trial period's target. */
  limit?: number;
  /** A non-simple collation: string bounds and index-provided sorts on strings are unusable. */
  collated?: boolean;
}

export interface Candidate {
  access: PlanNode;
  /** A SORT stage is needed above the access plan. */
  blocking: boolean;
  /** Conjuncts the index bounds answer exactly (the rest is the FETCH filter explain shows). */
  used?: number[];
  keys?: number;
}

export interface Plan {
  /**
   * Calls `visit` with each candidate document's stored bytes (a superset of the matches) in
   * plan order, until it returns false.
   */
  each(visit: (bytes: Buffer) => boolean): void;
  /** True when `docs` already come in the requested sort order. */
  sorted: boolean;
  winner: Candidate;
  rejected: Candidate[];
  analysis: FilterAnalysis;
}

const MAX_SCANS_TO_EXPLODE = 200;
const TRIAL_RESULTS = 101;

/** Picks how to answer `filter` (and `sort`) on `coll` and returns the candidate documents. */
export function plan(
  coll: Collection,
  filter: Doc,
  sort: SortSpec | undefined,
  opts: PlanOptions = {},
): Plan {
  const analysis = analyzeFilter(filter);
  const idPlan = idLookup(coll, filter, analysis, sort, opts);
  if (idPlan) return idPlan;
  const candidates = enumerate(coll, analysis, sort, opts);
  let winner: Candidate;
  let rejected: Candidate[] = [];
  if (candidates.length === 0) {
    winner = { access: { stage: "COLLSCAN" }, blocking: sort !== undefined };
  } else if (candidates.length === 1) {
    winner = candidates[0]!;
  } else {
    const ranked = rank(candidates, coll.docs.size, opts.limit);
    winner = ranked[0]!;
    rejected = ranked.slice(1);
  }
  const access = winner.access;
  return {
    each: (visit) => eachDoc(coll, access, visit),
    sorted: !winner.blocking,
    winner,
    rejected,
    analysis,
  };
}

/**
 * Equality or `$in` on `_id`: straight from the collection's map (mongod's IDHACK for a plain
 * `{_id: value}`, an `_id_` index scan otherwise), in `_id` order as that scan returns them.
 */
function idLookup(
  coll: Collection,
  filter: Doc,
  analysis: FilterAnalysis,
  sort: SortSpec | undefined,
  opts: PlanOptions,
): Plan | undefined {
  if (opts.hint !== undefined) return undefined;
  const preds = analysis.preds.get("_id")?.filter((p) => p.points);
  if (!preds?.length) return undefined;
  let oil: Oil = FULL;
  for (const p of preds) oil = intersectOil(oil, p.oil);
  const ids = oil.map((i) => i.lo.v);
  if (opts.collated && ids.some((v) => typeof v === "string")) return undefined;
  const keys = [...new Set(ids.map(encodeKey))];
  queryExecutorMetrics.scanned += keys.length;
  const docs = keys.map((k) => coll.docs.raw(k)).filter((d): d is Buffer => d !== undefined);
  const idIndex = coll.indexes[0]!;
  const simple =
    Object.keys(filter).length === 1 &&
    preds.length === 1 &&
    ids.length === 1 &&
    !isPlainObject(filter._id) &&
    !sort;
  const used = preds.filter((p) => p.exact).map((p) => p.conjunct);
  const access: PlanNode = simple
    ? { stage: "IDHACK" }
    : { stage: "IXSCAN", ix: idIndex, bounds: [oil], dir: 1 };
  const sorted =
    !sort || docs.length <= 1 || (sort.length === 1 && sort[0]![0] === "_id" && sort[0]![1] === 1);
  const winner: Candidate = { access, blocking: !sorted, used };
  const reversed = sort?.length === 1 && sort[0]![0] === "_id" && sort[0]![1] === -1;
  if (reversed && access.stage === "IXSCAN") {
    access.dir = -1;
    winner.blocking = false;
    docs.reverse();
    return { each: eachOf(docs), sorted: true, winner, rejected: [], analysis };
  }
  return { each: eachOf(docs), sorted, winner, rejected: [], analysis };
}

function eachOf(docs: Buffer[]): Plan["each"] {
  return (visit) => {
    for (const d of docs) if (!visit(d)) return;
  };
}

function usable(ix: IndexStore, analysis: FilterAnalysis, bounds: Oil[]): boolean {
  // Hidden indexes are kept up to date but never planned (collMod hidden), as in mongod.
  if (ix.spec.hidden) return false;
  // A sparse index leaves out documents missing every indexed field: usable only when the
  // bounds on its first field exclude null (a match must then have the field).
  if (ix.spec.sparse && inOil(null, bounds[0]!)) return false;
  if (ix.spec.partialFilterExpression && !implies(analysis, ix.spec.partialFilterExpression)) return false;
  return true;
}

/** Whether every match of the query is in the partial index (each partial condition is implied). */
function implies(analysis: FilterAnalysis, partial: Doc): boolean {
  const have = new Set(analysis.conjuncts.map((c) => encodeKey(conjunctDoc(c))));
  const needed = analyzeFilter(partial).conjuncts.map(conjunctDoc);
  return needed.every((cond) => {
    if (have.has(encodeKey(cond))) return true;
    // A query equality on the field whose value satisfies the condition implies it.
    const [field, want] = Object.entries(cond)[0] ?? [];
    if (!field || field.startsWith("$")) return false;
    const points = analysis.preds.get(field)?.filter((p) => p.points && isPoint(p.oil));
    if (!points?.length) return false;
    const test = compileFilter({ [field]: want });
    return points.some((p) => test.test({ [field]: p.oil[0]!.lo.v }));
  });
}

interface Bounded {
  bounds: Oil[];
  /** Conjuncts the bounds answer completely. */
  used: number[];
}

/**
 * Bounds of `ix` for the predicates. `leading`: the one predicate bounding a multikey first
 * field (mongod builds one plan per such predicate).
 */
function boundsFor(ix: IndexStore, preds: Map<string, Pred[]>, collated: boolean, leading?: Pred): Bounded {
  const n = ix.fields.length;
  const bounds: Oil[] = new Array(n);
  const used: number[] = [];
  for (let i = 0; i < n; i++) {
    const field = ix.fields[i]!;
    let list = preds.get(field);
    if (list && collated) list = list.filter((p) => !mayHoldStrings(p.oil));
    if (!list || list.length === 0) {
      bounds[i] = FULL;
      continue;
    }
    const multikeyPrefixes = ix.multikeyPaths[i]!;
    if (multikeyPrefixes.size === 0) {
      let oil: Oil = list[0]!.oil;
      if (list[0]!.exact) used.push(list[0]!.conjunct);
      for (let k = 1; k < list.length; k++) {
        oil = intersectOil(oil, list[k]!.oil);
        if (list[k]!.exact) used.push(list[k]!.conjunct);
      }
      bounds[i] = oil;
      continue;
    }
    // A multikey field: its bounds cannot be compounded with an earlier bounded field under the
    // same array, nor intersected across predicates (different elements may satisfy each).
    const sharesArray = ix.fields
      .slice(0, i)
      .some(
        (other, j) =>
          !isFull(bounds[j]!) && [...multikeyPrefixes].some((p) => other === p || other.startsWith(`${p}.`)),
      );
    if (sharesArray) {
      bounds[i] = FULL;
      continue;
    }
    const chosen = (i === 0 && leading) || list.find((p) => p.points) || list[0]!;
    bounds[i] = chosen.oil;
    if (chosen.exact) used.push(chosen.conjunct);
  }
  return { bounds, used };
}

/** The sort an index scan provides (mongod's computeSortsForScan): base pattern + equality fields. */
interface ProvidedSort {
  fields: string[];
  dirs: number[];
  equality: string[];
}

const EQUALITY = 1;
const IGNORED = 2;
const UNSUPPORTED = 3;

function providedSort(scan: IxScan, collated: boolean): ProvidedSort {
  const { ix, bounds } = scan;
  const n = ix.fields.length;
  // Per field: 0 plain, EQUALITY (point bounds: dropped from the pattern and from requested sorts),
  // IGNORED (points on a field that cannot sort: dropped from the pattern only), UNSUPPORTED (the
  // pattern stops there).
  const status: number[] = new Array(n);
  for (let i = 0; i < n; i++) status[i] = isPoint(bounds[i]!) ? EQUALITY : 0;
  const demote = (i: number) => {
    status[i] = status[i] === EQUALITY ? IGNORED : UNSUPPORTED;
  };
  if (collated) for (let i = 0; i < n; i++) if (mayHoldStrings(bounds[i]!)) demote(i);
  if (ix.multikey) {
    const multikey = ix.multikeyFields();
    for (let i = 0; i < n; i++) {
      if (multikey.has(ix.fields[i]!) && !multikeyCanSort(scan, ix.fields[i]!, multikey)) demote(i);
    }
  }
  const ps: ProvidedSort = { fields: [], dirs: [], equality: [] };
  let stopped = false;
  for (let i = 0; i < n; i++) {
    if (status[i] === EQUALITY) ps.equality.push(ix.fields[i]!);
    if (stopped || status[i] === EQUALITY || status[i] === IGNORED) continue;
    if (status[i] === UNSUPPORTED) {
      stopped = true;
      continue;
    }
    ps.fields.push(ix.fields[i]!);
    ps.dirs.push(ix.directions[i]! * scan.dir);
  }
  return ps;
}

/** SERVER-31898: a multikey field gives a sort only with full bounds, alone under its arrays. */
function multikeyCanSort(scan: IxScan, field: string, multikey: ReadonlySet<string>): boolean {
  const { ix, bounds } = scan;
  const at = ix.fields.indexOf(field);
  if (!isFull(bounds[at]!)) return false;
  return ix.fields.every((other, j) => {
    if (j === at || isFull(bounds[j]!) || !multikey.has(other)) return true;
    return commonPrefix(other, field) === 0;
  });
}

function commonPrefix(a: string, b: string): number {
  const x = a.split(".");
  const y = b.split(".");
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return n;
}

function provides(ps: ProvidedSort, sort: SortSpec, flip: 1 | -1 = 1): boolean {
  let at = 0;
  for (const [f, d] of sort) {
    if (ps.equality.includes(f)) continue;
    if (at >= ps.fields.length || ps.fields[at] !== f || ps.dirs[at]! * flip !== d) return false;
    at++;
  }
  return true;
}

function reversed(sort: SortSpec): SortSpec {
  return sort.map(([f, d]) => [f, d === 1 ? -1 : 1]);
}

/** An IXSCAN with its direction set to provide `sort`, or the SORT_MERGE/blocking answer. */
function withSort(
  scan: PlanNode,
  sort: SortSpec | undefined,
  collated: boolean,
): { access: PlanNode; blocking: boolean } {
  if (!sort) return { access: scan, blocking: false };
  if (scan.stage === "IXSCAN") {
    // The backward scan provides the reversed patterns of the forward one.
    const ps = providedSort(scan, collated);
    if (provides(ps, sort)) return { access: scan, blocking: false };
    if (provides(ps, sort, -1)) return { access: { ...scan, dir: scan.dir === 1 ? -1 : 1 }, blocking: false };
  }
  const exploded = explodeForSort(scan, sort, collated);
  return exploded ? { access: exploded, blocking: false } : { access: scan, blocking: true };
}

/** mongod's explodeForSort: a union-of-points prefix becomes one scan per point, merged in order. */
function explodeForSort(root: PlanNode, sort: SortSpec, collated: boolean): PlanNode | undefined {
  const scans = root.stage === "IXSCAN" ? [root] : root.stage === "OR" ? root.children : undefined;
  if (!scans) return undefined;
  const children: IxScan[] = [];
  let total = 0;
  for (const scan of scans) {
    const { ix, bounds } = scan;
    let points = 0;
    let numScans = 1;
    while (points < ix.fields.length && isUnionOfPoints(bounds[points]!)) {
      numScans *= bounds[points]!.length;
      points++;
    }
    if (points === 0 || points === ix.fields.length) return undefined;
    const multikey = ix.multikeyFields();
    const rest: [string, 1 | -1][] = [];
    for (let i = points; i < ix.fields.length; i++) {
      if (multikey.has(ix.fields[i]!)) return undefined;
      rest.push([ix.fields[i]!, ix.directions[i]! as 1 | -1]);
    }
    const prefixOf = (s: SortSpec, of: [string, 1 | -1][]) =>
      s.length <= of.length && s.every(([f, d], i) => of[i]![0] === f && of[i]![1] === d);
    let dir: 1 | -1;
    if (prefixOf(sort, rest)) dir = 1;
    else if (prefixOf(reversed(sort), rest)) dir = -1;
    else return undefined;
    if (collated && sort.some(([f]) => mayHoldStrings(bounds[ix.fields.indexOf(f)]!))) return undefined;
    total += numScans;
    // The Cartesian product of the point prefixes, each scan keeping the rest of the bounds.
    let prefixes: Oil[][] = [[]];
    for (let i = 0; i < points; i++) {
      prefixes = prefixes.flatMap((p) => bounds[i]!.map((iv) => [...p, [iv]]));
    }
    for (const p of prefixes)
      children.push({ stage: "IXSCAN", ix, bounds: [...p, ...bounds.slice(points)], dir });
  }
  if (total > MAX_SCANS_TO_EXPLODE) return undefined;
  return { stage: "SORT_MERGE", sort, children };
}

function enumerate(
  coll: Collection,
  analysis: FilterAnalysis,
  sort: SortSpec | undefined,
  opts: PlanOptions,
): Candidate[] {
  const collated = opts.collated === true;
  const hinted = opts.hint === undefined ? undefined : hintedIndex(coll, opts.hint);
  const indexes = hinted ? [hinted] : coll.indexes;
  const out: Candidate[] = [];
  for (const ix of indexes) {
    const onLeading = analysis.preds.get(ix.fields[0]!);
    if (!onLeading) continue;
    const leadingPreds = collated ? onLeading.filter((p) => !mayHoldStrings(p.oil)) : onLeading;
    if (ix.multikeyPaths[0]!.size > 0 && leadingPreds.length > 1) {
      // mongod plans each predicate on a multikey first field separately.
      for (const leading of leadingPreds) candidate(out, ix, analysis, sort, collated, hinted, leading);
    } else candidate(out, ix, analysis, sort, collated, hinted, undefined);
  }
  if (analysis.or && !hinted) {
    const or = containedOr(coll, analysis, sort, collated);
    if (or) out.push(or);
  }
  if (hinted && out.length === 0) {
    // A hinted index the filter does not bound is scanned whole.
    const scan: IxScan = { stage: "IXSCAN", ix: hinted, bounds: hinted.fields.map(() => FULL), dir: 1 };
    out.push({ ...withSort(scan, sort, collated), used: [] });
  }
  if (sort && !out.some((c) => !c.blocking)) {
    // No plan provides the sort: an index whose key pattern does, scanned whole.
    for (const ix of hinted ? [] : coll.indexes) {
      if (ix.spec.hidden || ix.spec.sparse) continue;
      if (ix.spec.partialFilterExpression && !implies(analysis, ix.spec.partialFilterExpression)) continue;
      const scan: IxScan = { stage: "IXSCAN", ix, bounds: ix.fields.map(() => FULL), dir: 1 };
      const ps = providedSort(scan, collated);
      if (provides(ps, sort)) out.push({ access: scan, blocking: false });
      else if (provides(ps, sort, -1)) out.push({ access: { ...scan, dir: -1 }, blocking: false });
    }
  }
  return out;
}

function candidate(
  out: Candidate[],
  ix: IndexStore,
  analysis: FilterAnalysis,
  sort: SortSpec | undefined,
  collated: boolean,
  hinted: IndexStore | undefined,
  leading: Pred | undefined,
): void {
  const { bounds, used } = boundsFor(ix, analysis.preds, collated, leading);
  if (isFull(bounds[0]!) || (!hinted && !usable(ix, analysis, bounds))) return;
  const scan: IxScan = { stage: "IXSCAN", ix, bounds, dir: 1 };
  if (!sort) {
    out.push({ access: scan, blocking: false, used });
    return;
  }
  const { access, blocking } = withSort(scan, sort, collated);
  out.push({ access, blocking, used });
}

function hintedIndex(coll: Collection, hint: unknown): IndexStore | undefined {
  if (typeof hint === "string") return coll.findIndex(hint);
  if (isPlainObject(hint)) return coll.indexes.find((i) => encodeKey(i.spec.key) === encodeKey(hint));
  return undefined;
}

/**
 * A top-level `$or` answered branch by branch: each branch needs an index bounded by one of its
 * own predicates (the outer predicates pushed into it bound that index's leading fields).
 */
function containedOr(
  coll: Collection,
  analysis: FilterAnalysis,
  sort: SortSpec | undefined,
  collated: boolean,
) {
  const outer = new Map<string, Pred[]>();
  for (const [path, list] of analysis.preds) outer.set(path, list);
  const children: IxScan[] = [];
  for (const branch of analysis.or!.branches) {
    const own = analyzeFilter(branch);
    const combined = new Map<string, Pred[]>();
    const ownPreds = new Set<Pred>();
    for (const [path, list] of own.preds) {
      combined.set(path, [...list]);
      for (const p of list) ownPreds.add(p);
    }
    for (const [path, list] of outer) combined.set(path, [...(combined.get(path) ?? []), ...list]);
    // With a sort, a branch scan that provides it beats a smaller one that does not (the
    // trial would rank the blocking OR below the merge).
    let best: { scan: IxScan; keys: number; sorted: boolean } | undefined;
    for (const ix of coll.indexes) {
      const { bounds } = boundsFor(ix, combined, collated);
      if (isFull(bounds[0]!) || !usable(ix, analysis, bounds)) continue;
      // The branch must bound this index itself, not just through the outer predicates.
      const byBranch = ix.fields.some((f) =>
        own.preds.get(f)?.some((p) => !collated || !mayHoldStrings(p.oil)),
      );
      if (!byBranch) continue;
      const scan: IxScan = { stage: "IXSCAN", ix, bounds, dir: 1 };
      const keys = estimateKeys(scan);
      const sorted = sort !== undefined && provides(providedSort(scan, collated), sort);
      if (!best || (sorted && !best.sorted) || (sorted === best.sorted && keys < best.keys)) {
        best = { scan, keys, sorted };
      }
    }
    if (!best) return undefined;
    children.push(best.scan);
  }
  if (!sort) return { access: { stage: "OR", children } as PlanNode, blocking: false };
  if (children.every((c) => provides(providedSort(c, collated), sort))) {
    return { access: { stage: "SORT_MERGE", sort, children } as PlanNode, blocking: false };
  }
  return withSort({ stage: "OR", children }, sort, collated);
}

/**
 * The multi-planner's trial, estimated: every plan runs until one has produced the wanted number
 * of results or reached its end. A plan providing the sort yields results at the rate its bounds
 * contain matches (at most the tightest plan's key count); a blocking sort yields nothing until
 * it has read all its keys. The most productive plan wins; ties go to fewer keys.
 */
function rank(candidates: Candidate[], collectionSize: number, limit: number | undefined): Candidate[] {
  for (const c of candidates) c.keys ??= estimateKeys(c.access);
  const matches = Math.min(...candidates.map((c) => c.keys!));
  const want = limit && limit > 0 ? Math.min(limit, TRIAL_RESULTS) : TRIAL_RESULTS;
  const works = (c: Candidate) => {
    const k = Math.max(c.keys!, 1);
    if (c.blocking) return k + Math.min(matches, want);
    return matches >= want ? (want * k) / Math.max(matches, 1) : k;
  };
  const trial = Math.max(1, Math.min(Math.max(10_000, 0.3 * collectionSize), ...candidates.map(works)));
  const score = (c: Candidate) => {
    const k = Math.max(c.keys!, 1);
    if (c.blocking) return trial >= k ? Math.min(matches, want, trial - k) / trial : 0;
    return Math.min(want, matches, (trial * matches) / k) / trial;
  };
  const scored = candidates.map((c, order) => ({ c, s: score(c), order }));
  scored.sort(
    (a, b) =>
      b.s - a.s || Number(a.c.blocking) - Number(b.c.blocking) || a.c.keys! - b.c.keys! || a.order - b.order,
  );
  return scored.map((x) => x.c);
}
