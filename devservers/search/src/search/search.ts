import { badRequest, EsError, parsingError, shardFailure, unsupported } from "../errors";
import type { SearchIndex } from "../index/search-index";
import { RawJson, shortFloat } from "../json";
import type { Query } from "../query/ast";
import { Executor } from "../query/execute";
import { parseQuery, type QueryContext } from "../query/parse-query";
import {
  type HighlightSpec,
  highlightFields,
  highlightValue,
  parseHighlight,
  queryTerms,
  valuesAt,
} from "./highlight";
import { type KnnSpec, parseKnn, runKnn } from "./knn";
import {
  applyMissing,
  compareSortValues,
  formatSortValue,
  parseSort,
  parseSortParam,
  type SortSpec,
  type SortValue,
  searchAfterKey,
  sortReader,
} from "./sort";
import {
  FETCH_ALL,
  filterSource,
  isWholeSource,
  parseSourceSpec,
  type SourceSpec,
  sourceSpecFromParams,
} from "./source-filter";

export interface SearchRequest {
  query?: unknown;
  knn: KnnSpec[];
  from: number;
  size: number;
  sort: SortSpec[];
  source: SourceSpec;
  highlight?: HighlightSpec;
  /** A number (count exactly up to it), true (exact), false (no total). */
  trackTotalHits: number | boolean;
  totalAsInt: boolean;
  postFilter?: unknown;
  minScore?: number;
  searchAfter?: unknown[];
  trackScores: boolean;
  version: boolean;
  seqNoPrimaryTerm: boolean;
}

/** Body keys Elasticsearch accepts that change results in ways this server does not implement. */
const UNSUPPORTED_KEYS = new Set([
  "aggs",
  "aggregations",
  "suggest",
  "rescore",
  "collapse",
  "script_fields",
  "stored_fields",
  "docvalue_fields",
  "fields",
  "pit",
  "slice",
  "indices_boost",
  "rank",
  "retriever",
  "terminate_after",
  "runtime_mappings",
  "sub_searches",
]);
const IGNORED_KEYS = new Set(["timeout", "stats", "profile", "explain", "ext", "_name"]);

function tokenName(v: unknown): string {
  if (v === null) return "VALUE_NULL";
  if (Array.isArray(v)) return "START_ARRAY";
  switch (typeof v) {
    case "object":
      return "START_OBJECT";
    case "string":
      return "VALUE_STRING";
    case "number":
      return "VALUE_NUMBER";
    case "boolean":
      return "VALUE_BOOLEAN";
    default:
      return "VALUE_EMBEDDED_OBJECT";
  }
}

function intParam(v: unknown, name: string): number {
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isInteger(n))
    throw badRequest(`Failed to parse int parameter [${name}] with value [${String(v)}]`);
  return n;
}

