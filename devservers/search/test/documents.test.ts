/**
 * Single-document APIs and _bulk: index/create/get/update/delete with their versions, sequence
 * numbers, results and status codes, optimistic concurrency, _mget, and bulk item errors.
 */
import { describe, expect, it } from "vitest";
import { rejected, setupSearch } from "./support";

const es = setupSearch();

async function freshIndex(): Promise<string> {
  const index = es.indexName("docs");
  await es.client.indices.create({
    index,
    settings: { number_of_replicas: 0 },
    mappings: { properties: { title: { type: "text" }, n: { type: "integer" }, tags: { type: "keyword" } } },
  });
  return index;
}

describe("index, get, delete", () => {
  it("indexes (201 created, then 200 updated with the next version) and gets in real time", async () => {
    const index = await freshIndex();
    const first = await es.client.index({ index, id: "a", document: { title: "one", n: 1 } });
    expect(first).toMatchObject({
      _index: index,
      _id: "a",
      _version: 1,
      result: "created",
      _primary_term: 1,
    });
    const second = await es.client.index({ index, id: "a", document: { title: "two", n: 2 } });
    expect(second).toMatchObject({ _version: 2, result: "updated" });
    expect(second._seq_no).toBeGreaterThan(first._seq_no ?? Number.POSITIVE_INFINITY);
    const got = await es.client.get({ index, id: "a" });
    expect(got).toMatchObject({
      _index: index,
      _id: "a",
      _version: 2,
      found: true,
      _source: { title: "two", n: 2 },
    });
    expect(got._seq_no).toBe(second._seq_no);
  });

  it("generates ids for POST without one", async () => {
    const index = await freshIndex();
    const res = await es.client.index({ index, document: { title: "auto" } });
    expect(res.result).toBe("created");
    expect(res._id).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect((await es.client.get({ index, id: res._id }))._source).toEqual({ title: "auto" });
  });

  it("answers found: false (404) for a missing document, and exists as a boolean", async () => {
    const index = await freshIndex();
    const missing = await es.client.get({ index, id: "nope" }, { ignore: [404] });
    expect(missing).toMatchObject({ _index: index, _id: "nope", found: false });
    expect(await es.client.exists({ index, id: "nope" })).toBe(false);
    await es.client.index({ index, id: "yes", document: { n: 1 } });
    expect(await es.client.exists({ index, id: "yes" })).toBe(true);
  });

  it("filters the source of a get", async () => {
    const index = await freshIndex();
    await es.client.index({ index, id: "s", document: { title: "t", n: 5, tags: ["x"] } });
    const got = await es.client.get({ index, id: "s", _source_includes: ["title", "n"] });
    expect(got._source).toEqual({ title: "t", n: 5 });
    const src = await es.client.getSource({ index, id: "s", _source_excludes: ["tags"] });
    expect(src).toEqual({ title: "t", n: 5 });
  });

  it("deletes (result deleted, then not_found 404) and remembers the version", async () => {
    const index = await freshIndex();
    await es.client.index({ index, id: "d", document: { n: 1 } });
    const del = await es.client.delete({ index, id: "d" });
    expect(del).toMatchObject({ result: "deleted", _version: 2 });
    const again = await rejected(es.client.delete({ index, id: "d" }));
    expect(again.status).toBe(404);
    expect((again.body as unknown as { result: string }).result).toBe("not_found");
    const back = await es.client.index({ index, id: "d", document: { n: 2 } });
    expect(back).toMatchObject({ result: "created", _version: 4 });
  });

  it("op_type create refuses an existing id with 409", async () => {
    const index = await freshIndex();
    await es.client.create({ index, id: "c", document: { n: 1 } });
    const err = await rejected(es.client.create({ index, id: "c", document: { n: 2 } }));
    expect(err.status).toBe(409);
    expect(err.body.error.type).toBe("version_conflict_engine_exception");
  });

  it("if_seq_no / if_primary_term guard a write", async () => {
    const index = await freshIndex();
    const first = await es.client.index({ index, id: "o", document: { n: 1 } });
    await es.client.index({
      index,
      id: "o",
      document: { n: 2 },
      if_seq_no: first._seq_no,
      if_primary_term: first._primary_term,
    });
    const stale = await rejected(
      es.client.index({
        index,
        id: "o",
        document: { n: 3 },
        if_seq_no: first._seq_no,
        if_primary_term: first._primary_term,
      }),
    );
    expect(stale.status).toBe(409);
    expect(stale.body.error.type).toBe("version_conflict_engine_exception");
  });

  it("refuses a value the mapping cannot take with 400 document_parsing_exception", async () => {
    const index = await freshIndex();
    const err = await rejected(es.client.index({ index, id: "bad", document: { n: "not a number" } }));
    expect(err.status).toBe(400);
    expect(err.body.error.type).toBe("document_parsing_exception");
    expect(await es.client.exists({ index, id: "bad" })).toBe(false);
  });
});

