import { badRequest, unsupported, xContentError } from "../errors";
import type { Segment } from "../index/segment";
import { BATCH } from "../index/simd";
import type { Similarity } from "../mapping/field-def";
import type { Query } from "../query/ast";
import type { Executor } from "../query/execute";
import { parseQuery, type QueryContext, queryShardError } from "../query/parse-query";

/** A top-level `knn` section, validated (field resolution happens per index). */
export interface KnnSpec {
  field: string;
  queryVector: number[];
  k: number;
  numCandidates: number;
  filter: unknown[];
  similarity?: number;
  boost: number;
}

const KEYS = [
  "field",
  "query_vector",
  "k",
  "num_candidates",
  "filter",
  "similarity",
  "boost",
  "query_vector_builder",
  "inner_hits",
  "rescore_vector",
  "_name",
  "visit_percentage",
];
const MAX_CANDIDATES = 10_000;

export function parseKnn(raw: unknown, size: number): KnnSpec[] {
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((item) => {
    if (!item || typeof item !== "object" || Array.isArray(item))
      throw xContentError("[knn] failed to parse object");
    const o = item as Record<string, unknown>;
    for (const k of Object.keys(o))
      if (!KEYS.includes(k)) throw xContentError(`[1:1] [knn] unknown field [${k}]`);
    if (o.query_vector_builder !== undefined) throw unsupported("[knn] option [query_vector_builder]");
    if (o.inner_hits !== undefined) throw unsupported("[knn] option [inner_hits]");
    if (typeof o.field !== "string") throw xContentError("[knn] requires [field]");
    if (
      !Array.isArray(o.query_vector) ||
      o.query_vector.some((x) => typeof x !== "number" || !Number.isFinite(x))
    ) {
      throw xContentError("[knn] [query_vector] must be an array of numbers");
    }
    const k = o.k === undefined ? size : Number(o.k);
    if (!Number.isInteger(k) || k < 1) throw badRequest("[k] must be greater than 0");
    const numCandidates =
      o.num_candidates === undefined
        ? Math.min(Math.ceil(1.5 * k), MAX_CANDIDATES)
        : Number(o.num_candidates);
    if (!Number.isInteger(numCandidates)) throw badRequest("[num_candidates] must be an integer");
    if (numCandidates > MAX_CANDIDATES)
      throw badRequest(`[num_candidates] cannot exceed [${MAX_CANDIDATES}]`);
    if (numCandidates < k) throw badRequest("[num_candidates] cannot be less than [k]");
    const filter = o.filter === undefined ? [] : Array.isArray(o.filter) ? o.filter : [o.filter];
    return {
      field: o.field,
      queryVector: o.query_vector as number[],
      k,
      numCandidates,
      filter,
      similarity: o.similarity === undefined ? undefined : Number(o.similarity),
      boost: o.boost === undefined ? 1 : Math.fround(Number(o.boost)),
    };
  });
}

/** Vector similarity → score, as Elasticsearch reports it for float vectors. */
function toScore(similarity: Similarity, raw: number): number {
  switch (similarity) {
    case "cosine":
    case "dot_product":
      return Math.max((1 + raw) / 2, 0);
    case "l2_norm":
      return 1 / (1 + raw);
    case "max_inner_product":
      return raw < 0 ? 1 / (1 - raw) : raw + 1;
  }
}

export interface KnnResult {
  docs: Int32Array;
  scores: Float64Array;
}

/**
 * Exact k nearest neighbours of one knn section: the filter runs first, then one pass over the
 * candidates' vectors keeps the best k in a heap. Elasticsearch's HNSW search is approximate;
 * on an index this size it returns the same documents (ties aside).
 */