export function parseSearchRequest(body: Record<string, unknown>, params: URLSearchParams): SearchRequest {
  for (const [k, v] of Object.entries(body)) {
    if (UNSUPPORTED_KEYS.has(k)) {
      const empty = v === null || (typeof v === "object" && Object.keys(v as object).length === 0);
      if ((k === "aggs" || k === "aggregations" || k === "runtime_mappings") && empty) continue;
      if (k === "terminate_after" && Number(v) === 0) continue;
      throw unsupported(`search option [${k}]`);
    }
    if (
      IGNORED_KEYS.has(k) ||
      [
        "query",
        "knn",
        "from",
        "size",
        "sort",
        "_source",
        "highlight",
        "track_total_hits",
        "post_filter",
        "min_score",
        "search_after",
        "track_scores",
        "version",
        "seq_no_primary_term",
      ].includes(k)
    ) {
      continue;
    }
    throw parsingError(`Unknown key for a ${tokenName(v)} in [${k}].`);
  }
  if (body.explain === true || params.get("explain") === "true") throw unsupported("search option [explain]");
  if (body.profile === true) throw unsupported("search option [profile]");
  if (params.has("q")) throw unsupported("URI search parameter [q]");
  if (params.has("scroll")) throw unsupported("scroll searches");
  const size = params.has("size")
    ? intParam(params.get("size"), "size")
    : body.size !== undefined
      ? intParam(body.size, "size")
      : 10;
  const from = params.has("from")
    ? intParam(params.get("from"), "from")
    : body.from !== undefined
      ? intParam(body.from, "from")
      : 0;
  if (size < 0) throw badRequest(`[size] parameter cannot be negative, found [${size}]`);
  if (from < 0) throw badRequest(`[from] parameter cannot be negative, found [${from}]`);
  const tthParam = params.get("track_total_hits");
  const tthRaw = tthParam !== null ? tthParam : body.track_total_hits;
  let trackTotalHits: number | boolean = 10_000;
  if (tthRaw === true || tthRaw === "true") trackTotalHits = true;
  else if (tthRaw === false || tthRaw === "false") trackTotalHits = false;
  else if (tthRaw !== undefined && tthRaw !== null) {
    trackTotalHits = intParam(tthRaw, "track_total_hits");
    if (trackTotalHits < -1)
      throw badRequest("[track_total_hits] parameter must be positive or equals to -1");
  }
  const totalAsInt = params.get("rest_total_hits_as_int") === "true";
  if (totalAsInt) trackTotalHits = true;
  const source = sourceSpecFromParams(params) ?? parseSourceSpec(body._source);
  const sort = params.has("sort") ? parseSortParam(params.get("sort")!) : parseSort(body.sort);
  const knn = body.knn === undefined ? [] : parseKnn(body.knn, size);
  if (body.search_after !== undefined && !Array.isArray(body.search_after))
    throw parsingError("[search_after] must be an array");
  if (body.search_after !== undefined && sort.length === 0) {
    throw badRequest("Cannot use [search_after] with no [sort]: it needs a sort order to continue from");
  }
  if (body.search_after !== undefined && from > 0) {
    throw badRequest("[from] parameter must be set to 0 when [search_after] is used");
  }
  return {
    query: body.query,
    knn,
    from,
    size,
    sort,
    source,
    highlight: body.highlight === undefined ? undefined : parseHighlight(body.highlight),
    trackTotalHits,
    totalAsInt,
    postFilter: body.post_filter,
    minScore: body.min_score === undefined ? undefined : Number(body.min_score),
    searchAfter: body.search_after as unknown[] | undefined,
    trackScores: body.track_scores === true || params.get("track_scores") === "true",
    version: body.version === true || params.get("version") === "true",
    seqNoPrimaryTerm: body.seq_no_primary_term === true || params.get("seq_no_primary_term") === "true",
  };
}

interface Hit {
  index: SearchIndex;
  ctx: QueryContext;
  q?: Query;
  doc: number;
  score: number;
  sortKey: SortValue[];
}

export function contextFor(index: SearchIndex, now: number): QueryContext {
  return { mapping: index.mapping, index: index.name, uuid: index.uuid, now };
}

/** Runs a query (and knn sections) on one index: matching docs and their scores. */
export function matchIndex(
  index: SearchIndex,
  ctx: QueryContext,
  req: Pick<SearchRequest, "query" | "knn" | "postFilter" | "minScore">,
): { q?: Query; match: Uint8Array; score: Float64Array } {
  const exec = new Executor(index.segment);
  const q = req.query === undefined ? undefined : parseQuery(req.query, ctx);
  let match: Uint8Array;
  let score: Float64Array;
  if (q) {
    const r = exec.scores(q);
    match = r.match;
    score = r.score;
  } else if (req.knn.length > 0) {
    match = new Uint8Array(exec.n);
    score = new Float64Array(exec.n);
  } else {
    match = exec.liveBits();
    score = new Float64Array(exec.n).fill(1);
  }
  for (const spec of req.knn) {
    const r = runKnn(spec, index.segment, ctx, exec);
    for (let i = 0; i < r.docs.length; i++) {
      const d = r.docs[i]!;
      score[d] = match[d] ? Math.fround(score[d]! + r.scores[i]!) : r.scores[i]!;
      match[d] = 1;
    }
  }
  if (req.postFilter !== undefined) {
    const pf = exec.filter(parseQuery(req.postFilter, ctx));
    for (let d = 0; d < match.length; d++) match[d] = match[d]! & pf[d]!;
  }
  if (req.minScore !== undefined) {
    for (let d = 0; d < match.length; d++) if (match[d] && score[d]! < req.minScore) match[d] = 0;
  }
  return { q, match, score };
}

