/**
 * Requests Elasticsearch refuses (same status and error type here), and what only this server
 * refuses: Elasticsearch features it does not implement answer 400 in Elasticsearch's error shape
 * with the feature named, never a silently different result.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { embedded, rejected, setupSearch } from "./support";

const es = setupSearch();
let index = "";

beforeAll(async () => {
  index = es.indexName("errors");
  await es.client.indices.create({
    index,
    mappings: { properties: { title: { type: "text" }, tag: { type: "keyword" }, n: { type: "integer" } } },
  });
  await es.client.index({ index, id: "1", document: { title: "hello", tag: "a", n: 1 }, refresh: true });
});

describe("refused as Elasticsearch refuses", () => {
  it("an unknown query: 400 parsing_exception", async () => {
    const err = await rejected(
      es.client.search({ index, query: { no_such_query: { title: "x" } } as never }),
    );
    expect(err.status).toBe(400);
    expect(err.body.error.type).toBe("parsing_exception");
    expect(err.body.error.reason).toContain("no_such_query");
    expect(err.body.error.root_cause[0]?.type).toBe("parsing_exception");
  });

  it("an unknown key in a search body: 400 parsing_exception", async () => {
    const err = await rejected(es.client.search({ index, no_such_key: 1 } as never));
    expect(err.status).toBe(400);
    expect(err.body.error.type).toBe("parsing_exception");
  });

  it("a term query with two fields: 400 parsing_exception", async () => {
    const err = await rejected(es.client.search({ index, query: { term: { title: "a", tag: "b" } } }));
    expect(err.status).toBe(400);
    expect(err.body.error.type).toBe("parsing_exception");
  });

  it("a bad number for a numeric field: 400 from the shard (search_phase_execution_exception)", async () => {
    const err = await rejected(es.client.search({ index, query: { term: { n: "abc" } } }));
    expect(err.status).toBe(400);
    expect(err.body.error.type).toBe("search_phase_execution_exception");
    expect(err.body.error.root_cause[0]?.type).toBe("query_shard_exception");
  });

  it("sorting on an unmapped field: 400", async () => {
    const err = await rejected(es.client.search({ index, sort: ["nope"] }));
    expect(err.status).toBe(400);
  });

  it("a bulk body without its final newline: 400 illegal_argument_exception", async () => {
    const res = await fetch(`${es.url}/_bulk`, {
      method: "POST",
      headers: { "content-type": "application/x-ndjson" },
      body: `{"index":{"_index":"${index}"}}\n{"title":"x"}`,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("illegal_argument_exception");
  });
});

describe.runIf(embedded)("refused here, named (features this server does not implement)", () => {
  const cases: [string, () => Promise<unknown>, string][] = [
    ["fuzzy query", () => es.client.search({ index, query: { fuzzy: { title: "helo" } } }), "fuzzy"],
    ["wildcard query", () => es.client.search({ index, query: { wildcard: { tag: "a*" } } }), "wildcard"],
    [
      "query_string",
      () => es.client.search({ index, query: { query_string: { query: "hello" } } }),
      "query_string",
    ],
    [
      "function_score",
      () => es.client.search({ index, query: { function_score: { query: { match_all: {} } } } }),
      "function_score",
    ],
    [
      "nested query",
      () => es.client.search({ index, query: { nested: { path: "x", query: { match_all: {} } } } }),
      "nested",
    ],
    ["aggregations", () => es.client.search({ index, aggs: { tags: { terms: { field: "tag" } } } }), "aggs"],
    [
      "cross_fields",
      () =>
        es.client.search({
          index,
          query: { multi_match: { query: "x", fields: ["title"], type: "cross_fields" } },
        }),
      "cross_fields",
    ],
    [
      "fuzziness",
      () => es.client.search({ index, query: { match: { title: { query: "helo", fuzziness: "AUTO" } } } }),
      "fuzziness",
    ],
    [
      "phrase slop",
      () => es.client.search({ index, query: { match_phrase: { title: { query: "a b", slop: 2 } } } }),
      "slop",
    ],
    [
      "nested mapping",
      () =>
        es.client.indices.create({
          index: es.indexName("nested"),
          mappings: { properties: { c: { type: "nested" } } },
        }),
      "nested",
    ],
    [
      "english analyzer",
      () =>
        es.client.indices.create({
          index: es.indexName("english"),
          mappings: { properties: { t: { type: "text", analyzer: "english" } } },
        }),
      "english",
    ],
    [
      "custom analysis",
      () =>
        es.client.indices.create({
          index: es.indexName("analysis"),
          settings: { analysis: { analyzer: { a: { type: "custom", tokenizer: "standard" } } } },
        }),
      "analysis",
    ],
    [
      "scripted update",
      () => es.client.update({ index, id: "1", script: { source: "ctx._source.n++" } }),
      "script",
    ],
    ["scroll", () => es.client.search({ index, scroll: "1m" }), "scroll"],
    [
      "named queries",
      () => es.client.search({ index, query: { match: { title: { query: "x", _name: "q1" } } } }),
      "_name",
    ],
    ["profile", () => es.client.search({ index, profile: true }), "profile"],
    ["msearch", () => es.client.msearch({ index, searches: [{}, { query: { match_all: {} } }] }), "msearch"],
  ];
  for (const [what, run, named] of cases) {
    it(`${what}: 400 naming it`, async () => {
      const err = await rejected(run());
      expect(err.status).toBe(400);
      expect(err.body.error.reason).toContain(named);
      expect(err.body.error.reason).toContain("not supported");
      expect(err.body.error.root_cause.length).toBeGreaterThan(0);
    });
  }

  it("an unknown path: 400 no handler found, and a wrong method: 405", async () => {
    const res = await fetch(`${es.url}/${index}/_no_such_endpoint`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain("no handler found");
    const wrong = await fetch(`${es.url}/_refresh`, { method: "PUT" });
    expect(wrong.status).toBe(405);
  });
});
