import { bm25Score, bm25Scorer, idf, phraseIdf } from "../index/bm25";
import { compareUtf8, type DocList } from "../index/keyword-field";
import type { Segment } from "../index/segment";
import type { TermPostings } from "../index/text-field";
import type { FieldDef } from "../mapping/field-def";
import type { Query } from "./ast";

const f = Math.fround;
// Bound locally: imported functions are module getters in the transpiled code (hot loops).
const score = bm25Score;

/**
 * Scratch arrays, reused: a query allocates a few dense arrays per clause, and at 10,000
 * documents fresh ones cost more in garbage collection than the scoring itself. Arrays handed
 * back with `release` are zeroed when taken again. Only this module's intermediates come back;
 * results handed outside are left to the GC.
 */
const pools = {
  f64: new Map<number, Float64Array[]>(),
  u8: new Map<number, Uint8Array[]>(),
  u16: new Map<number, Uint16Array[]>(),
};
const POOL_DEPTH = 12;

function take<T extends Float64Array | Uint8Array | Uint16Array>(
  map: Map<number, T[]>,
  n: number,
  make: (n: number) => T,
): T {
  const a = map.get(n)?.pop();
  if (a) {
    a.fill(0);
    return a;
  }
  return make(n);
}
const f64 = (n: number) => take(pools.f64, n, (k) => new Float64Array(k));
const u8 = (n: number) => take(pools.u8, n, (k) => new Uint8Array(k));
const u16 = (n: number) => take(pools.u16, n, (k) => new Uint16Array(k));

function release(...arrays: (Float64Array | Uint8Array | Uint16Array | null | undefined)[]): void {
  for (const a of arrays) {
    if (!a) continue;
    const map = (
      a instanceof Float64Array ? pools.f64 : a instanceof Uint16Array ? pools.u16 : pools.u8
    ) as Map<number, (typeof a)[]>;
    if (map.size > 8 && !map.has(a.length)) map.clear();
    let list = map.get(a.length);
    if (!list) {
      list = [];
      map.set(a.length, list);
    }
    if (list.length < POOL_DEPTH) list.push(a);
  }
}

/** Matching documents (1 per doc id) and their scores (floats, as Lucene computes them). */
export interface Scored {
  match: Uint8Array;
  score: Float64Array;
}

/**
 * Evaluates compiled queries over a segment, one dense array per clause (indexes of this
 * server's size make that cheaper than iterator trees). Scoring follows Lucene's: BM25 for
 * terms and phrases, sums for bool (in double, rounded to float per group of clauses),
 * max + tie_breaker × rest for dis_max, the boost for constant-score queries; boosts multiply
 * down the tree as Lucene passes them into the leaves.
 */
export class Executor {
  readonly n: number;

  constructor(readonly seg: Segment) {
    // Documents added since the last refresh are not visible yet.
    this.n = seg.visibleMaxDoc;
  }

  private empty(): Scored {
    return { match: u8(this.n), score: f64(this.n) };
  }

  /** All live documents. */
  liveBits(): Uint8Array {
    const bits = new Uint8Array(this.n);
    const del = this.seg.deleted;
    for (let d = 0; d < this.n; d++) bits[d] = del[d] ? 0 : 1;
    return bits;
  }

  scores(q: Query, parentBoost = 1): Scored {
    const boost = q.kind === "none" ? 0 : f(parentBoost * q.boost);
    switch (q.kind) {
      case "none":
        return this.empty();
      case "term":
      case "phrase": {
        const out = this.empty();
        const count = u8(this.n);
        this.addScored(q, boost, out.score, count);
        for (let d = 0; d < this.n; d++) out.match[d] = count[d]! > 0 ? 1 : 0;
        release(count);
        return out;
      }
      case "bool":
        return this.bool(q, boost);
      case "dis_max":
        return this.disMax(q, boost);
      case "constant": {
        const match = this.filter(q.filter);
        return { match, score: constantScores(match, boost) };
      }
      default: {
        // Every other query scores its boost (Lucene's ConstantScoreQuery around a filter).
        const match = this.filter(q);
        return { match, score: constantScores(match, boost) };
      }
    }
  }