/** Rethrows a failure on a shard as Elasticsearch reports it (wrapped, for shard-level types). */
export function asShardFailure(err: unknown, index: SearchIndex): never {
  if (
    err instanceof EsError &&
    (err.cause_.type === "query_shard_exception" || (err.status === 400 && err.cause_.index === index.name))
  ) {
    throw shardFailure(index.name, err.cause_);
  }
  throw err;
}

export function search(indices: SearchIndex[], req: SearchRequest): Record<string, unknown> {
  const started = process.hrtime.bigint();
  const now = Date.now();
  const sortByScore = req.sort.length === 0;
  const needScores = sortByScore || req.trackScores || req.sort.some((s) => s.field === "_score");
  const windowEnd = req.from + req.size;
  for (const index of indices) {
    if (windowEnd > index.maxResultWindow && req.searchAfter === undefined) {
      throw badRequest(
        `Result window is too large, from + size must be less than or equal to: [${index.maxResultWindow}] but was [${windowEnd}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.`,
      );
    }
  }
  const afterKey = req.searchAfter ? searchAfterKey(req.searchAfter, req.sort) : undefined;
  let total = 0;
  let maxScore = Number.NEGATIVE_INFINITY;
  const hits: Hit[] = [];
  for (const index of indices) {
    const ctx = contextFor(index, now);
    let result: ReturnType<typeof matchIndex>;
    let readers: ((doc: number, score: number) => SortValue)[];
    try {
      result = matchIndex(index, ctx, req);
      readers = req.sort.map((s) => sortReader(index, s, ctx));
    } catch (err) {
      asShardFailure(err, index);
    }
    const { match, score } = result;
    if (sortByScore && !afterKey) {
      // The common case: only the best `from + size` of this index become hit objects.
      const top = topByScore(match, score, windowEnd);
      total += top.total;
      if (top.max > maxScore) maxScore = top.max;
      for (let i = 0; i < top.docs.length; i++) {
        const s = top.scores[i]!;
        hits.push({ index, ctx, q: result.q, doc: top.docs[i]!, score: s, sortKey: [s] });
      }
      continue;
    }
    const defs = req.sort.map((s) => index.mapping.fields.get(s.field));
    for (let d = 0; d < match.length; d++) {
      if (!match[d]) continue;
      const s = score[d]!;
      const sortKey = sortByScore ? [s] : readers.map((r, i) => applyMissing(r(d, s), req.sort[i]!, defs[i]));
      if (afterKey && compareSortValues(sortKey, afterKey, req.sort) <= 0) continue;
      total++;
      if (s > maxScore) maxScore = s;
      hits.push({ index, ctx, q: result.q, doc: d, score: s, sortKey });
    }
  }
  const specs: SortSpec[] = sortByScore ? [{ field: "_score", order: "desc", missing: "_last" }] : req.sort;
  const page = topN(
    hits,
    windowEnd,
    (a, b) => compareSortValues(a.sortKey, b.sortKey, specs) || tieBreak(a, b, indices),
  ).slice(req.from);
  const out = page.map((h) => fetchHit(h, req, needScores, sortByScore));
  const totalHits = totalOf(total, req);
  const hitsBody: Record<string, unknown> = {};
  if (totalHits !== undefined) hitsBody.total = totalHits;
  hitsBody.max_score = needScores && total > 0 ? shortFloat(maxScore) : null;
  hitsBody.hits = out;
  return {
    took: Number((process.hrtime.bigint() - started) / 1_000_000n),
    timed_out: false,
    _shards: { total: indices.length, successful: indices.length, skipped: 0, failed: 0 },
    hits: hitsBody,
  };
}