describe("update", () => {
  it("merges a partial document, and reports noop when nothing changes", async () => {
    const index = await freshIndex();
    await es.client.index({ index, id: "u", document: { title: "t", n: 1, meta: { a: 1, b: 2 } } });
    const upd = await es.client.update({ index, id: "u", doc: { n: 2, meta: { b: 3 } } });
    expect(upd).toMatchObject({ result: "updated", _version: 2 });
    expect((await es.client.get({ index, id: "u" }))._source).toEqual({
      title: "t",
      n: 2,
      meta: { a: 1, b: 3 },
    });
    const noop = await es.client.update({ index, id: "u", doc: { n: 2 } });
    expect(noop).toMatchObject({ result: "noop", _version: 2 });
  });

  it("404 document_missing_exception without upsert; upsert and doc_as_upsert create", async () => {
    const index = await freshIndex();
    const err = await rejected(es.client.update({ index, id: "m", doc: { n: 1 } }));
    expect(err.status).toBe(404);
    expect(err.body.error.type).toBe("document_missing_exception");
    const up = await es.client.update({ index, id: "m", doc: { n: 1 }, upsert: { n: 0, title: "fresh" } });
    expect(up.result).toBe("created");
    expect((await es.client.get({ index, id: "m" }))._source).toEqual({ n: 0, title: "fresh" });
    await es.client.update({ index, id: "m2", doc: { n: 7 }, doc_as_upsert: true });
    expect((await es.client.get({ index, id: "m2" }))._source).toEqual({ n: 7 });
  });
});

describe("_mget", () => {
  it("gets several documents, missing ones as found: false", async () => {
    const index = await freshIndex();
    await es.client.index({ index, id: "1", document: { n: 1 } });
    await es.client.index({ index, id: "2", document: { n: 2 } });
    const res = await es.client.mget({ index, ids: ["1", "x", "2"] });
    expect(res.docs.map((d) => [d._id, "found" in d ? d.found : undefined])).toEqual([
      ["1", true],
      ["x", false],
      ["2", true],
    ]);
  });
});

describe("_bulk", () => {
  it("runs every action in order and reports each item", async () => {
    const index = await freshIndex();
    const res = await es.client.bulk({
      refresh: true,
      operations: [
        { index: { _index: index, _id: "1" } },
        { title: "first", n: 1 },
        { create: { _index: index, _id: "2" } },
        { title: "second", n: 2 },
        { update: { _index: index, _id: "1" } },
        { doc: { n: 10 } },
        { delete: { _index: index, _id: "2" } },
        { index: { _index: index } },
        { title: "auto id" },
      ],
    });
    expect(res.errors).toBe(false);
    expect(res.items.map((it) => Object.keys(it)[0])).toEqual([
      "index",
      "create",
      "update",
      "delete",
      "index",
    ]);
    expect(res.items.map((it) => Object.values(it)[0]!.status)).toEqual([201, 201, 200, 200, 201]);
    expect(res.items.map((it) => Object.values(it)[0]!.result)).toEqual([
      "created",
      "created",
      "updated",
      "deleted",
      "created",
    ]);
    expect((await es.client.get({ index, id: "1" }))._source).toEqual({ title: "first", n: 10 });
    expect((await es.client.count({ index })).count).toBe(2);
  });

  it("reports failed items without failing the others", async () => {
    const index = await freshIndex();
    const res = await es.client.bulk({
      operations: [
        { index: { _index: index, _id: "ok" } },
        { n: 1 },
        { index: { _index: index, _id: "bad" } },
        { n: "abc" },
        { create: { _index: index, _id: "ok" } },
        { n: 2 },
        { update: { _index: index, _id: "missing" } },
        { doc: { n: 3 } },
        { delete: { _index: index, _id: "missing" } },
      ],
    });
    expect(res.errors).toBe(true);
    const items = res.items.map((it) => Object.values(it)[0]!);
    expect(items.map((i) => i.status)).toEqual([201, 400, 409, 404, 404]);
    expect(items[1]!.error?.type).toBe("document_parsing_exception");
    expect(items[2]!.error?.type).toBe("version_conflict_engine_exception");
    expect(items[3]!.error?.type).toBe("document_missing_exception");
    expect(items[4]!.result).toBe("not_found");
  });

  it("creates a missing index with dynamic mappings", async () => {
    const index = es.indexName("dyn");
    await es.client.bulk({
      refresh: true,
      operations: [
        { index: { _index: index, _id: "1" } },
        { title: "Hello world", count: 3, ratio: 0.5, ok: true, at: "2024-05-01" },
      ],
    });
    const mapping = (await es.client.indices.getMapping({ index }))[index]!.mappings.properties!;
    expect(mapping.title).toEqual({
      type: "text",
      fields: { keyword: { type: "keyword", ignore_above: 256 } },
    });
    expect(mapping.count).toEqual({ type: "long" });
    expect(mapping.ratio).toEqual({ type: "float" });
    expect(mapping.ok).toEqual({ type: "boolean" });
    expect(mapping.at).toEqual({ type: "date" });
    const res = await es.client.search({ index, query: { term: { "title.keyword": "Hello world" } } });
    expect(res.hits.hits.map((h) => h._id)).toEqual(["1"]);
  });
});