  /** Adds a term's or phrase's BM25 score into `sum` and counts the match, without allocating. */
  private addScored(q: Query, boost: number, sum: Float64Array, count: Uint8Array | Uint16Array): void {
    const del = this.seg.deleted;
    if (q.kind === "term") {
      if (q.def.type === "text") {
        const field = this.seg.text.get(q.def.path);
        const p = field?.terms.get(q.term);
        if (!field || !p) return;
        const df = livePostings(p.docs, p.n, del, this.n);
        if (df === 0) return;
        const scorer = bm25Scorer(boost, idf(df, field.docCount), field.sumTotalTermFreq, field.docCount);
        const norms = field.norms;
        for (let i = 0; i < p.n; i++) {
          const d = p.docs[i]!;
          if (d >= this.n) break;
          if (del[d]) continue;
          sum[d] = sum[d]! + score(scorer, p.freqs[i]!, norms[d]!);
          count[d] = count[d]! + 1;
        }
        return;
      }
      const field = this.seg.keyword.get(q.def.path);
      const list = field?.terms.get(q.term);
      if (!field || !list) return;
      const df = livePostings(list.docs, list.n, del, this.n);
      if (df === 0) return;
      // Keyword and boolean fields have no norms and no frequencies: freq 1, norm byte 1.
      const scorer = bm25Scorer(boost, idf(df, field.docCount), field.sumDocFreq, field.docCount);
      const s = bm25Score(scorer, 1, 1);
      for (let i = 0; i < list.n; i++) {
        const d = list.docs[i]!;
        if (d >= this.n) break;
        if (del[d]) continue;
        sum[d] = sum[d]! + s;
        count[d] = count[d]! + 1;
      }
      return;
    }
    if (q.kind === "phrase") {
      this.phrase(q, boost, sum, count);
      return;
    }
    const r = this.scores(q, boost);
    for (let d = 0; d < this.n; d++) {
      if (r.match[d]) {
        sum[d] = sum[d]! + r.score[d]!;
        count[d] = count[d]! + 1;
      }
    }
    release(r.match, r.score);
  }

  private phrase(
    q: Extract<Query, { kind: "phrase" }>,
    boost: number,
    sum: Float64Array,
    count: Uint8Array | Uint16Array,
  ): void {
    const field = this.seg.text.get(q.def.path);
    if (!field) return;
    const del = this.seg.deleted;
    const lists: TermPostings[] = [];
    for (const t of q.terms) {
      const p = field.terms.get(t);
      if (!p) return;
      lists.push(p);
    }
    const idfs = lists.map((p) => idf(livePostings(p.docs, p.n, del, this.n), field.docCount));
    const scorer = bm25Scorer(boost, phraseIdf(idfs), field.sumTotalTermFreq, field.docCount);
    const k = lists.length;
    const idx = new Int32Array(k);
    const pos = new Int32Array(k); // start of the current doc's positions in each list
    const lead = lists[0]!;
    while (idx[0]! < lead.n) {
      const d = lead.docs[idx[0]!]!;
      if (d >= this.n) break;
      let all = true;
      for (let t = 1; t < k; t++) {
        const p = lists[t]!;
        while (idx[t]! < p.n && p.docs[idx[t]!]! < d) {
          pos[t] = pos[t]! + p.freqs[idx[t]!]!;
          idx[t] = idx[t]! + 1;
        }
        if (idx[t]! >= p.n) {
          all = false;
          idx[0] = lead.n; // no more candidates
          break;
        }
        if (p.docs[idx[t]!] !== d) all = false;
      }
      if (all && !del[d]) {
        const freq = countPhrase(lists, idx, pos, q.positions);
        if (freq > 0) {
          sum[d] = sum[d]! + score(scorer, freq, field.norms[d]!);
          count[d] = count[d]! + 1;
        }
      }
      if (idx[0]! < lead.n) {
        pos[0] = pos[0]! + lead.freqs[idx[0]!]!;
        idx[0] = idx[0]! + 1;
      }
    }
  }