function tieBreak(a: Hit, b: Hit, indices: SearchIndex[]): number {
  if (a.index !== b.index) return indices.indexOf(a.index) - indices.indexOf(b.index);
  return a.doc - b.doc;
}

function totalOf(total: number, req: SearchRequest): unknown {
  if (req.trackTotalHits === false) return undefined;
  if (req.totalAsInt) return total;
  if (req.trackTotalHits === true || req.trackTotalHits === -1 || total <= req.trackTotalHits)
    return { value: total, relation: "eq" };
  return { value: req.trackTotalHits, relation: "gte" };
}

/**
 * The `k` best matches by score (ties: lower doc id first), the number of matches and the best
 * score, in one pass with a heap on typed arrays.
 */
function topByScore(
  match: Uint8Array,
  score: Float64Array,
  k: number,
): { docs: Int32Array; scores: Float64Array; total: number; max: number } {
  const hd = new Int32Array(Math.max(k, 0));
  const hs = new Float64Array(Math.max(k, 0));
  let size = 0;
  let total = 0;
  let max = Number.NEGATIVE_INFINITY;
  // The root is the worst kept: lowest score, then highest doc id.
  const worse = (s1: number, d1: number, s2: number, d2: number) => s1 < s2 || (s1 === s2 && d1 > d2);
  for (let d = 0; d < match.length; d++) {
    if (!match[d]) continue;
    total++;
    const s = score[d]!;
    if (s > max) max = s;
    if (k === 0) continue;
    if (size < k) {
      let i = size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(s, d, hs[p]!, hd[p]!)) break;
        hs[i] = hs[p]!;
        hd[i] = hd[p]!;
        i = p;
      }
      hs[i] = s;
      hd[i] = d;
    } else if (worse(hs[0]!, hd[0]!, s, d)) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) break;
        const r = l + 1;
        const c = r < size && worse(hs[r]!, hd[r]!, hs[l]!, hd[l]!) ? r : l;
        if (!worse(hs[c]!, hd[c]!, s, d)) break;
        hs[i] = hs[c]!;
        hd[i] = hd[c]!;
        i = c;
      }
      hs[i] = s;
      hd[i] = d;
    }
  }
  return { docs: hd.subarray(0, size), scores: hs.subarray(0, size), total, max };
}

/** The first `n` items in order, without sorting everything when `n` is small. */
function topN<T>(items: T[], n: number, cmp: (a: T, b: T) => number): T[] {
  if (n <= 0) return [];
  if (items.length <= n * 4 || items.length < 256) return items.sort(cmp).slice(0, n);
  // A max-heap of the best n (its root is the worst kept).
  const heap: T[] = [];
  const worse = (i: number, j: number) => cmp(heap[i]!, heap[j]!) > 0;
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!worse(i, p)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let w = i;
      if (l < heap.length && worse(l, w)) w = l;
      if (r < heap.length && worse(r, w)) w = r;
      if (w === i) return;
      [heap[i], heap[w]] = [heap[w]!, heap[i]!];
      i = w;
    }
  };
  for (const item of items) {
    if (heap.length < n) {
      heap.push(item);
      up(heap.length - 1);
    } else if (cmp(item, heap[0]!) < 0) {
      heap[0] = item;
      down(0);
    }
  }
  return heap.sort(cmp);
}

