/**
 * The requests the app's search (issue 21) makes, on the index it will use: posts with text
 * fields, keyword filters, a date, a float hot score and a 512-dimension cosine embedding.
 * Keyword search (multi_match with boosts and filters, highlighted), semantic search (knn with
 * a tenant filter), hybrid ranking fused by the client (reciprocal rank fusion), a tenant's
 * removal with _delete_by_query.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ids, setupSearch } from "./support";

const es = setupSearch();
let index = "";
const DIMS = 512;

/** Deterministic pseudo-random unit-ish vectors (mulberry32). */
function vector(seed: number): number[] {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  return Array.from({ length: DIMS }, rnd);
}

interface Post {
  id: string;
  tenantId: string;
  tenantSlug: string;
  title: string;
  summary: string;
  text: string;
  tags: string[];
  concepts: string[];
  author: string;
  publishedAt: string;
  hotScore: number;
  embedding: number[];
}

const POSTS: Post[] = [
  [
    "p1",
    "t1",
    "ada",
    "Engines of the future",
    "How analytical engines compute",
    "The analytical engine weaves algebraic patterns.",
    ["history"],
    ["computing"],
    "ada",
    "2024-01-05T09:00:00Z",
    2.5,
  ],
  [
    "p2",
    "t1",
    "ada",
    "Notes on the engine",
    "Bernoulli numbers",
    "A long note about numbers and loops in the engine of Babbage.",
    ["math"],
    ["algorithms"],
    "ada",
    "2024-02-05T09:00:00Z",
    7.25,
  ],
  [
    "p3",
    "t1",
    "ada",
    "Poetical science",
    "Imagination and science",
    "Science needs imagination, says the poet of numbers.",
    ["essay"],
    ["science"],
    "ada",
    "2024-03-05T09:00:00Z",
    1,
  ],
  [
    "p4",
    "t2",
    "grace",
    "Compilers for everyone",
    "Why compilers matter",
    "The compiler turns words into machine code for any engine.",
    ["compilers"],
    ["computing"],
    "grace",
    "2024-01-10T09:00:00Z",
    9,
  ],
  [
    "p5",
    "t2",
    "grace",
    "A moth in the machine",
    "The first bug",
    "An actual bug was found in the relay of the engine.",
    ["history"],
    ["debugging"],
    "grace",
    "2024-04-10T09:00:00Z",
    4.5,
  ],
].map(
  ([id, tenantId, tenantSlug, title, summary, text, tags, concepts, author, publishedAt, hotScore], i) => ({
    id,
    tenantId,
    tenantSlug,
    title,
    summary,
    text,
    tags,
    concepts,
    author,
    publishedAt,
    hotScore,
    embedding: vector(i + 1),
  }),
) as Post[];

beforeAll(async () => {
  index = es.indexName("posts");
  await es.client.indices.create({
    index,
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: {
      dynamic: "strict",
      properties: {
        title: { type: "text" },
        summary: { type: "text" },
        text: { type: "text" },
        tenantId: { type: "keyword" },
        tenantSlug: { type: "keyword" },
        tags: { type: "keyword" },
        concepts: { type: "keyword" },
        author: { type: "keyword" },
        publishedAt: { type: "date" },
        hotScore: { type: "float" },
        embedding: {
          type: "dense_vector",
          dims: DIMS,
          similarity: "cosine",
          index: true,
          index_options: { type: "flat" },
        },
      },
    },
  });
  await es.client.bulk({
    refresh: "wait_for",
    operations: POSTS.flatMap(({ id, ...doc }) => [{ index: { _index: index, _id: id } }, doc]),
  });
});

function keywordSearch(q: string, tenantId?: string) {
  return es.client.search({
    index,
    size: 10,
    _source: { excludes: ["embedding", "text"] },
    query: {
      bool: {
        must: [{ multi_match: { query: q, fields: ["title^3", "summary^2", "text"] } }],
        filter: [...(tenantId ? [{ term: { tenantId } }] : []), { range: { publishedAt: { lte: "now" } } }],
      },
    },
    highlight: { fields: { title: {}, summary: {}, text: {} } },
  });
}