export function runKnn(spec: KnnSpec, seg: Segment, ctx: QueryContext, exec: Executor): KnnResult {
  const def = ctx.mapping.fields.get(spec.field);
  if (!def)
    throw queryShardError(ctx, `failed to create query: field [${spec.field}] does not exist in the mapping`);
  if (def.type !== "dense_vector") {
    throw queryShardError(
      ctx,
      `failed to create query: [knn] queries are only supported on [dense_vector] fields`,
    );
  }
  if (!def.indexed) {
    throw queryShardError(
      ctx,
      `failed to create query: to perform knn search on field [${spec.field}], its mapping must have [index] set to [true]`,
    );
  }
  const field = seg.vector.get(def.path);
  const dims = def.dims ?? field?.dims;
  if (dims !== undefined && spec.queryVector.length !== dims) {
    throw queryShardError(
      ctx,
      `failed to create query: The query vector has a different number of dimensions [${spec.queryVector.length}] than the document vectors [${dims}].`,
    );
  }
  if (!field || field.docCount === 0) return { docs: new Int32Array(0), scores: new Float64Array(0) };
  const similarity = def.similarity!;
  const q = Float32Array.from(spec.queryVector);
  if (similarity === "cosine") {
    let sq = 0;
    for (let i = 0; i < dims!; i++) sq += q[i]! * q[i]!;
    if (sq === 0)
      throw queryShardError(
        ctx,
        "failed to create query: The [cosine] similarity does not support vectors with zero magnitude.",
      );
    const inv = 1 / Math.sqrt(sq);
    for (let i = 0; i < dims!; i++) q[i] = q[i]! * inv;
  }
  let filterBits: Uint8Array | null = null;
  if (spec.filter.length > 0) {
    const filters: Query[] = spec.filter.map((f) => parseQuery(f, ctx));
    for (const fq of filters) {
      const bits = exec.filter(fq);
      if (!filterBits) filterBits = bits;
      else for (let d = 0; d < bits.length; d++) filterBits[d] = filterBits[d]! & bits[d]!;
    }
  }
  const k = spec.k;
  const heapDocs = new Int32Array(k);
  // The heap holds a key that orders like the score (the raw similarity; minus the squared
  // distance for l2_norm): scores are computed for the k kept only.
  const heapKeys = new Float64Array(k);
  let size = 0;
  const has = field.has;
  const del = seg.deleted;
  const n = Math.min(seg.visibleMaxDoc, has.length);
  const l2 = similarity === "l2_norm";
  const minKey =
    spec.similarity === undefined
      ? Number.NEGATIVE_INFINITY
      : l2
        ? -(spec.similarity * spec.similarity)
        : spec.similarity;
  // Filter first: the candidates, in one pass.
  const eligible = new Uint8Array(n);
  let count = 0;
  for (let d = 0; d < n; d++) {
    const e = has[d] === 1 && del[d] === 0 && (filterBits === null || filterBits[d] === 1) ? 1 : 0;
    eligible[d] = e;
    count += e;
  }
  const consider = (d: number, raw: number) => {
    const key = l2 ? -Math.fround(raw) : Math.fround(raw);
    if (key < minKey) return;
    if (size < k) {
      heapPush(heapDocs, heapKeys, size++, d, key);
    } else if (better(key, d, heapKeys[0]!, heapDocs[0]!)) {
      heapDocs[0] = d;
      heapKeys[0] = key;
      siftDown(heapDocs, heapKeys, size);
    }
  };
  const simd = field.simd;
  if (simd && count > 0) {
    // One SIMD pass per run of candidates (per block when most documents qualify).
    simd.setQuery(q);
    const dense = count * 4 > n;
    let d = 0;
    while (d < n) {
      if (!dense && !eligible[d]) {
        d++;
        continue;
      }
      const limit = Math.min(n, d + BATCH);
      let end = d + 1;
      if (dense) end = limit;
      else while (end < limit && eligible[end]) end++;
      const out = simd.compute(d, end - d, l2);
      for (let j = d; j < end; j++) {
        if (!eligible[j]) continue;
        const raw = out[j - d]!;
        // Most candidates lose to the worst kept one: one comparison, no call.
        if (size === k && (l2 ? -raw : raw) < heapKeys[0]!) continue;
        consider(j, raw);
      }
      d = end;
    }
  } else if (count > 0) {
    const data = field.data;
    for (let d = 0; d < n; d++) {
      if (!eligible[d]) continue;
      const base = d * dims!;
      if (l2) {
        let sq = 0;
        for (let i = 0; i < dims!; i++) {
          const diff = q[i]! - data[base + i]!;
          sq += diff * diff;
        }
        consider(d, sq);
      } else {
        consider(d, dot(q, data, base, dims!));
      }
    }
  }
  const heapScores = heapKeys.map((key) => Math.fround(toScore(similarity, l2 ? -key : key)));
  const order = Array.from({ length: size }, (_, i) => i).sort(
    (a, b) => heapScores[b]! - heapScores[a]! || heapDocs[a]! - heapDocs[b]!,
  );
  const docs = new Int32Array(size);
  const scores = new Float64Array(size);
  order.forEach((i, j) => {
    docs[j] = heapDocs[i]!;
    scores[j] = Math.fround(heapScores[i]! * spec.boost);
  });
  return { docs, scores };
}

/** Unrolled dot product (the hot loop of a kNN query). */
function dot(q: Float32Array, data: Float32Array, base: number, dims: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < dims; i += 4) {
    s0 += q[i]! * data[base + i]!;
    s1 += q[i + 1]! * data[base + i + 1]!;
    s2 += q[i + 2]! * data[base + i + 2]!;
    s3 += q[i + 3]! * data[base + i + 3]!;
  }
  for (; i < dims; i++) s0 += q[i]! * data[base + i]!;
  return s0 + s1 + s2 + s3;
}

/** Higher score first; on a tie, the lower doc id. */
function better(score: number, doc: number, otherScore: number, otherDoc: number): boolean {
  return score > otherScore || (score === otherScore && doc < otherDoc);
}

/** Min-heap on (score, -doc): the root is the worst kept candidate. */
function heapPush(docs: Int32Array, scores: Float64Array, at: number, doc: number, score: number): void {
  let i = at;
  docs[i] = doc;
  scores[i] = score;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!better(scores[parent]!, docs[parent]!, scores[i]!, docs[i]!)) break;
    swap(docs, scores, i, parent);
    i = parent;
  }
}

function siftDown(docs: Int32Array, scores: Float64Array, size: number): void {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let worst = i;
    if (l < size && better(scores[worst]!, docs[worst]!, scores[l]!, docs[l]!)) worst = l;
    if (r < size && better(scores[worst]!, docs[worst]!, scores[r]!, docs[r]!)) worst = r;
    if (worst === i) return;
    swap(docs, scores, i, worst);
    i = worst;
  }
}

function swap(docs: Int32Array, scores: Float64Array, a: number, b: number): void {
  const d = docs[a]!;
  docs[a] = docs[b]!;
  docs[b] = d;
  const s = scores[a]!;
  scores[a] = scores[b]!;
  scores[b] = s;
}