function fetchHit(
  h: Hit,
  req: SearchRequest,
  needScores: boolean,
  sortByScore: boolean,
): Record<string, unknown> {
  const { index, doc } = h;
  const hit: Record<string, unknown> = { _index: index.name, _id: index.segment.ids[doc] };
  if (req.version) hit._version = index.live.get(index.segment.ids[doc]!)?.version ?? 1;
  if (req.seqNoPrimaryTerm) {
    hit._seq_no = index.segment.seqNos[doc];
    hit._primary_term = 1;
  }
  hit._score = needScores ? shortFloat(h.score) : null;
  const needParsed = !isWholeSource(req.source) || req.highlight !== undefined;
  let parsed: Record<string, unknown> | undefined;
  const picked = !req.highlight && req.source.fetch ? pickMembers(index, doc, req.source) : null;
  if (picked !== null) hit._source = new RawJson(picked);
  else if (req.source.fetch || req.highlight) {
    const raw = index.readSource(doc).toString("utf8");
    if (needParsed) parsed = JSON.parse(raw) as Record<string, unknown>;
    if (req.source.fetch)
      hit._source = isWholeSource(req.source) ? new RawJson(raw) : filterSource(parsed!, req.source);
  }
  if (req.highlight && parsed) {
    const qt = queryTerms(h.q);
    const hl: Record<string, string[]> = {};
    for (const field of req.highlight.fields) {
      for (const def of highlightFields(index.mapping, field.pattern)) {
        if (field.requireFieldMatch && !qt.terms.has(def.path) && !qt.phrases.has(def.path)) continue;
        const fieldTerms = field.requireFieldMatch ? qt : anyFieldTerms(qt, def.path);
        const fragments = highlightValue(def, valuesAt(parsed, def.sourcePath), fieldTerms, field);
        if (fragments.length > 0) hl[def.path] = fragments;
      }
    }
    if (Object.keys(hl).length > 0) hit.highlight = hl;
  }
  if (!sortByScore) {
    hit.sort = h.sortKey.map((v, i) =>
      formatSortValue(v, req.sort[i]!, index.mapping.fields.get(req.sort[i]!.field)),
    );
  }
  return hit;
}

/**
 * A filtered source from the member offsets recorded at index time, when every pattern names a
 * top-level field: only the kept members' bytes are read and decoded. Null otherwise.
 */
function pickMembers(index: SearchIndex, doc: number, spec: SourceSpec): string | null {
  if (isWholeSource(spec)) return null;
  const simple = (p: string) => !p.includes(".") && !p.includes("*");
  if (!spec.includes.every(simple) || !spec.excludes.every(simple)) return null;
  const members = index.segment.members[doc];
  if (!members) return null;
  const names = index.memberKeys.names;
  const { spans, texts } = members;
  const kept: number[] = [];
  let allInMemory = true;
  for (let j = 0, m = 0; j < spans.length; j += 3, m++) {
    const name = names[spans[j]!]!;
    if ((spec.includes.length === 0 || spec.includes.includes(name)) && !spec.excludes.includes(name)) {
      kept.push(m);
      if (texts[m] === null) allInMemory = false;
    }
  }
  if (kept.length === 0) return "{}";
  if (allInMemory) return `{${kept.map((m) => texts[m]).join(",")}}`;
  // One read of the span holding the kept members (a read costs more than the bytes it copies).
  let from = Number.POSITIVE_INFINITY;
  let to = 0;
  for (const m of kept) {
    from = Math.min(from, spans[m * 3 + 1]!);
    to = Math.max(to, spans[m * 3 + 2]!);
  }
  const buf = index.readSource(doc, from, to);
  const pieces = kept.map(
    (m) => texts[m] ?? buf.toString("utf8", spans[m * 3 + 1]! - from, spans[m * 3 + 2]! - from),
  );
  return `{${pieces.join(",")}}`;
}

/** `require_field_match: false`: the query's terms on any field are looked for in this one. */
function anyFieldTerms(qt: ReturnType<typeof queryTerms>, path: string): ReturnType<typeof queryTerms> {
  const terms = new Set<string>();
  for (const set of qt.terms.values()) for (const t of set) terms.add(t);
  const phrases: string[][] = [];
  for (const list of qt.phrases.values()) phrases.push(...list);
  return { terms: new Map([[path, terms]]), phrases: new Map([[path, phrases]]) };
}

export { FETCH_ALL };
