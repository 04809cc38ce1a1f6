/**
 * Every query type on a small corpus: the hits, their order and their scores, the scores
 * computed by hand with Elasticsearch's BM25 (see `bm25` in support.ts) to 1e-3.
 *
 * Corpus statistics used below (standard analyzer: lower-cased words):
 *   title lengths 4, 3, 2, 3, 2 → N = 5, avgdl = 14 / 5 = 2.8
 *   body  lengths 7, 8, 8, 9, 41 → N = 5, avgdl = 73 / 5 = 14.6; doc 5's 41 tokens are stored
 *   as 40 (Lucene keeps a length in one byte: exact below 24, 4 significant bits above)
 *   tags (keyword, no norms): 7 values over 5 docs → avgdl 1.4, every dl 1
 */
import { beforeAll, describe, expect, it } from "vitest";
import { bm25, ids, scoreOf, setupSearch } from "./support";

const es = setupSearch();
let index = "";

const filler = Array.from({ length: 39 }, (_, i) => `word${i}`).join(" ");
const DOCS = [
  {
    id: "1",
    title: "The quick brown fox",
    body: "A fox jumps over the lazy dog",
    tags: ["animals", "fox"],
    author: "ada",
    n: 10,
    published: "2024-01-10",
  },
  {
    id: "2",
    title: "Quick brown dogs",
    body: "Dogs and foxes are friends of the fox",
    tags: ["animals"],
    author: "grace",
    n: 20,
    published: "2024-02-10",
  },
  {
    id: "3",
    title: "Lazy afternoon",
    body: "The dog sleeps all afternoon in the sun",
    tags: ["life"],
    author: "ada",
    n: 30,
    published: "2024-03-10",
  },
  {
    id: "4",
    title: "Brown bread recipe",
    body: "Bake the bread until it is brown and crisp",
    tags: ["food"],
    author: "linus",
    n: 40,
    published: "2024-04-10",
  },
  { id: "5", title: "Fox news", body: `fox ${filler} fox`, tags: ["news", "fox"], n: 50 },
];

const TITLE = { N: 5, avgdl: 2.8 };
const BODY = { N: 5, avgdl: 14.6 };

beforeAll(async () => {
  index = es.indexName("scoring");
  await es.client.indices.create({
    index,
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: {
      properties: {
        title: { type: "text" },
        body: { type: "text" },
        tags: { type: "keyword" },
        author: { type: "keyword" },
        n: { type: "integer" },
        published: { type: "date" },
      },
    },
  });
  await es.client.bulk({
    refresh: true,
    operations: DOCS.flatMap(({ id, ...doc }) => [{ index: { _index: index, _id: id } }, doc]),
  });
});

const search = (body: Record<string, unknown>) => es.client.search({ index, ...body });

describe("match", () => {
  it("scores one term by BM25: the shorter title first", async () => {
    const res = await search({ query: { match: { title: "fox" } } });
    expect(ids(res)).toEqual(["5", "1"]);
    expect(scoreOf(res, "5")).toBeCloseTo(bm25({ tf: 1, dl: 2, n: 2, ...TITLE }), 3);
    expect(scoreOf(res, "1")).toBeCloseTo(bm25({ tf: 1, dl: 4, n: 2, ...TITLE }), 3);
    expect(res.hits.max_score).toBeCloseTo(bm25({ tf: 1, dl: 2, n: 2, ...TITLE }), 3);
  });

  it("uses the stored (SmallFloat) length of a long field: 41 tokens count as 40", async () => {
    const res = await search({ query: { match: { body: "fox" } } });
    // "foxes" (doc 2) is another term; doc 2 matches through its last word "fox".
    expect(ids(res)).toEqual(["1", "2", "5"]);
    expect(scoreOf(res, "1")).toBeCloseTo(bm25({ tf: 1, dl: 7, n: 3, ...BODY }), 3);
    expect(scoreOf(res, "2")).toBeCloseTo(bm25({ tf: 1, dl: 8, n: 3, ...BODY }), 3);
    expect(scoreOf(res, "5")).toBeCloseTo(bm25({ tf: 2, dl: 40, n: 3, ...BODY }), 3);
    expect(scoreOf(res, "5")).not.toBeCloseTo(bm25({ tf: 2, dl: 41, n: 3, ...BODY }), 4);
  });

  it("sums the terms of a multi-word query (operator or)", async () => {
    const res = await search({ query: { match: { title: "quick brown" } } });
    const quick = (dl: number) => bm25({ tf: 1, dl, n: 2, ...TITLE });
    const brown = (dl: number) => bm25({ tf: 1, dl, n: 3, ...TITLE });
    expect(ids(res)).toEqual(["2", "1", "4"]);
    expect(scoreOf(res, "2")).toBeCloseTo(quick(3) + brown(3), 3);
    expect(scoreOf(res, "1")).toBeCloseTo(quick(4) + brown(4), 3);
    expect(scoreOf(res, "4")).toBeCloseTo(brown(3), 3);
  });

  it("requires every term with operator and, and honours minimum_should_match", async () => {
    const and = await search({ query: { match: { title: { query: "quick brown fox", operator: "and" } } } });
    expect(ids(and)).toEqual(["1"]);
    const msm = await search({
      query: { match: { title: { query: "quick brown fox", minimum_should_match: 2 } } },
    });
    expect(ids(msm)).toEqual(["1", "2"]);
  });

  it("applies a boost to the weight", async () => {
    const res = await search({ query: { match: { title: { query: "fox", boost: 2.5 } } } });
    expect(scoreOf(res, "5")).toBeCloseTo(bm25({ tf: 1, dl: 2, n: 2, boost: 2.5, ...TITLE }), 3);
  });
});