  private bool(q: Extract<Query, { kind: "bool" }>, boost: number): Scored {
    const n = this.n;
    if (q.must.length === 0 && q.filter.length === 0 && q.mustNot.length === 0 && q.minShouldMatch <= 1) {
      return this.disjunction(q.should, boost);
    }
    let required: Uint8Array | null = null;
    let mustSum: Float64Array | null = null;
    if (q.must.length > 0) {
      mustSum = f64(n);
      const mustCount = u16(n);
      for (const m of q.must) this.addScored(m, boost, mustSum, mustCount);
      required = u8(n);
      for (let d = 0; d < n; d++) required[d] = mustCount[d] === q.must.length ? 1 : 0;
      release(mustCount);
    }
    for (const fq of q.filter) {
      const bits = this.filter(fq);
      if (!required) required = bits;
      else {
        for (let d = 0; d < n; d++) required[d] = required[d]! & bits[d]!;
        release(bits);
      }
    }
    let shouldSum: Float64Array | null = null;
    let shouldCount: Uint16Array | null = null;
    if (q.should.length > 0) {
      shouldSum = f64(n);
      shouldCount = u16(n);
      for (const s of q.should) this.addScored(s, boost, shouldSum, shouldCount);
    }
    let excluded: Uint8Array | null = null;
    for (const mq of q.mustNot) {
      const bits = this.filter(mq);
      if (!excluded) excluded = bits;
      else {
        for (let d = 0; d < n; d++) excluded[d] = excluded[d]! | bits[d]!;
        release(bits);
      }
    }
    const msm = required ? q.minShouldMatch : Math.max(1, q.minShouldMatch);
    const pureNegative = !required && q.should.length === 0;
    const out = this.empty();
    const del = this.seg.deleted;
    for (let d = 0; d < n; d++) {
      if (del[d]) continue;
      if (required && !required[d]) continue;
      if (!pureNegative && msm > 0 && (!shouldCount || shouldCount[d]! < msm)) continue;
      if (excluded?.[d]) continue;
      out.match[d] = 1;
      const m = mustSum ? f(mustSum[d]!) : 0;
      const s = shouldSum && shouldCount![d]! > 0 ? f(shouldSum[d]!) : 0;
      out.score[d] = mustSum && shouldSum ? f(m + s) : mustSum ? m : s;
    }
    release(required, mustSum, shouldSum, shouldCount, excluded);
    return out;
  }

  /**
   * A pure disjunction (a `match` query's terms, `should` alone): the clauses add straight into
   * the result, which is one pass cheaper than the general bool.
   */
  private disjunction(clauses: Query[], boost: number): Scored {
    const n = this.n;
    const out = this.empty();
    const count = u16(n);
    for (const c of clauses) this.addScored(c, boost, out.score, count);
    const { match, score } = out;
    for (let d = 0; d < n; d++) {
      if (count[d]) {
        match[d] = 1;
        score[d] = f(score[d]!);
      }
    }
    release(count);
    return out;
  }

  private disMax(q: Extract<Query, { kind: "dis_max" }>, boost: number): Scored {
    const n = this.n;
    const max = f64(n);
    const total = f64(n);
    const match = u8(n);
    for (const sub of q.queries) {
      const r = this.scores(sub, boost);
      for (let d = 0; d < n; d++) {
        if (!r.match[d]) continue;
        const s = r.score[d]!;
        if (!match[d] || s > max[d]!) max[d] = s;
        total[d] = total[d]! + s;
        match[d] = 1;
      }
      release(r.match, r.score);
    }
    const score = f64(n);
    for (let d = 0; d < n; d++) {
      if (match[d]) score[d] = f(max[d]! + (total[d]! - max[d]!) * q.tieBreaker);
    }
    release(max, total);
    return { match, score };
  }

  /** Matching documents only (filter context: nothing is scored). */
  filter(q: Query): Uint8Array {
    const n = this.n;
    const del = this.seg.deleted;
    const bits = u8(n);
    const setList = (docs: Int32Array, len: number) => {
      for (let i = 0; i < len; i++) {
        const d = docs[i]!;
        if (d >= n) break;
        if (!del[d]) bits[d] = 1;
      }
    };
    switch (q.kind) {
      case "none":
        return bits;
      case "all": {
        const del = this.seg.deleted;
        for (let d = 0; d < n; d++) bits[d] = del[d] ? 0 : 1;
        return bits;
      }
      case "term": {
        if (q.def.type === "text") {
          const p = this.seg.text.get(q.def.path)?.terms.get(q.term);
          if (p) setList(p.docs, p.n);
        } else {
          const list = this.seg.keyword.get(q.def.path)?.terms.get(q.term);
          if (list) setList(list.docs, list.n);
        }
        return bits;
      }
      case "terms": {
        for (const list of this.termLists(q.def, q.terms, q.caseInsensitive)) setList(list.docs, list.n);
        return bits;
      }
      case "ids": {
        for (const id of q.ids) {
          const d = this.seg.idToDoc.get(id);
          if (d !== undefined && d < n && !del[d]) bits[d] = 1;
        }
        return bits;
      }
      case "exists": {
        for (const def of q.defs) this.markExists(def, bits);
        return bits;
      }
      case "numeric_range":
      case "numeric_terms": {
        const field = this.seg.numeric.get(q.def.path);
        if (!field) return bits;
        const test =
          q.kind === "numeric_terms"
            ? (() => {
                const set = new Set(q.values);
                return (v: number) => set.has(v);
              })()
            : (v: number) => (q.loInclusive ? v >= q.lo : v > q.lo) && (q.hiInclusive ? v <= q.hi : v < q.hi);
        const has = field.has;
        for (let d = 0; d < Math.min(n, has.length); d++) {
          if (!has[d] || del[d]) continue;
          const multi = field.multi.get(d);
          if (multi ? multi.some(test) : test(field.min[d]!)) bits[d] = 1;
        }
        return bits;
      }
      case "term_range": {
        const lists = this.termRangeLists(q);
        for (const list of lists) setList(list.docs, list.n);
        return bits;
      }
      case "constant":
        release(bits);
        return this.filter(q.filter);
      default: {
        release(bits);
        const r = this.scores(q);
        release(r.score);
        return r.match;
      }
    }
  }

