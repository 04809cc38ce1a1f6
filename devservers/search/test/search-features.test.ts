/**
 * What a search returns besides matching: sort (fields, missing values, _score), from/size,
 * search_after, _source filtering, highlight, total hits tracking, count.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ids, rejected, setupSearch } from "./support";

const es = setupSearch();
let index = "";

const DOCS = [
  {
    id: "1",
    title: "Rust ownership explained",
    tags: ["rust", "memory"],
    score: 4.5,
    views: 100,
    at: "2024-01-01T10:00:00Z",
    meta: { lang: "en", words: 900 },
  },
  {
    id: "2",
    title: "Garbage collection in Go",
    tags: ["go", "memory"],
    score: 3.25,
    views: 300,
    at: "2024-03-01T10:00:00Z",
    meta: { lang: "en", words: 1200 },
  },
  {
    id: "3",
    title: "Ownership and borrowing in Rust, with examples of ownership",
    tags: ["rust"],
    score: 4.5,
    views: 50,
    at: "2024-02-01T10:00:00Z",
    meta: { lang: "fr", words: 700 },
  },
  {
    id: "4",
    title: "Memory arenas",
    tags: ["memory"],
    views: 200,
    at: "2024-04-01T10:00:00Z",
    meta: { lang: "en", words: 300 },
  },
];

beforeAll(async () => {
  index = es.indexName("features");
  await es.client.indices.create({
    index,
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: {
      properties: {
        title: { type: "text", fields: { raw: { type: "keyword" } } },
        tags: { type: "keyword" },
        score: { type: "float" },
        views: { type: "integer" },
        at: { type: "date" },
        meta: { properties: { lang: { type: "keyword" }, words: { type: "integer" } } },
      },
    },
  });
  await es.client.bulk({
    refresh: true,
    operations: DOCS.flatMap(({ id, ...doc }) => [{ index: { _index: index, _id: id } }, doc]),
  });
});

describe("sort", () => {
  it("by a numeric field, with the sort values and no scores", async () => {
    const res = await es.client.search({ index, sort: [{ views: "desc" }] });
    expect(ids(res)).toEqual(["2", "4", "1", "3"]);
    expect(res.hits.hits.map((h) => h.sort)).toEqual([[300], [200], [100], [50]]);
    expect(res.hits.hits[0]?._score).toBeNull();
    expect(res.hits.max_score).toBeNull();
  });

  it("by a date (epoch milliseconds), a keyword, a nested field", async () => {
    const byDate = await es.client.search({ index, sort: [{ at: { order: "asc" } }] });
    expect(ids(byDate)).toEqual(["1", "3", "2", "4"]);
    expect(byDate.hits.hits[0]?.sort).toEqual([Date.parse("2024-01-01T10:00:00Z")]);
    const byKeyword = await es.client.search({ index, sort: ["title.raw"] });
    expect(ids(byKeyword)).toEqual(["2", "4", "3", "1"]);
    const byNested = await es.client.search({ index, sort: [{ "meta.words": "asc" }] });
    expect(ids(byNested)).toEqual(["4", "3", "1", "2"]);
  });

  it("ties fall to the next key; missing values go last (or first when asked)", async () => {
    const res = await es.client.search({ index, sort: [{ score: "desc" }, { views: "asc" }] });
    expect(ids(res)).toEqual(["3", "1", "2", "4"]);
    const first = await es.client.search({ index, sort: [{ score: { order: "desc", missing: "_first" } }] });
    expect(ids(first)[0]).toBe("4");
  });

  it("a multi-valued keyword sorts by its lowest value ascending, highest descending", async () => {
    const asc = await es.client.search({ index, sort: [{ tags: "asc" }, { views: "asc" }] });
    expect(ids(asc)).toEqual(["2", "1", "4", "3"]); // go, memory (min of memory/rust), memory, rust
    const desc = await es.client.search({ index, sort: [{ tags: "desc" }, { views: "asc" }] });
    expect(ids(desc)).toEqual(["3", "1", "4", "2"]);
  });

  it("by _score with track_scores, and _score then a field", async () => {
    // Doc 1's short title outscores doc 3's two occurrences in nine words.
    const res = await es.client.search({
      index,
      query: { match: { title: "ownership" } },
      sort: ["_score", { views: "desc" }],
    });
    expect(ids(res)).toEqual(["1", "3"]);
    expect(res.hits.hits[0]?._score).toBeGreaterThan(0);
    const tracked = await es.client.search({
      index,
      query: { match: { title: "ownership" } },
      sort: [{ views: "desc" }],
      track_scores: true,
    });
    expect(tracked.hits.hits[0]?._score).toBeGreaterThan(0);
    expect(tracked.hits.max_score).toBeGreaterThan(0);
  });

  it("refuses sorting on a text field", async () => {
    const err = await rejected(es.client.search({ index, sort: ["title"] }));
    expect(err.status).toBe(400);
  });
});

describe("paging", () => {
  it("from and size", async () => {
    const page = await es.client.search({ index, sort: [{ views: "asc" }], from: 1, size: 2 });
    expect(ids(page)).toEqual(["1", "4"]);
    expect(page.hits.total).toEqual({ value: 4, relation: "eq" });
    const none = await es.client.search({ index, size: 0 });
    expect(none.hits.hits).toEqual([]);
    expect(none.hits.total).toEqual({ value: 4, relation: "eq" });
  });

  it("search_after continues from the last sort values", async () => {
    const first = await es.client.search({ index, sort: [{ views: "asc" }], size: 2 });
    const last = first.hits.hits[first.hits.hits.length - 1]!.sort!;
    const next = await es.client.search({ index, sort: [{ views: "asc" }], size: 2, search_after: last });
    expect(ids(next)).toEqual(["4", "2"]);
  });

  it("track_total_hits: a lower bound past the limit, or no total at all", async () => {
    const bounded = await es.client.search({ index, track_total_hits: 2, size: 0 });
    expect(bounded.hits.total).toEqual({ value: 2, relation: "gte" });
    const off = await es.client.search({ index, track_total_hits: false, size: 0 });
    expect(off.hits.total).toBeUndefined();
  });

  it("refuses a window beyond max_result_window", async () => {
    const err = await rejected(es.client.search({ index, from: 10_000, size: 1 }));
    expect(err.status).toBe(400);
  });
});

describe("_source", () => {
  it("false, field lists, wildcards, includes/excludes", async () => {
    const none = await es.client.search({ index, _source: false, query: { ids: { values: ["1"] } } });
    expect(none.hits.hits[0]?._source).toBeUndefined();
    const some = await es.client.search({
      index,
      _source: ["title", "meta.lang"],
      query: { ids: { values: ["1"] } },
    });
    expect(some.hits.hits[0]?._source).toEqual({ title: "Rust ownership explained", meta: { lang: "en" } });
    const wild = await es.client.search({ index, _source: ["meta.*"], query: { ids: { values: ["1"] } } });
    expect(wild.hits.hits[0]?._source).toEqual({ meta: { lang: "en", words: 900 } });
    const ex = await es.client.search({
      index,
      _source: { includes: ["*"], excludes: ["tags", "meta.words"] },
      query: { ids: { values: ["1"] } },
    });
    expect(ex.hits.hits[0]?._source).toEqual({
      title: "Rust ownership explained",
      score: 4.5,
      views: 100,
      at: "2024-01-01T10:00:00Z",
      meta: { lang: "en" },
    });
  });

  it("returns the source as it was sent", async () => {
    const res = await es.client.search({ index, query: { ids: { values: ["2"] } } });
    const { id: _id, ...doc } = DOCS[1]!;
    expect(res.hits.hits[0]?._source).toEqual(doc);
  });
});

describe("highlight", () => {
  it("marks the query's terms with <em> in the matching field", async () => {
    const res = await es.client.search({
      index,
      query: { match: { title: "memory" } },
      highlight: { fields: { title: {} } },
    });
    expect(res.hits.hits.map((h) => h.highlight)).toEqual([{ title: ["<em>Memory</em> arenas"] }]);
  });

  it("marks every occurrence, with custom tags", async () => {
    const res = await es.client.search({
      index,
      query: { match: { title: "ownership" } },
      highlight: { pre_tags: ["<mark>"], post_tags: ["</mark>"], fields: { title: {} } },
    });
    const three = res.hits.hits.find((h) => h._id === "3");
    expect(three?.highlight).toEqual({
      title: ["<mark>Ownership</mark> and borrowing in Rust, with examples of <mark>ownership</mark>"],
    });
  });

  it("marks a phrase as one span", async () => {
    const res = await es.client.search({
      index,
      query: { match_phrase: { title: "garbage collection" } },
      highlight: { fields: { title: {} } },
    });
    expect(res.hits.hits[0]?.highlight).toEqual({ title: ["<em>Garbage collection</em> in Go"] });
  });

  it("highlights only fields the query searched (require_field_match), across multi_match fields", async () => {
    const res = await es.client.search({
      index,
      query: { bool: { must: [{ multi_match: { query: "rust", fields: ["title", "tags"] } }] } },
      highlight: { fields: { title: {}, tags: {} } },
    });
    const one = res.hits.hits.find((h) => h._id === "1");
    expect(one?.highlight).toEqual({ title: ["<em>Rust</em> ownership explained"], tags: ["<em>rust</em>"] });
  });

  it("starts a fragment at the sentence holding the match, even in a short value", async () => {
    const short = es.indexName("hl");
    await es.client.index({
      index: short,
      id: "1",
      document: { body: "Short intro. The moth was found in the relay." },
      refresh: true,
    });
    const res = await es.client.search({
      index: short,
      query: { match: { body: "moth" } },
      highlight: { fields: { body: {} } },
    });
    expect(res.hits.hits[0]?.highlight).toEqual({ body: ["The <em>moth</em> was found in the relay."] });
  });

  it("leaves out hits and fields without a match", async () => {
    const res = await es.client.search({
      index,
      query: { bool: { should: [{ match: { title: "rust" } }, { term: { tags: "memory" } }] } },
      highlight: { fields: { title: {} } },
    });
    const four = res.hits.hits.find((h) => h._id === "4");
    expect(four).toBeDefined();
    expect(four?.highlight).toBeUndefined();
  });
});

describe("count", () => {
  it("counts matches of a query, or everything", async () => {
    expect((await es.client.count({ index })).count).toBe(4);
    expect((await es.client.count({ index, query: { term: { tags: "memory" } } })).count).toBe(3);
  });
});
