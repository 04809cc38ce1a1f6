/**
 * Near-real-time semantics: GET sees a write at once, searches only after a refresh — explicit
 * (`_refresh`, `refresh=true`), awaited (`refresh=wait_for`) or scheduled (`refresh_interval`).
 */
import { describe, expect, it } from "vitest";
import { setupSearch } from "./support";

const es = setupSearch();

async function indexWith(refreshInterval?: string): Promise<string> {
  const index = es.indexName("refresh");
  await es.client.indices.create({
    index,
    settings: { number_of_replicas: 0, ...(refreshInterval ? { refresh_interval: refreshInterval } : {}) },
    mappings: { properties: { title: { type: "text" }, tenant: { type: "keyword" } } },
  });
  return index;
}

const count = async (index: string, query?: Record<string, unknown>) =>
  (await es.client.count({ index, ...(query ? { query } : {}) })).count;

describe("refresh", () => {
  it("a write is visible to GET at once, to searches only after _refresh (refresh_interval -1)", async () => {
    const index = await indexWith("-1");
    await es.client.index({ index, id: "1", document: { title: "hello" } });
    expect((await es.client.get({ index, id: "1" })).found).toBe(true);
    expect(await count(index)).toBe(0);
    expect((await es.client.search({ index, query: { match: { title: "hello" } } })).hits.hits).toEqual([]);
    await es.client.indices.refresh({ index });
    expect(await count(index)).toBe(1);
  });

  it("a deletion stays visible to searches until the next refresh", async () => {
    const index = await indexWith("-1");
    await es.client.index({ index, id: "1", document: { title: "hello" }, refresh: true });
    await es.client.delete({ index, id: "1" });
    expect(await es.client.exists({ index, id: "1" })).toBe(false);
    expect(await count(index)).toBe(1);
    await es.client.indices.refresh({ index });
    expect(await count(index)).toBe(0);
  });

  it("an update replaces the searchable version only at refresh", async () => {
    const index = await indexWith("-1");
    await es.client.index({ index, id: "1", document: { title: "old words" }, refresh: true });
    await es.client.index({ index, id: "1", document: { title: "new words" } });
    expect(await count(index, { match: { title: "old" } })).toBe(1);
    expect(await count(index, { match: { title: "new" } })).toBe(0);
    await es.client.indices.refresh({ index });
    expect(await count(index, { match: { title: "old" } })).toBe(0);
    expect(await count(index, { match: { title: "new" } })).toBe(1);
  });

  it("refresh=true makes the write searchable before the answer", async () => {
    const index = await indexWith("-1");
    const res = await es.client.index({ index, id: "1", document: { title: "x" }, refresh: true });
    expect(res.forced_refresh).toBe(true);
    expect(await count(index)).toBe(1);
  });

  it("refresh=wait_for answers once a scheduled refresh made the write searchable", async () => {
    const index = await indexWith("200ms");
    await es.client.index({ index, id: "1", document: { title: "x" }, refresh: "wait_for" });
    expect(await count(index)).toBe(1);
    await es.client.bulk({
      refresh: "wait_for",
      operations: [
        { index: { _index: index, _id: "2" } },
        { title: "y" },
        { delete: { _index: index, _id: "1" } },
      ],
    });
    expect(await count(index)).toBe(1);
    expect((await es.client.search({ index })).hits.hits.map((h) => h._id)).toEqual(["2"]);
  });

  it("the default refresh_interval (1 s) makes writes searchable without any refresh call", async () => {
    const index = await indexWith();
    await es.client.index({ index, id: "1", document: { title: "x" } });
    // Polls until the scheduled refresh happened: without one, this never ends (test timeout).
    while ((await count(index)) === 0) await new Promise((r) => setTimeout(r, 100));
    expect(await count(index)).toBe(1);
  });

  it("_delete_by_query deletes what a search of the refreshed index finds", async () => {
    const index = await indexWith("-1");
    await es.client.bulk({
      refresh: true,
      operations: [
        { index: { _index: index, _id: "a1" } },
        { tenant: "a", title: "one" },
        { index: { _index: index, _id: "a2" } },
        { tenant: "a", title: "two" },
        { index: { _index: index, _id: "b1" } },
        { tenant: "b", title: "three" },
      ],
    });
    const res = await es.client.deleteByQuery({ index, query: { term: { tenant: "a" } }, refresh: true });
    expect(res).toMatchObject({ total: 2, deleted: 2, version_conflicts: 0, failures: [] });
    expect(await count(index)).toBe(1);
    expect(await es.client.exists({ index, id: "a1" })).toBe(false);
    const terms = await es.client.deleteByQuery({ index, query: { terms: { tenant: ["b", "c"] } } });
    expect(terms.deleted).toBe(1);
    expect(await es.client.exists({ index, id: "b1" })).toBe(false);
  });
});
