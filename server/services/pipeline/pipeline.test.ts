import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostDoc, TenantDoc } from "@/server/db";
import { callerFrom } from "@/server/http/caller";
import { createTestServices, createUser, type TestServices } from "@/test/support/services";
import { type IngestionService, startIngestionService } from "../../../workers/ingestion/service";
import { ReaderApp } from "../../front/reader/reader-app";
import { SiteData } from "../../front/reader/site-data";
import { SAMPLE_POSTS } from "../ingestion/fixtures";
import type { PostActor } from "../posts/permissions";
import { RESULT_SCHEMA } from "./messages";
import { pipelineHealthDetail, pipelineOverview } from "./overview";
import { postPipelineState } from "./post-state";
import { reindex } from "./reindex";
import { ResultApplier } from "./result-consumer";
import { latencySummary } from "./stats";
import { eventually, testKafka, testSearch, uniqueNames } from "./test-infra";
import { startPipelineWorker } from "./worker";

const doc = (...paragraphs: string[]) => ({
  type: "doc",
  content: paragraphs.map((p) => ({ type: "paragraph", content: [{ type: "text", text: p }] })),
});

describe("content pipeline end to end (embedded Mongo, Kafka, search)", { timeout: 300_000 }, () => {
  const names = uniqueNames();
  let kafka: Awaited<ReturnType<typeof testKafka>>;
  let search: Awaited<ReturnType<typeof testSearch>>;
  let t: TestServices;
  let ingestion: IngestionService;
  let worker: Awaited<ReturnType<typeof startPipelineWorker>>;
  let tenant: TenantDoc;
  let actor: PostActor;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    [kafka, search] = await Promise.all([testKafka(), testSearch()]);
    t = await createTestServices({
      env: {
        KAFKA_BROKERS: kafka.brokers,
        ELASTICSEARCH_URL: search.url,
        PIPELINE_NAMESPACE: names.namespace,
      },
    });
    const p = t.services.pipeline;
    if (!p.kafka || !p.index || !p.producer) throw new Error("pipeline not configured");
    ingestion = await startIngestionService({
      kafka: p.kafka,
      names,
      log: t.services.audit ? silent() : silent(),
    });
    worker = await startPipelineWorker({
      db: t.db,
      kafka: p.kafka,
      index: p.index,
      producer: p.producer,
      names,
      log: silent(),
      rootDomain: "localhost:3101",
      protocol: "http",
      redriveEveryMs: 500,
    });
    const owner = await createUser(t.services, "writer");
    await t.services.tenants.create(
      { name: "Pipeline blog", slug: `pipe${names.namespace.slice(1, 7)}`, theme: "classic" },
      callerFrom(owner.session, { ip: null, requestId: null }),
    );
    tenant = (await t.services.tenants.findActiveBySlug(`pipe${names.namespace.slice(1, 7)}`)) as TenantDoc;
    actor = { userId: owner.user._id, role: "owner" };
  });

  afterAll(async () => {
    await worker?.stop();
    await ingestion?.stop();
    await t?.cleanup();
    await Promise.all([kafka?.stop(), search?.stop()]);
  });

  const post = (id: string) =>
    t.db.forTenant(tenant).posts.findOne({ _id: new ObjectId(id) }) as Promise<PostDoc>;
  const searchable = (id: string) =>
    eventually(async () => {
      const p = await post(id);
      return p.enrichedVersion === p.version && p.pipeline?.indexedAt ? p : null;
    });

  it("publish → enriched → searchable, with summary, entities, concepts, related posts", async () => {
    for (const [key, sample] of Object.entries(SAMPLE_POSTS)) {
      const created = await t.services.posts.create(tenant, actor, {
        title: sample.title,
        content: doc(sample.text),
      });
      await t.services.posts.save(tenant, actor, created.id, {
        baseVersion: created.version,
        tags: [...sample.tags],
      });
      await t.services.posts.publish(tenant, actor, created.id);
      ids[key] = created.id;
    }
    const cats = await searchable(ids.cats as string);
    expect(cats.ingestedVersion).toBe(cats.version);
    expect(cats.enrichment).toMatchObject({
      version: cats.version,
      language: "en",
      model: expect.any(String),
    });
    expect(cats.enrichment?.summary.split(/\s+/).length).toBeLessThanOrEqual(60);
    expect(cats.enrichment?.entities.map((e) => e.text)).toContain("Lisbon");
    expect(cats.enrichment?.keyConcepts).toContain("pets");
    for (const id of Object.values(ids)) await searchable(id);
    // Related posts: stored on the post, never the post itself.
    const alps = await post(ids.alps as string);
    expect(alps.related?.length).toBeGreaterThan(0);
    expect(alps.related?.map((r) => r.postId)).not.toContain(ids.alps);
    const state = postPipelineState(cats);
    expect(state.settled).toBe(true);
    expect(state.steps.map((s) => s.state)).toEqual(["done", expect.any(String), "done", "done", "done"]);
    await eventually(async () => (await latencySummary(t.db)).count >= 4);
  });

  it("relevance: 'feline companions' finds the cat post semantically, not by keyword", async () => {
    const svc = t.services.pipeline.search;
    if (!svc) throw new Error("no search");
    const semantic = await svc.search({ q: "feline companions", mode: "semantic" });
    expect(semantic.usedMode).toBe("semantic");
    expect(semantic.items[0]?.postId).toBe(ids.cats);
    expect(semantic.items[0]?.summary).toContain("tabbies");
    const keyword = await svc.search({ q: "feline companions", mode: "keyword" });
    expect(keyword.items.map((i) => i.postId)).not.toContain(ids.cats);
    const hybrid = await svc.search({ q: "feline companions", mode: "hybrid" });
    expect(hybrid.items[0]?.postId).toBe(ids.cats);
    // Keyword mode still finds exact words, with highlights; the tag filter narrows.
    const sourdough = await svc.search({ q: "sourdough", mode: "keyword" });
    expect(sourdough.items[0]?.postId).toBe(ids.bread);
    expect(sourdough.items[0]?.highlights.join(" ")).toContain("<mark>");
    // A passage found in both the summary and the body shows once.
    const passages = sourdough.items[0]?.highlights ?? [];
    expect(new Set(passages).size).toBe(passages.length);
    const filtered = await svc.search({ q: "sourdough", mode: "hybrid", tag: "travel" });
    expect(filtered.items.map((i) => i.postId)).not.toContain(ids.bread);
    expect((await svc.search({ q: "sourdough", tenant: "nosuchblog" })).items).toEqual([]);
    const concept = await svc.concept("sourdough");
    expect(concept.map((i) => i.postId)).toEqual([ids.bread]);
  });

  it("reader: the post page shows its related posts; the blog search box finds by meaning", async () => {
    const data = new SiteData({ db: t.db, rootDomain: "localhost:3101", protocol: "http" });
    const app = new ReaderApp({
      data,
      assets: { css: "/r.css", js: "/r.js" },
      log: silent(),
      search: t.services.pipeline.search,
    });
    const cats = await post(ids.cats as string);
    const page = await app.handle(tenant.slug, `/${cats.slug}`, new URLSearchParams());
    expect(page?.body).toContain("Related posts");
    for (const r of cats.related ?? []) expect(page?.body).toContain(r.title);
    const found = await app.handle(tenant.slug, "/search", new URLSearchParams({ q: "feline companions" }));
    expect(found?.body).toContain(SAMPLE_POSTS.cats.title);
    expect(found?.body).not.toContain(SAMPLE_POSTS.postgres.title);
  });

  it("an update is enriched with its new version; a stale result is ignored", async () => {
    const id = ids.bread as string;
    const before = await post(id);
    await t.services.posts.save(tenant, actor, id, {
      baseVersion: before.version,
      content: doc(
        "Rye bread is denser than wheat bread. A rye sourdough needs a warm kitchen and a long proof.",
      ),
    });
    const after = await searchable(id);
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.enrichment?.summary).toContain("Rye");

    const applier = new ResultApplier({
      db: t.db,
      index: t.services.pipeline.index!,
      names,
      log: silent(),
      rootDomain: "x",
      protocol: "http",
    });
    const outcome = await applier.applyResult({
      schema: RESULT_SCHEMA,
      tenantId: tenant._id.toHexString(),
      postId: id,
      version: before.version,
      summary: "STALE summary",
      entities: [],
      keyConcepts: ["stale"],
      language: "en",
      embedding: new Array(512).fill(0.044),
      model: "m",
      tookMs: 1,
    });
    expect(outcome).toBe("stale");
    expect((await post(id)).enrichment?.summary).toContain("Rye");
    // A duplicate of the current result changes nothing either.
    const dup = await applier.applyResult({
      schema: RESULT_SCHEMA,
      tenantId: tenant._id.toHexString(),
      postId: id,
      version: after.version,
      summary: "DUPLICATE",
      entities: [],
      keyConcepts: [],
      language: "en",
      embedding: new Array(512).fill(0.044),
      model: "m",
      tookMs: 1,
    });
    expect(dup).toBe("already-enriched");
    expect((await post(id)).enrichment?.enrichedAt).toEqual(after.enrichment?.enrichedAt);
  });

  it("reindex rebuilds the index from the tenant databases", async () => {
    const p = t.services.pipeline;
    const before = await p.index!.count();
    await p.index!.drop();
    expect(await p.index!.count()).toBe(0);
    const applier = new ResultApplier({
      db: t.db,
      index: p.index!,
      names,
      log: silent(),
      rootDomain: "localhost:3101",
      protocol: "http",
    });
    const result = await reindex({ db: t.db, index: p.index!, applier, log: silent() });
    expect(result.posts).toBe(before);
    expect(await p.index!.count()).toBe(before);
    const semantic = await p.search!.search({ q: "feline companions", mode: "semantic" });
    expect(semantic.items[0]?.postId).toBe(ids.cats);
    expect((await post(ids.alps as string)).related?.length).toBeGreaterThan(0);
  });

  it("unpublish and delete remove the post from search", async () => {
    const svc = t.services.pipeline.search!;
    await t.services.posts.unpublish(tenant, actor, ids.alps as string);
    await eventually(async () => {
      const r = await svc.search({ q: "Chamonix Zermatt", mode: "keyword" });
      return !r.items.some((i) => i.postId === ids.alps);
    });
    const alps = await post(ids.alps as string);
    expect(alps.pipeline?.tombstonedAt).toBeInstanceOf(Date);

    await t.services.posts.delete(tenant, actor, ids.postgres as string);
    await eventually(async () => {
      const r = await svc.search({ q: "autovacuum checkpoints", mode: "keyword" });
      return !r.items.some((i) => i.postId === ids.postgres);
    });
  });

  it("visibility: lag per partition drains to 0; health detail and admin overview show lag and latency", async () => {
    const p = t.services.pipeline;
    const detail = await eventually(async () => {
      const d = await pipelineHealthDetail(p, t.db);
      const groups = Object.values(d.lag as Record<string, { total: number; partitions: number[] }>);
      return groups.length === 2 && groups.every((g) => g.total === 0) ? d : null;
    });
    expect(detail.latencyMs.posts).toBeGreaterThanOrEqual(4);
    expect(detail.latencyMs.p50).toBeGreaterThan(0);
    const overview = await pipelineOverview(p, t.db);
    expect(overview.lag?.map((g) => g.group)).toEqual([names.ingestionGroup, names.enrichmentGroup]);
    expect(overview.lag?.[0]?.partitions).toHaveLength(3);
    expect(overview.lag?.[0]?.partitions.every((x) => x.end > 0 || x.lag === 0)).toBe(true);
    expect(overview.latency.p99).toBeGreaterThanOrEqual(overview.latency.p50 ?? 0);
    expect(overview.indexed).toBeGreaterThan(0);
  });

  it("tenant deletion removes the blog's posts (re-driven by the worker)", async () => {
    const index = t.services.pipeline.index!;
    await t.db
      .master()
      .tenants.updateOne({ _id: tenant._id }, { $set: { status: "deleted", deletedAt: new Date() } });
    await worker.redriveNow();
    await eventually(async () => {
      const r = await t.services.pipeline.search!.search({
        q: "cats sourdough bread",
        mode: "keyword",
        tenant: tenant.slug,
      });
      return r.items.length === 0;
    });
    expect((await t.db.master().tenants.findOne({ _id: tenant._id }))?.searchRemovedAt).toBeInstanceOf(Date);
    expect(await index.count()).toBe(0);
  });
});

function silent() {
  // biome-ignore lint/suspicious/noExplicitAny: a no-op pino stand-in is enough for these components
  const noop: any = () => {};
  const logger = {
    info: noop,
    warn: noop,
    error: noop,
    debug: noop,
    trace: noop,
    fatal: noop,
    child: () => logger,
  };
  return logger as unknown as import("@/server/log").Logger;
}
