import { ObjectId } from "mongodb";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostDoc, TenantDoc } from "@/server/db";
import { callerFrom } from "@/server/http/caller";
import { createTestServices, createUser, type TestServices } from "@/test/support/services";
import type { PostActor } from "../posts/permissions";
import { PostIndex } from "../search/post-index";
import { type IngestionResult, messageKey, RESULT_SCHEMA } from "./messages";
import { ResultApplier } from "./result-consumer";
import { testSearch, uniqueNames } from "./test-infra";

/**
 * The result consumer applies a consumer batch at a time (one bulk index request, one refresh):
 * several posts in one batch, duplicates, stale versions and tombstones keep the per-post order
 * and the newest-version-wins rule of one-by-one application. No Kafka here: the batches are
 * handed to the applier as the consumer would.
 */
const doc = (text: string) => ({
  type: "doc",
  content: [{ type: "paragraph", content: [{ type: "text", text }] }],
});

describe("result consumer: a batch at a time", { timeout: 120_000 }, () => {
  const names = uniqueNames();
  let search: Awaited<ReturnType<typeof testSearch>>;
  let t: TestServices;
  let tenant: TenantDoc;
  let actor: PostActor;
  let applier: ResultApplier;
  let index: PostIndex;

  beforeAll(async () => {
    search = await testSearch();
    t = await createTestServices({
      env: { ELASTICSEARCH_URL: search.url, PIPELINE_NAMESPACE: names.namespace },
    });
    const owner = await createUser(t.services, "batch");
    const slug = `batch${names.namespace.slice(1, 7)}`;
    await t.services.tenants.create(
      { name: "Batch blog", slug, theme: "classic" },
      callerFrom(owner.session, { ip: null, requestId: null }),
    );
    tenant = (await t.services.tenants.findActiveBySlug(slug)) as TenantDoc;
    actor = { userId: owner.user._id, role: "owner" };
    index = t.services.pipeline.index as PostIndex;
    applier = new ResultApplier({
      db: t.db,
      index,
      names,
      log: pino({ level: "silent" }),
      rootDomain: "localhost:3999",
      protocol: "http",
    });
  });

  afterAll(async () => {
    await t?.cleanup();
    await search?.stop();
  });

  const tenantId = () => tenant._id.toHexString();
  const post = (id: string) =>
    t.db.forTenant(tenant).posts.findOne({ _id: new ObjectId(id) }) as Promise<PostDoc>;
  const publish = async (title: string, text: string) => {
    const created = await t.services.posts.create(tenant, actor, { title, content: doc(text) });
    await t.services.posts.publish(tenant, actor, created.id);
    return created.id;
  };
  const vector = (seed: number) => {
    const v = Array.from({ length: 512 }, (_, i) => Math.sin(seed * 7.1 + i * 0.37));
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const result = (postId: string, version: number, summary: string, seed = 1): IngestionResult => ({
    schema: RESULT_SCHEMA,
    tenantId: tenantId(),
    postId,
    version,
    summary,
    entities: [],
    keyConcepts: [summary.split(" ")[0]?.toLowerCase() ?? "x"],
    language: "en",
    embedding: vector(seed),
    model: "test",
    tookMs: 1,
  });
  const message = (r: IngestionResult) => ({
    key: Buffer.from(messageKey(r.tenantId, r.postId)),
    value: Buffer.from(JSON.stringify(r)),
    headers: {},
    timestamp: String(Date.now()),
  });
  const tombstone = (postId: string, version: number) => ({
    key: Buffer.from(messageKey(tenantId(), postId)),
    value: null,
    headers: { version: String(version) },
    timestamp: String(Date.now()),
  });
  const indexedVersion = async (postId: string) =>
    (await index.versions([{ tenantId: tenantId(), postId }])).get(PostIndex.id(tenantId(), postId));

  it("several posts in one batch: each enriched once with its own result, all searchable when it returns", async () => {
    const a = await publish("Apricot jam", "Apricots, sugar and lemon simmer into a bright jam.");
    const b = await publish("Bicycle repair", "A chain tool and tyre levers fix most roadside trouble.");
    const c = await publish("Canal walks", "The towpath follows the canal past locks and old mills.");
    const [pa, pb, pc] = await Promise.all([post(a), post(b), post(c)]);
    const outcomes = await applier.applyBatch([
      message(result(a, pa.version - 1, "Apricot STALE", 1)),
      message(result(a, pa.version, "Apricot jam is bright", 1)),
      message(result(b, pb.version, "Bicycle repair needs few tools", 2)),
      message(result(b, pb.version, "Bicycle DUPLICATE", 2)),
      message(result(c, pc.version, "Canal walks past locks", 3)),
      { key: Buffer.from("not a key"), value: null, headers: {}, timestamp: String(Date.now()) },
    ]);
    expect(outcomes).toEqual(["stale", "enriched", "enriched", "already-enriched", "enriched", "invalid"]);

    // Searchable as soon as the batch is applied: no wait for a scheduled refresh.
    const hits = await index.keyword("apricot bicycle canal", {}, 10);
    expect(hits.map((h) => h.postId).sort()).toEqual([a, b, c].sort());
    const [da, db, dc] = await Promise.all([post(a), post(b), post(c)]);
    expect(da.enrichment?.summary).toBe("Apricot jam is bright");
    expect(db.enrichment?.summary).toBe("Bicycle repair needs few tools");
    for (const d of [da, db, dc]) {
      expect(d.enrichedVersion).toBe(d.version);
      expect(d.pipeline?.indexedAt).toBeInstanceOf(Date);
    }
    // One refresh for the batch: one searchable stamp.
    expect(new Set([da, db, dc].map((d) => d.pipeline?.indexedAt?.getTime())).size).toBe(1);
    // Batch-mates are each other's related posts (the kNN runs after the batch's refresh).
    expect(da.related?.map((r) => r.postId)).toEqual(expect.arrayContaining([b, c]));

    // Redelivered whole (a crash before the commit): nothing changes.
    const again = await applier.applyBatch([
      message(result(a, pa.version, "Apricot REDELIVERED", 1)),
      message(result(b, pb.version, "Bicycle REDELIVERED", 2)),
    ]);
    expect(again).toEqual(["already-enriched", "already-enriched"]);
    expect((await post(a)).enrichment?.summary).toBe("Apricot jam is bright");
  });

  it("keeps each post's order inside a batch: unpublish then re-publish ends indexed, the reverse ends removed", async () => {
    const d = await publish("Dune sailing", "Land yachts race across the wide beach at low tide.");
    const v1 = (await post(d)).version;
    expect(await applier.applyBatch([message(result(d, v1, "Dune sailing v1", 4))])).toEqual(["enriched"]);
    await t.services.posts.unpublish(tenant, actor, d);
    const v2 = (await post(d)).version;
    await t.services.posts.publish(tenant, actor, d);
    const v3 = (await post(d)).version;
    expect(v3).toBeGreaterThan(v2);
    // The tombstone of the unpublish and the re-publish's result arrive in one batch, in order.
    const outcomes = await applier.applyBatch([
      tombstone(d, v2),
      message(result(d, v3, "Dune sailing v3", 4)),
    ]);
    expect(outcomes).toEqual(["removed", "enriched"]);
    expect(await indexedVersion(d)).toBe(v3);
    const after = await post(d);
    expect(after.enrichment?.summary).toBe("Dune sailing v3");
    expect(after.pipeline?.indexedAt).toBeInstanceOf(Date);

    // An old tombstone re-driven later keeps the newer re-publish in place.
    expect(await applier.applyBatch([tombstone(d, v2)])).toEqual(["removed"]);
    expect(await indexedVersion(d)).toBe(v3);

    // Unpublished for good: its tombstone after an older result in one batch removes it.
    await t.services.posts.unpublish(tenant, actor, d);
    const v4 = (await post(d)).version;
    const last = await applier.applyBatch([
      message(result(d, v3, "Dune sailing v3 again", 4)),
      tombstone(d, v4),
    ]);
    expect(last).toEqual(["stale", "removed"]);
    expect(await indexedVersion(d)).toBeUndefined();
    expect((await post(d)).pipeline?.indexedAt).toBeUndefined();
  });
});
