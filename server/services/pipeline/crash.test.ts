import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostDoc, TenantDoc } from "@/server/db";
import { callerFrom } from "@/server/http/caller";
import { testMongoUri } from "@/test/support/mongo";
import { createTestServices, createUser, type TestServices } from "@/test/support/services";
import { SAMPLE_POSTS } from "../ingestion/fixtures";
import type { PostActor } from "../posts/permissions";
import { eventually, testKafka, testSearch, uniqueNames } from "./test-infra";

const root = path.resolve(__dirname, "../../..");
const TOTAL = 24;

/** A child process with the app's environment; SIGKILL'd by pid, never by name. */
function spawnChild(script: string, env: Record<string, string>): ChildProcess & { ready: Promise<void> } {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, script)], {
    cwd: root,
    env: { ...process.env, ...env, LOG_LEVEL: "warn", KAFKAJS_NO_PARTITIONER_WARNING: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  }) as ChildProcess & { ready: Promise<void> };
  let out = "";
  child.ready = new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (/^ready /m.test(out)) resolve();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on("exit", (code) =>
      reject(new Error(`${script} exited ${code} before ready:\n${out.slice(-2000)}`)),
    );
  });
  return child;
}

function kill9(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

describe("pipeline crash safety: SIGKILL of the ingestion service and the worker mid-batch", () => {
  const names = uniqueNames();
  let kafka: Awaited<ReturnType<typeof testKafka>>;
  let search: Awaited<ReturnType<typeof testSearch>>;
  let t: TestServices;
  let tenant: TenantDoc;
  let actor: PostActor;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    [kafka, search] = await Promise.all([testKafka(), testSearch()]);
    t = await createTestServices({
      env: {
        KAFKA_BROKERS: kafka.brokers,
        ELASTICSEARCH_URL: search.url,
        PIPELINE_NAMESPACE: names.namespace,
      },
    });
    env = {
      MONGODB_URI: testMongoUri(),
      MONGODB_DB_PREFIX: t.prefix,
      KAFKA_BROKERS: kafka.brokers,
      ELASTICSEARCH_URL: search.url,
      PIPELINE_NAMESPACE: names.namespace,
      ROOT_DOMAIN: "localhost:3101",
      NODE_ENV: "test",
    };
    const owner = await createUser(t.services, "crash");
    const slug = `crash${names.namespace.slice(1, 7)}`;
    await t.services.tenants.create(
      { name: "Crash blog", slug, theme: "classic" },
      callerFrom(owner.session, { ip: null, requestId: null }),
    );
    tenant = (await t.services.tenants.findActiveBySlug(slug)) as TenantDoc;
    actor = { userId: owner.user._id, role: "owner" };
  });

  afterAll(async () => {
    await Promise.all(children.map(kill9));
    await t?.cleanup();
    await Promise.all([kafka?.stop(), search?.stop()]);
  });

  const posts = () => t.db.forTenant(tenant).posts;
  const enrichedCount = async () =>
    (
      await posts()
        .find({}, { projection: { version: 1, enrichedVersion: 1 } })
        .toArray()
    ).filter((p) => p.enrichedVersion === p.version).length;

  it("every post ends enriched exactly once with its latest version", async () => {
    const samples = Object.values(SAMPLE_POSTS);
    const ids: string[] = [];
    for (let i = 0; i < TOTAL; i++) {
      const s = samples[i % samples.length]!;
      const created = await t.services.posts.create(tenant, actor, {
        title: `${s.title} (${i})`,
        content: {
          type: "doc",
          content: [{ type: "paragraph", content: [{ type: "text", text: `${s.text} Note ${i}.` }] }],
        },
      });
      await t.services.posts.publish(tenant, actor, created.id);
      ids.push(created.id);
    }
    // Every task is on Kafka before anything consumes it.
    expect(await posts().countDocuments({ ingestedVersion: { $exists: true } })).toBe(TOTAL);

    let ingestion = spawnChild("workers/ingestion/main.ts", env);
    let worker = spawnChild("server/services/pipeline/worker-child.ts", env);
    children.push(ingestion, worker);
    await Promise.all([ingestion.ready, worker.ready]);
    // Kill both as soon as the first results land: the rest of the batch is in flight.
    await eventually(async () => (await enrichedCount()) >= 1, 120_000);
    await Promise.all([kill9(ingestion), kill9(worker)]);
    const atKill = await enrichedCount();
    expect(atKill).toBeLessThan(TOTAL);
    const enrichedBefore = await posts()
      .find(
        { enrichedVersion: { $exists: true } },
        { projection: { version: 1, enrichedVersion: 1, enrichment: 1 } },
      )
      .toArray();

    // While both are down, two posts change: their newest version must win.
    const changed = [ids[0]!, ids[TOTAL - 1]!];
    for (const id of changed) {
      const p = (await posts().findOne({ _id: new ObjectId(id) })) as PostDoc;
      await t.services.posts.save(tenant, actor, id, {
        baseVersion: p.version,
        content: {
          type: "doc",
          content: [
            {
              type: "paragraph",
              content: [
                { type: "text", text: "Rewritten while the pipeline was down: lighthouses and the sea." },
              ],
            },
          ],
        },
      });
    }

    ingestion = spawnChild("workers/ingestion/main.ts", env);
    worker = spawnChild("server/services/pipeline/worker-child.ts", env);
    children.push(ingestion, worker);
    await Promise.all([ingestion.ready, worker.ready]);
    await eventually(async () => (await enrichedCount()) === TOTAL, 180_000);

    const all = await posts().find({}).toArray();
    for (const p of all) {
      expect(p.enrichedVersion).toBe(p.version);
      expect(p.enrichment?.version).toBe(p.version);
      expect(p.pipeline?.indexedAt).toBeInstanceOf(Date);
    }
    for (const id of changed) {
      const p = all.find((x) => x._id.toHexString() === id);
      expect(p?.enrichment?.summary).toContain("lighthouses");
    }
    // Enriched once: a post already enriched before the kill (and not changed) kept its first patch.
    for (const before of enrichedBefore) {
      if (changed.includes(before._id.toHexString())) continue;
      const after = all.find((x) => x._id.equals(before._id));
      expect(after?.enrichment?.enrichedAt).toEqual(before.enrichment?.enrichedAt);
    }
    // The index holds each post once, at its latest version.
    const index = t.services.pipeline.index!;
    const client = (index as unknown as { client: import("@elastic/elasticsearch").Client }).client;
    const docs = await client.search<{ postId: string; version: number }>({
      index: index.index,
      size: 100,
      query: { match_all: {} },
      _source: ["postId", "version"],
    });
    const indexed = docs.hits.hits.map((h) => h._source);
    expect(new Set(indexed.map((d) => d?.postId)).size).toBe(TOTAL);
    for (const d of indexed)
      expect(d?.version).toBe(all.find((p) => p._id.toHexString() === d?.postId)?.version);
    const latest = await t.services.pipeline.search!.search({
      q: "lighthouses",
      mode: "keyword",
      limit: 50,
    });
    expect(latest.items.map((i) => i.postId).sort()).toEqual([...changed].sort());
    await Promise.all([kill9(ingestion), kill9(worker)]);
  }, 400_000);
});