describe("multi_match", () => {
  it("best_fields takes the best field, with field boosts", async () => {
    const res = await search({ query: { multi_match: { query: "fox", fields: ["title^3", "body"] } } });
    const t = (dl: number) => bm25({ tf: 1, dl, n: 2, boost: 3, ...TITLE });
    expect(ids(res)).toEqual(["5", "1", "2"]);
    expect(scoreOf(res, "5")).toBeCloseTo(Math.max(t(2), bm25({ tf: 2, dl: 40, n: 3, ...BODY })), 3);
    expect(scoreOf(res, "1")).toBeCloseTo(Math.max(t(4), bm25({ tf: 1, dl: 7, n: 3, ...BODY })), 3);
    expect(scoreOf(res, "2")).toBeCloseTo(bm25({ tf: 1, dl: 8, n: 3, ...BODY }), 3);
  });

  it("best_fields adds tie_breaker × the other fields", async () => {
    const res = await search({
      query: { multi_match: { query: "fox", fields: ["title", "body"], tie_breaker: 0.5 } },
    });
    const title1 = bm25({ tf: 1, dl: 4, n: 2, ...TITLE });
    const body1 = bm25({ tf: 1, dl: 7, n: 3, ...BODY });
    expect(scoreOf(res, "1")).toBeCloseTo(Math.max(title1, body1) + 0.5 * Math.min(title1, body1), 3);
  });

  it("most_fields sums the fields", async () => {
    const res = await search({
      query: { multi_match: { query: "fox", fields: ["title", "body"], type: "most_fields" } },
    });
    expect(scoreOf(res, "1")).toBeCloseTo(
      bm25({ tf: 1, dl: 4, n: 2, ...TITLE }) + bm25({ tf: 1, dl: 7, n: 3, ...BODY }),
      3,
    );
    expect(scoreOf(res, "5")).toBeCloseTo(
      bm25({ tf: 1, dl: 2, n: 2, ...TITLE }) + bm25({ tf: 2, dl: 40, n: 3, ...BODY }),
      3,
    );
  });

  it("phrase type matches the phrase in any field", async () => {
    const res = await search({
      query: { multi_match: { query: "brown fox", fields: ["title", "body"], type: "phrase" } },
    });
    expect(ids(res)).toEqual(["1"]);
  });
});

describe("match_phrase", () => {
  it("matches the words in order, scored with the summed idf and the phrase frequency", async () => {
    const res = await search({ query: { match_phrase: { body: "lazy dog" } } });
    expect(ids(res)).toEqual(["1"]);
    // lazy: n = 1; dog: n = 2 (docs 1 and 3; "Dogs" of doc 2 is "dogs")
    const idf = Math.log(1 + (5 - 1 + 0.5) / 1.5) + Math.log(1 + (5 - 2 + 0.5) / 2.5);
    const tf = 1 / (1 + 1.2 * (0.25 + (0.75 * 7) / 14.6));
    expect(scoreOf(res, "1")).toBeCloseTo(2.2 * idf * tf, 3);
  });

  it("does not match the words apart or reversed", async () => {
    expect(ids(await search({ query: { match_phrase: { body: "dog lazy" } } }))).toEqual([]);
    expect(ids(await search({ query: { match_phrase: { body: "fox lazy" } } }))).toEqual([]);
  });
});