  private termLists(
    def: FieldDef,
    terms: string[],
    caseInsensitive: boolean,
  ): { docs: Int32Array; n: number }[] {
    const dict: Map<string, DocList | TermPostings> | undefined =
      def.type === "text" ? this.seg.text.get(def.path)?.terms : this.seg.keyword.get(def.path)?.terms;
    if (!dict) return [];
    if (!caseInsensitive) return terms.map((t) => dict.get(t)).filter((l) => l !== undefined);
    const wanted = new Set(terms.map((t) => t.toLowerCase()));
    return [...dict].filter(([t]) => wanted.has(t.toLowerCase())).map(([, l]) => l);
  }

  private termRangeLists(q: Extract<Query, { kind: "term_range" }>): { docs: Int32Array; n: number }[] {
    const dict: Map<string, DocList | TermPostings> | undefined =
      q.def.type === "text" ? this.seg.text.get(q.def.path)?.terms : this.seg.keyword.get(q.def.path)?.terms;
    if (!dict) return [];
    const out: { docs: Int32Array; n: number }[] = [];
    for (const [t, list] of dict) {
      if (q.lo !== undefined) {
        const c = compareUtf8(t, q.lo);
        if (c < 0 || (c === 0 && !q.loInclusive)) continue;
      }
      if (q.hi !== undefined) {
        const c = compareUtf8(t, q.hi);
        if (c > 0 || (c === 0 && !q.hiInclusive)) continue;
      }
      out.push(list);
    }
    return out;
  }

  private markExists(def: FieldDef, bits: Uint8Array): void {
    const del = this.seg.deleted;
    const mark = (present: ArrayLike<unknown>, len: number) => {
      for (let d = 0; d < Math.min(len, this.n); d++) if (present[d] && !del[d]) bits[d] = 1;
    };
    switch (def.type) {
      case "text": {
        const field = this.seg.text.get(def.path);
        if (field) mark(field.present, field.present.length);
        return;
      }
      case "keyword": {
        const field = this.seg.keyword.get(def.path);
        if (field) mark(field.values, field.values.length);
        return;
      }
      case "dense_vector": {
        const field = this.seg.vector.get(def.path);
        if (field) mark(field.has, field.has.length);
        return;
      }
      default: {
        const field = this.seg.numeric.get(def.path);
        if (field) mark(field.has, field.has.length);
      }
    }
  }
}

function constantScores(match: Uint8Array, boost: number): Float64Array {
  const score = new Float64Array(match.length);
  for (let d = 0; d < match.length; d++) if (match[d]) score[d] = boost;
  return score;
}

/** Document frequency among visible, not deleted documents. */
function livePostings(docs: Int32Array, n: number, deleted: Uint8Array, visible: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) {
    const d = docs[i]!;
    if (d >= visible) break;
    if (!deleted[d]) c++;
  }
  return c;
}

/** Exact phrase occurrences in the current doc (Lucene's ExactPhraseMatcher frequency). */
function countPhrase(lists: TermPostings[], idx: Int32Array, pos: Int32Array, offsets: number[]): number {
  const lead = lists[0]!;
  const leadStart = pos[0]!;
  const leadFreq = lead.freqs[idx[0]!]!;
  let freq = 0;
  outer: for (let i = 0; i < leadFreq; i++) {
    const base = lead.positions[leadStart + i]! - offsets[0]!;
    for (let t = 1; t < lists.length; t++) {
      const p = lists[t]!;
      const want = base + offsets[t]!;
      const start = pos[t]!;
      const fr = p.freqs[idx[t]!]!;
      let found = false;
      for (let j = start; j < start + fr; j++) {
        const v = p.positions[j]!;
        if (v === want) {
          found = true;
          break;
        }
        if (v > want) break;
      }
      if (!found) continue outer;
    }
    freq++;
  }
  return freq;
}
