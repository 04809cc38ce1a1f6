/**
 * Top-level kNN: nearest documents by each similarity, scored as Elasticsearch reports them
 * (cosine and dot_product: (1 + cos) / 2; l2_norm: 1 / (1 + d²); max_inner_product), with a
 * filter applied before the k nearest are chosen, a similarity threshold, a boost, and combined
 * with a query (scores add up). The mappings use `index_options: flat` so that a real
 * Elasticsearch searches exactly too (its default HNSW index is approximate and quantized).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ids, rejected, scoreOf, setupSearch } from "./support";

const es = setupSearch();

const VECTORS: Record<string, [number, number, number]> = {
  a: [1, 0, 0],
  b: [0.9, 0.1, 0],
  c: [0, 1, 0],
  d: [0.7, 0.7, 0],
  e: [-1, 0, 0],
  f: [0.2, 0.3, 0.9],
};
const TAG: Record<string, string> = { a: "x", b: "y", c: "x", d: "x", e: "y", f: "y" };
const TITLE: Record<string, string> = {
  a: "red apple",
  b: "green apple",
  c: "blue sky",
  d: "apple pie",
  e: "dark night",
  f: "sky high",
};

const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const cosine = (a: number[], b: number[]) => dot(a, b) / (norm(a) * norm(b));
const cosScore = (a: number[], b: number[]) => (1 + cosine(a, b)) / 2;

let cosIndex = "";

async function vectorIndex(similarity: string, vectors: Record<string, number[]>): Promise<string> {
  const index = es.indexName(`knn-${similarity.replace(/_/g, "")}`);
  await es.client.indices.create({
    index,
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: {
      properties: {
        vec: {
          type: "dense_vector",
          dims: 3,
          similarity: similarity as "cosine",
          index: true,
          index_options: { type: "flat" },
        },
        tag: { type: "keyword" },
        title: { type: "text" },
      },
    },
  });
  await es.client.bulk({
    refresh: true,
    operations: Object.entries(vectors).flatMap(([id, vec]) => [
      { index: { _index: index, _id: id } },
      { vec, tag: TAG[id], title: TITLE[id] },
    ]),
  });
  return index;
}

beforeAll(async () => {
  cosIndex = await vectorIndex("cosine", VECTORS);
});

const Q = [1, 0.2, 0];

describe("knn (cosine)", () => {
  it("returns the k nearest, best first, scored (1 + cos) / 2", async () => {
    const res = await es.client.search({
      index: cosIndex,
      knn: { field: "vec", query_vector: Q, k: 3, num_candidates: 10 },
    });
    expect(ids(res)).toEqual(["b", "a", "d"]);
    for (const id of ["a", "b", "d"]) expect(scoreOf(res, id)).toBeCloseTo(cosScore(Q, VECTORS[id]!), 5);
    expect(res.hits.total).toEqual({ value: 3, relation: "eq" });
  });

  it("filters before choosing the k nearest", async () => {
    const res = await es.client.search({
      index: cosIndex,
      knn: { field: "vec", query_vector: Q, k: 2, num_candidates: 10, filter: { term: { tag: "x" } } },
    });
    // b (nearest overall) is tag y: the two nearest tag-x documents are a and d.
    expect(ids(res)).toEqual(["a", "d"]);
    const bool = await es.client.search({
      index: cosIndex,
      knn: {
        field: "vec",
        query_vector: Q,
        k: 5,
        num_candidates: 10,
        filter: { bool: { must_not: [{ term: { tag: "x" } }] } },
      },
    });
    expect(ids(bool)).toEqual(["b", "f", "e"]);
  });

  it("drops documents under the similarity threshold (in cosine, not score, space)", async () => {
    const res = await es.client.search({
      index: cosIndex,
      knn: { field: "vec", query_vector: Q, k: 5, num_candidates: 10, similarity: 0.9 },
    });
    const expected = Object.keys(VECTORS).filter((id) => cosine(Q, VECTORS[id]!) >= 0.9);
    expect(ids(res).sort()).toEqual(expected.sort());
  });

  it("multiplies by its boost and adds to a query's score", async () => {
    const boosted = await es.client.search({
      index: cosIndex,
      knn: { field: "vec", query_vector: Q, k: 1, num_candidates: 10, boost: 2 },
    });
    expect(scoreOf(boosted, "b")).toBeCloseTo(2 * cosScore(Q, VECTORS.b!), 5);

    const matchOnly = await es.client.search({ index: cosIndex, query: { match: { title: "apple" } } });
    const hybrid = await es.client.search({
      index: cosIndex,
      query: { match: { title: "apple" } },
      knn: { field: "vec", query_vector: [0, 1, 0.1], k: 2, num_candidates: 10 },
    });
    // knn picks c and d; the query matches a, b, d: d gets both scores, c only its knn score.
    expect(ids(hybrid).sort()).toEqual(["a", "b", "c", "d"]);
    expect(scoreOf(hybrid, "d")).toBeCloseTo(scoreOf(matchOnly, "d") + cosScore([0, 1, 0.1], VECTORS.d!), 4);
    expect(scoreOf(hybrid, "c")).toBeCloseTo(cosScore([0, 1, 0.1], VECTORS.c!), 4);
    expect(scoreOf(hybrid, "a")).toBeCloseTo(scoreOf(matchOnly, "a"), 4);
    expect(hybrid.hits.total).toEqual({ value: 4, relation: "eq" });
  });

  it("returns the requested _source fields only", async () => {
    const res = await es.client.search({
      index: cosIndex,
      _source: ["title"],
      knn: { field: "vec", query_vector: Q, k: 1, num_candidates: 10 },
    });
    expect(res.hits.hits[0]?._source).toEqual({ title: "green apple" });
  });

  it("refuses a query vector of the wrong length", async () => {
    const err = await rejected(
      es.client.search({
        index: cosIndex,
        knn: { field: "vec", query_vector: [1, 0], k: 1, num_candidates: 10 },
      }),
    );
    expect(err.status).toBe(400);
  });

  it("refuses num_candidates below k", async () => {
    const err = await rejected(
      es.client.search({ index: cosIndex, knn: { field: "vec", query_vector: Q, k: 5, num_candidates: 2 } }),
    );
    expect(err.status).toBe(400);
  });
});

describe("knn (other similarities)", () => {
  it("dot_product on unit vectors scores (1 + dot) / 2", async () => {
    const unit: Record<string, number[]> = {
      a: [1, 0, 0],
      b: [0.6, 0.8, 0],
      c: [0, 0, 1],
    };
    const index = await vectorIndex("dot_product", unit);
    const q = [0.8, 0.6, 0];
    const res = await es.client.search({
      index,
      knn: { field: "vec", query_vector: q, k: 3, num_candidates: 10 },
    });
    expect(ids(res)).toEqual(["b", "a", "c"]);
    expect(scoreOf(res, "b")).toBeCloseTo((1 + dot(q, unit.b!)) / 2, 5);
    expect(scoreOf(res, "c")).toBeCloseTo(0.5, 5);
  });

  it("l2_norm scores 1 / (1 + squared distance)", async () => {
    const vecs: Record<string, number[]> = { a: [0, 0, 0], b: [1, 1, 1], c: [3, 0, 4] };
    const index = await vectorIndex("l2_norm", vecs);
    const q = [1, 0, 0];
    const res = await es.client.search({
      index,
      knn: { field: "vec", query_vector: q, k: 3, num_candidates: 10 },
    });
    expect(ids(res)).toEqual(["a", "b", "c"]);
    const sq = (v: number[]) => v.reduce((s, x, i) => s + (x - q[i]!) ** 2, 0);
    for (const id of ["a", "b", "c"]) expect(scoreOf(res, id)).toBeCloseTo(1 / (1 + sq(vecs[id]!)), 5);
  });

  it("refuses a zero vector for cosine at index time", async () => {
    const err = await rejected(
      es.client.index({ index: cosIndex, id: "zero", document: { vec: [0, 0, 0] } }),
    );
    expect(err.status).toBe(400);
    expect(err.body.error.type).toBe("document_parsing_exception");
  });
});