describe("term-level queries", () => {
  it("term on a keyword field is scored by BM25 without norms", async () => {
    const res = await search({ query: { term: { tags: "animals" } } });
    expect(ids(res)).toEqual(["1", "2"]);
    const expected = bm25({ tf: 1, dl: 1, avgdl: 1.4, N: 5, n: 2 });
    expect(scoreOf(res, "1")).toBeCloseTo(expected, 3);
    expect(scoreOf(res, "2")).toBeCloseTo(expected, 3);
  });

  it("term on a text field looks for the indexed (lower-cased) term", async () => {
    expect(ids(await search({ query: { term: { title: "Quick" } } }))).toEqual([]);
    expect(ids(await search({ query: { term: { title: "quick" } } }))).toEqual(["2", "1"]);
  });

  it("terms is a constant score of 1 (ties in index order)", async () => {
    const res = await search({ query: { terms: { tags: ["news", "food"] } } });
    expect(ids(res)).toEqual(["4", "5"]);
    expect(res.hits.hits.map((h) => h._score)).toEqual([1, 1]);
  });

  it("range on numbers and on dates (lte a day includes the whole day)", async () => {
    const nums = await search({ query: { range: { n: { gte: 20, lt: 40 } } } });
    expect(ids(nums)).toEqual(["2", "3"]);
    expect(scoreOf(nums, "2")).toBe(1);
    const dates = await search({ query: { range: { published: { gte: "2024-02-01", lte: "2024-03-10" } } } });
    expect(ids(dates)).toEqual(["2", "3"]);
    const gt = await search({ query: { range: { published: { gt: "2024-03-10" } } } });
    expect(ids(gt)).toEqual(["4"]);
  });

  it("exists and ids", async () => {
    expect(ids(await search({ query: { exists: { field: "author" } } }))).toEqual(["1", "2", "3", "4"]);
    expect(ids(await search({ query: { exists: { field: "published" } } }))).toEqual(["1", "2", "3", "4"]);
    expect(ids(await search({ query: { ids: { values: ["3", "1", "99"] } } }))).toEqual(["1", "3"]);
  });

  it("match_all and constant_score score their boost", async () => {
    const all = await search({ query: { match_all: {} } });
    expect(all.hits.hits.map((h) => [h._id, h._score])).toEqual([
      ["1", 1],
      ["2", 1],
      ["3", 1],
      ["4", 1],
      ["5", 1],
    ]);
    const cs = await search({ query: { constant_score: { filter: { term: { author: "ada" } }, boost: 2 } } });
    expect(cs.hits.hits.map((h) => [h._id, h._score])).toEqual([
      ["1", 2],
      ["3", 2],
    ]);
  });
});

describe("bool", () => {
  it("must + filter + should + must_not: must and should score, filter and must_not only select", async () => {
    const res = await search({
      query: {
        bool: {
          must: [{ match: { body: "dog" } }],
          filter: [{ term: { author: "ada" } }],
          should: [{ match: { title: "lazy" } }],
          must_not: [{ term: { tags: "food" } }],
        },
      },
    });
    // body "dog": docs 1 and 3 (n = 2); title "lazy": doc 3 only (n = 1)
    const dog = (dl: number) => bm25({ tf: 1, dl, n: 2, ...BODY });
    expect(ids(res)).toEqual(["3", "1"]);
    expect(scoreOf(res, "3")).toBeCloseTo(dog(8) + bm25({ tf: 1, dl: 2, n: 1, ...TITLE }), 3);
    expect(scoreOf(res, "1")).toBeCloseTo(dog(7), 3);
  });

  it("must_not removes documents", async () => {
    const res = await search({
      query: { bool: { must: [{ match: { body: "dog" } }], must_not: [{ term: { author: "ada" } }] } },
    });
    expect(ids(res)).toEqual([]);
  });

  it("should alone needs one clause; minimum_should_match raises that", async () => {
    const should = [
      { match: { title: "brown" } },
      { match: { title: "quick" } },
      { match: { title: "fox" } },
    ];
    expect(ids(await search({ query: { bool: { should } } })).sort()).toEqual(["1", "2", "4", "5"]);
    const two = await search({ query: { bool: { should, minimum_should_match: 2 } } });
    expect(ids(two)).toEqual(["1", "2"]);
    const pct = await search({ query: { bool: { should, minimum_should_match: "100%" } } });
    expect(ids(pct)).toEqual(["1"]);
  });

  it("with a filter, should clauses are optional and only add score", async () => {
    const res = await search({
      query: { bool: { filter: [{ term: { author: "ada" } }], should: [{ match: { title: "fox" } }] } },
    });
    expect(ids(res)).toEqual(["1", "3"]);
    expect(scoreOf(res, "1")).toBeCloseTo(bm25({ tf: 1, dl: 4, n: 2, ...TITLE }), 3);
    expect(scoreOf(res, "3")).toBe(0);
  });

  it("a filter-only bool scores 0", async () => {
    const res = await search({ query: { bool: { filter: [{ range: { n: { lte: 20 } } }] } } });
    expect(res.hits.hits.map((h) => [h._id, h._score])).toEqual([
      ["1", 0],
      ["2", 0],
    ]);
  });
});

describe("dis_max", () => {
  it("takes the best clause plus tie_breaker × the others", async () => {
    const res = await search({
      query: {
        dis_max: { queries: [{ match: { title: "fox" } }, { match: { body: "fox" } }], tie_breaker: 0.3 },
      },
    });
    const t = bm25({ tf: 1, dl: 4, n: 2, ...TITLE });
    const b = bm25({ tf: 1, dl: 7, n: 3, ...BODY });
    expect(scoreOf(res, "1")).toBeCloseTo(Math.max(t, b) + 0.3 * Math.min(t, b), 3);
  });
});

describe("single-document index", () => {
  it("scores 0.2876821 for one match of one token: ln(1 + 0.5/1.5) × 2.2 × 1/2.2", async () => {
    const one = es.indexName("one");
    await es.client.index({ index: one, id: "1", document: { title: "hello" }, refresh: true });
    const res = await es.client.search({ index: one, query: { match: { title: "hello" } } });
    expect(res.hits.hits[0]?._score).toBeCloseTo(0.2876821, 6);
  });
});