function semanticSearch(queryVector: number[], tenantId?: string) {
  return es.client.search({
    index,
    _source: { excludes: ["embedding"] },
    knn: {
      field: "embedding",
      query_vector: queryVector,
      k: 3,
      num_candidates: 50,
      ...(tenantId ? { filter: { term: { tenantId } } } : {}),
    },
  });
}

/** Reciprocal rank fusion, as the app does it from the two result lists (k = 60). */
function rrf(...lists: string[][]): string[] {
  const scores = new Map<string, number>();
  for (const list of lists) {
    list.forEach((id, rank) => {
      scores.set(id, (scores.get(id) ?? 0) + 1 / (60 + rank + 1));
    });
  }
  return [...scores].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
}

describe("the app's search", () => {
  it("keyword search ranks title matches first (boosts), keeps to the tenant, highlights", async () => {
    const res = await keywordSearch("engine", "t1");
    // "engine" is in p2's title (boost 3), in p1's title as "engines" (another term), in p1's
    // and p2's text; p3 has none.
    expect(ids(res)).toEqual(["p2", "p1"]);
    expect(res.hits.hits[0]?.highlight?.title).toEqual(["Notes on the <em>engine</em>"]);
    expect(res.hits.hits[0]?._source).not.toHaveProperty("embedding");
    const everywhere = await keywordSearch("engine");
    expect(ids(everywhere).sort()).toEqual(["p1", "p2", "p4", "p5"]);
  });

  it("semantic search returns the nearest posts of the tenant", async () => {
    const near = POSTS[3]!.embedding.map((x, i) => x + (i % 7 === 0 ? 0.01 : 0));
    const all = await semanticSearch(near);
    expect(ids(all)[0]).toBe("p4");
    const t1 = await semanticSearch(near, "t1");
    expect(ids(t1)).toHaveLength(3);
    expect(ids(t1).every((id) => POSTS.find((p) => p.id === id)?.tenantId === "t1")).toBe(true);
    expect(t1.hits.hits[0]?._source).not.toHaveProperty("embedding");
  });

  it("hybrid: both lists fused by reciprocal rank", async () => {
    const [kw, sem] = await Promise.all([keywordSearch("bug"), semanticSearch(POSTS[4]!.embedding)]);
    expect(ids(kw)).toEqual(["p5"]);
    expect(ids(sem)[0]).toBe("p5");
    const fused = rrf(ids(kw), ids(sem));
    expect(fused[0]).toBe("p5"); // first in both lists
    expect(fused).toEqual(["p5", ...ids(sem).slice(1)]);
  });

  it("sorts by hot score and by date", async () => {
    const hot = await es.client.search({ index, sort: [{ hotScore: "desc" }], _source: false });
    expect(ids(hot)).toEqual(["p4", "p2", "p5", "p1", "p3"]);
    expect(hot.hits.hits[1]?.sort).toEqual([7.25]);
    const recent = await es.client.search({
      index,
      sort: [{ publishedAt: "desc" }],
      _source: false,
      size: 2,
    });
    expect(ids(recent)).toEqual(["p5", "p3"]);
  });

  it("filters by tags, concepts, author and slug", async () => {
    const res = await es.client.search({
      index,
      _source: false,
      query: {
        bool: { filter: [{ terms: { tags: ["history", "math"] } }, { term: { tenantSlug: "ada" } }] },
      },
    });
    expect(ids(res)).toEqual(["p1", "p2"]);
    const c = await es.client.count({
      index,
      query: { bool: { filter: [{ term: { concepts: "computing" } }, { term: { author: "grace" } }] } },
    });
    expect(c.count).toBe(1);
  });

  it("removes a tenant's posts with _delete_by_query", async () => {
    const res = await es.client.deleteByQuery({ index, query: { term: { tenantId: "t2" } }, refresh: true });
    expect(res.deleted).toBe(2);
    expect((await es.client.count({ index })).count).toBe(3);
    expect(ids(await keywordSearch("engine"))).toEqual(["p2", "p1"]);
  });
});
