/**
 * The server itself and index management: GET / (the client's product check), ping, cluster
 * health, index create/exists/get/delete with mappings and settings, PUT _mapping, and the
 * errors Elasticsearch answers these with.
 */
import { describe, expect, it } from "vitest";
import { rejected, setupSearch } from "./support";

const es = setupSearch();

describe("the server", () => {
  it("answers GET / as an Elasticsearch 9 (the client's product check passes)", async () => {
    const info = await es.client.info();
    expect(info.version.number).toMatch(/^9\./);
    expect(info.tagline).toBe("You Know, for Search");
    expect(await es.client.ping()).toBe(true);
  });

  it("sends x-elastic-product on every answer", async () => {
    const res = await fetch(`${es.url}/`);
    expect(res.headers.get("x-elastic-product")).toBe("Elasticsearch");
  });

  it("reports cluster health", async () => {
    const health = await es.client.cluster.health();
    expect(["green", "yellow"]).toContain(health.status);
    expect(health.number_of_nodes).toBeGreaterThanOrEqual(1);
  });
});

describe("indices", () => {
  it("creates an index with mappings and settings, which GET returns", async () => {
    const index = es.indexName("idx");
    const created = await es.client.indices.create({
      index,
      settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: "2s" },
      mappings: {
        properties: {
          title: { type: "text" },
          tags: { type: "keyword" },
          when: { type: "date" },
          score: { type: "float" },
          n: { type: "integer" },
          ok: { type: "boolean" },
          vec: { type: "dense_vector", dims: 4, similarity: "cosine" },
        },
      },
    });
    expect(created).toMatchObject({ acknowledged: true, shards_acknowledged: true, index });
    expect(await es.client.indices.exists({ index })).toBe(true);
    const mapping = (await es.client.indices.getMapping({ index }))[index]!.mappings.properties!;
    expect(mapping.title).toEqual({ type: "text" });
    expect(mapping.tags).toEqual({ type: "keyword" });
    expect(mapping.vec).toMatchObject({ type: "dense_vector", dims: 4, similarity: "cosine" });
    const settings = (await es.client.indices.getSettings({ index }))[index]!.settings!.index!;
    expect(settings.refresh_interval).toBe("2s");
    expect(String(settings.number_of_shards)).toBe("1");
    const got = await es.client.indices.get({ index });
    expect(Object.keys(got)).toEqual([index]);
  });

  it("refuses an existing name: 400 resource_already_exists_exception", async () => {
    const index = es.indexName("dup");
    await es.client.indices.create({ index });
    const err = await rejected(es.client.indices.create({ index }));
    expect(err.status).toBe(400);
    expect(err.body.error.type).toBe("resource_already_exists_exception");
    expect(err.body.error.root_cause[0]?.type).toBe("resource_already_exists_exception");
  });

  it("refuses an invalid name: 400 invalid_index_name_exception", async () => {
    const err = await rejected(es.client.indices.create({ index: "Upper-Case" }));
    expect(err.status).toBe(400);
    expect(err.body.error.type).toBe("invalid_index_name_exception");
  });

  it("answers 404 index_not_found_exception for a missing index", async () => {
    const missing = es.indexName("missing");
    expect(await es.client.indices.exists({ index: missing })).toBe(false);
    for (const op of [
      es.client.search({ index: missing }),
      es.client.get({ index: missing, id: "1" }),
      es.client.indices.delete({ index: missing }),
      es.client.indices.getMapping({ index: missing }),
    ]) {
      const err = await rejected(op);
      expect(err.status).toBe(404);
      expect(err.body.error.type).toBe("index_not_found_exception");
    }
  });

  it("deletes an index", async () => {
    const index = es.indexName("del");
    await es.client.indices.create({ index });
    expect(await es.client.indices.delete({ index })).toEqual({ acknowledged: true });
    expect(await es.client.indices.exists({ index })).toBe(false);
  });

  it("adds fields with PUT _mapping, and refuses changing a field's type", async () => {
    const index = es.indexName("putmap");
    await es.client.indices.create({ index, mappings: { properties: { title: { type: "text" } } } });
    await es.client.indices.putMapping({
      index,
      properties: { summary: { type: "text" }, tags: { type: "keyword" } },
    });
    const props = (await es.client.indices.getMapping({ index }))[index]!.mappings.properties!;
    expect(Object.keys(props).sort()).toEqual(["summary", "tags", "title"]);
    const err = await rejected(
      es.client.indices.putMapping({ index, properties: { title: { type: "keyword" } } }),
    );
    expect(err.status).toBe(400);
    expect(err.body.error.type).toBe("illegal_argument_exception");
  });

  it("refuses an unknown field type with mapper_parsing_exception", async () => {
    const err = await rejected(
      es.client.indices.create({
        index: es.indexName("badmap"),
        mappings: { properties: { x: { type: "no_such_type" as "text" } } },
      }),
    );
    expect(err.status).toBe(400);
    expect(err.body.error.type).toBe("mapper_parsing_exception");
  });

  it("strict mappings refuse unknown fields", async () => {
    const index = es.indexName("strict");
    await es.client.indices.create({
      index,
      mappings: { dynamic: "strict", properties: { a: { type: "keyword" } } },
    });
    const err = await rejected(es.client.index({ index, id: "1", document: { a: "x", b: "y" } }));
    expect(err.status).toBe(400);
    expect(err.body.error.type).toBe("strict_dynamic_mapping_exception");
  });

  it("updates a dynamic setting", async () => {
    const index = es.indexName("settings");
    await es.client.indices.create({ index });
    await es.client.indices.putSettings({ index, settings: { refresh_interval: "-1" } });
    const settings = (await es.client.indices.getSettings({ index }))[index]!.settings!.index!;
    expect(settings.refresh_interval).toBe("-1");
  });
});
