/**
 * `npm run bench:pipeline` (issue 21 §7). Starts, on free ports with its own temp data, the
 * embedded Mongo, Kafka and search servers, the app's services (a process of their own: the same
 * container Next runs — posts with their fan-out, search with the in-app query model — behind a
 * small HTTP front), the ingestion service (`workers/ingestion/main.ts`) and the real worker
 * (`workers/main.ts`), and drives them from this process over loopback:
 *
 *  1. 200 posts published at 10/s → publish-to-searchable latency p50/p99 (post `publishedAt` →
 *     `pipeline.indexedAt`, stamped after the index refresh made it searchable).
 *  2. The index filled to 10,000 posts (the 200 above + synthetic neighbours of their vectors,
 *     bulk-indexed), then 10 s of hybrid searches, every query new so each one pays its query
 *     embedding → search p99. Same-run baseline: keyword-only searches (no embedding).
 *  3. Resident memory of the app, the worker and the ingestion service.
 *
 * Prints a table, then `RESULT` lines (BENCHMARKS.md). Leaves no process behind.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { Client } from "@elastic/elasticsearch";
import { MongoClient, ObjectId } from "mongodb";
import { MONGO_NODE_FLAGS } from "../../devservers/mongo/node-flags";

const root = path.resolve(import.meta.dirname, "../..");
const { values: args } = parseArgs({
  options: { role: { type: "string" }, rate: { type: "string" }, count: { type: "string" } },
  strict: false,
});
/** `--rate` / `--count` change the publishing phase for a diagnosis (the RESULT lines are for 10/s × 200). */
const PUBLISH_COUNT = Number(args.count ?? 200);
const PUBLISH_RATE = Number(args.rate ?? 10);
const INDEX_TARGET = 10_000;
const SEARCH_SECONDS = 10;
const WARMUP_POSTS = 12;

// ───────────────────────────── the app process ─────────────────────────────

async function runApp(): Promise<void> {
  const { DatabaseService } = await import("../../server/db");
  const { env } = await import("../../server/env");
  const { log } = await import("../../server/log");
  const { callerFrom } = await import("../../server/http/caller");
  const { createServices } = await import("../../server/services/container");
  const { searchApiAnswer } = await import("../../server/services/search/search-http");
  const db = new DatabaseService({ uri: env.MONGODB_URI, prefix: env.MONGODB_DB_PREFIX });
  const services = createServices({ db, log, env });
  await db.ensureMasterIndexes();
  const actors = new Map<string, { userId: ObjectId; role: "owner" }>();

  const body = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://app");
    try {
      if (url.pathname === "/api/search") {
        const answer = await searchApiAnswer(services.pipeline.search, url.searchParams, null, log);
        res.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body);
        return;
      }
      if (url.pathname === "/setup" && req.method === "POST") {
        const { blogs } = (await body(req)) as { blogs: number };
        const slugs: string[] = [];
        for (let i = 0; i < blogs; i++) {
          const name = `bench${i}${randomBytes(2).toString("hex")}`;
          const user = await services.users.signUp({
            email: `${name}@bench.test`,
            username: name,
            password: "correct horse battery staple",
            name: `Writer ${i}`,
          });
          await services.tenants.create(
            { name: `Bench blog ${i}`, slug: name, theme: "classic" },
            callerFrom({ user: services.users.toSessionUser(user) }, { ip: null, requestId: null }),
          );
          actors.set(name, { userId: user._id, role: "owner" });
          slugs.push(name);
        }
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ slugs }));
        return;
      }
      if (url.pathname === "/publish" && req.method === "POST") {
        const input = (await body(req)) as { blog: string; title: string; text: string; tags: string[] };
        const tenant = await services.tenants.findActiveBySlug(input.blog);
        const actor = actors.get(input.blog);
        if (!tenant || !actor) throw new Error(`unknown blog ${input.blog}`);
        const content = {
          type: "doc",
          content: input.text
            .split("\n\n")
            .map((p) => ({ type: "paragraph", content: [{ type: "text", text: p }] })),
        };
        const post = await services.posts.create(tenant, actor, { title: input.title, content });
        await services.posts.save(tenant, actor, post.id, { baseVersion: post.version, tags: input.tags });
        await services.posts.publish(tenant, actor, post.id);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: post.id }));
        return;
      }
      res.writeHead(404).end();
    } catch (error) {
      res
        .writeHead(500, { "content-type": "application/json" })
        .end(JSON.stringify({ error: String(error) }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  process.stdout.write(`ready ${typeof address === "object" && address ? address.port : 0}\n`);
  process.on("SIGTERM", () => process.exit(0));
}

// ───────────────────────────── processes ─────────────────────────────

interface Child {
  name: string;
  proc: ChildProcess;
  ready: string;
}

const children: Child[] = [];

async function start(
  name: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
  flags: string[] = [],
): Promise<Child> {
  const proc = spawn(process.execPath, [...flags, "--import", "tsx", ...argv], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let tail = "";
  proc.stderr?.on("data", (c: Buffer) => {
    tail = (tail + c.toString()).slice(-3_000);
  });
  const ready = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: no ready line in 120 s\n${tail}`)), 120_000);
    proc.once("exit", (code) => reject(new Error(`${name} exited early (${code})\n${tail}`)));
    createInterface({ input: proc.stdout! }).on("line", (line) => {
      const m = /^ready (.*)$/.exec(line.trim());
      if (m) {
        clearTimeout(timer);
        resolve(m[1] ?? "");
      }
    });
  });
  const child = { name, proc, ready };
  children.push(child);
  return child;
}

async function stopAll(): Promise<void> {
  for (const c of [...children].reverse()) {
    if (c.proc.exitCode !== null || c.proc.pid === undefined) continue;
    const exited = new Promise((r) => c.proc.once("exit", r));
    try {
      process.kill(-c.proc.pid, "SIGTERM");
    } catch {}
    const timer = setTimeout(() => {
      try {
        process.kill(-(c.proc.pid as number), "SIGKILL");
      } catch {}
    }, 10_000);
    await exited;
    clearTimeout(timer);
  }
}

function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return Math.round(kb / 102.4) / 10;
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) a process used so far, from /proc (clock ticks of 10 ms). */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

// ───────────────────────────── load ─────────────────────────────

const TOPICS = [
  ["cats", "My cats nap on the windowsill all afternoon, chase string at dusk and purr on my lap at night."],
  [
    "sourdough",
    "A sourdough starter is flour, water and patience; hydration decides the crumb and the oven spring.",
  ],
  ["postgres", "Checkpoints, WAL size and autovacuum decide how PostgreSQL behaves under heavy write load."],
  ["hiking", "We walked hut to hut across the Alps, packing light for sudden alpine weather."],
  ["gardening", "Tomatoes want sun, deep watering and a stake; basil planted beside them keeps pests away."],
  ["running", "Easy miles build the aerobic base; one long run a week and rest days prevent injury."],
  ["typescript", "Discriminated unions and exhaustive switches let the compiler catch the state you forgot."],
  ["coffee", "A burr grinder, fresh beans and water just off the boil matter more than any gadget."],
  ["photography", "Golden hour light is soft and warm; shoot wide open and expose for the highlights."],
  ["music", "Practising scales slowly with a metronome builds the finger memory that fast passages need."],
] as const;

function postText(i: number): { title: string; text: string; tags: string[] } {
  const [topic, lead] = TOPICS[i % TOPICS.length] as readonly [string, string];
  const other = TOPICS[(i * 7 + 3) % TOPICS.length] as readonly [string, string];
  const paragraphs = [
    lead,
    `Post ${i} goes deeper: ${lead.toLowerCase()} Over the years I learned that consistency beats intensity, and that notes kept after each attempt make the next one better.`,
    `A side note on ${other[0]}: ${other[1]}`,
    `In the end, ${topic} is about small habits repeated. Readers asked what to start with; my answer is always the same — start small, measure, and adjust.`,
  ];
  return { title: `Notes on ${topic} #${i}`, text: paragraphs.join("\n\n"), tags: [topic] };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

const STAGE_LABELS = {
  fanout: "saved → task on Kafka",
  ingestWait: "task → taken by ingestion",
  ingestWork: "ingestion work (analysis, embedding, produce)",
  deliver: "result → taken by worker",
  apply: "worker reads + patch",
  index: "index write → searchable",
} as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function post(port: number, pathname: string, payload: unknown): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${port}${pathname}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(payload),
  });
  if (!res.ok) throw new Error(`${pathname}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function searchLoad(port: number, mode: "hybrid" | "keyword", seconds: number): Promise<number[]> {
  const bases = [
    "feline companions",
    "baking bread at home",
    "database write performance",
    "mountain walks",
    "growing vegetables",
  ];
  const times: number[] = [];
  const until = performance.now() + seconds * 1_000;
  let n = 0;
  // Two clients in parallel, each query new (so each pays its embedding in hybrid mode).
  await Promise.all(
    [0, 1].map(async () => {
      while (performance.now() < until) {
        n += 1;
        const q = `${bases[n % bases.length]} ${n}`;
        const t0 = performance.now();
        const res = await fetch(
          `http://127.0.0.1:${port}/api/search?q=${encodeURIComponent(q)}&mode=${mode}&limit=10`,
        );
        await res.json();
        if (res.status !== 200) throw new Error(`search answered ${res.status}`);
        times.push(performance.now() - t0);
      }
    }),
  );
  return times.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "conduit-bench-pipeline-"));
  const id = randomBytes(3).toString("hex");
  try {
    const [mongo, kafka, search] = await Promise.all([
      start(
        "mongo",
        [
          path.join(root, "devservers/mongo/cli.ts"),
          "--port",
          "0",
          "--dbpath",
          path.join(dir, "mongo"),
          "--quiet",
        ],
        process.env,
        MONGO_NODE_FLAGS,
      ),
      start(
        "kafka",
        [path.join(root, "devservers/kafka/cli.ts"), "--port", "0", "--dir", path.join(dir, "kafka")],
        process.env,
      ),
      start(
        "search",
        [
          path.join(root, "devservers/search/cli.ts"),
          "--port",
          "0",
          "--dir",
          path.join(dir, "search"),
          "--quiet",
        ],
        process.env,
      ),
    ]);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "development",
      LOG_LEVEL: "warn",
      MONGODB_URI: mongo.ready,
      MONGODB_DB_PREFIX: `bench${id}`,
      KAFKA_BROKERS: kafka.ready,
      ELASTICSEARCH_URL: search.ready,
      PIPELINE_NAMESPACE: `bench-${id}`,
      REDIS_PREFIX: `bench-pipeline-${id}:`,
      ROOT_DOMAIN: "localhost:3999",
      KAFKAJS_NO_PARTITIONER_WARNING: "1",
    };
    const [app, ingestion, worker] = await Promise.all([
      start("app", [path.join(root, "scripts/bench/pipeline.ts"), "--role", "app"], env),
      start("ingestion", [path.join(root, "workers/ingestion/main.ts")], env),
      start("worker", [path.join(root, "workers/main.ts")], env),
    ]);
    const appPort = Number(app.ready);
    const mongoClient = new MongoClient(mongo.ready);
    const es = new Client({ node: search.ready });
    const index = `bench-${id}-posts`;
    const { slugs } = (await post(appPort, "/setup", { blogs: 4 })) as { slugs: string[] };
    const master = mongoClient.db(`bench${id}_master`);
    const tenantIds = new Map<string, ObjectId>();
    for (const t of await master.collection("tenants").find({}).toArray())
      tenantIds.set(t.slug as string, t._id as ObjectId);

    const published: { blog: string; id: string }[] = [];
    const publishOne = async (i: number) => {
      const blog = slugs[i % slugs.length] as string;
      const { id: postId } = (await post(appPort, "/publish", { blog, ...postText(i) })) as { id: string };
      published.push({ blog, id: postId });
    };
    const waitIndexed = async (items: { blog: string; id: string }[], timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        let done = 0;
        for (const slug of slugs) {
          const ids = items.filter((p) => p.blog === slug).map((p) => new ObjectId(p.id));
          if (!ids.length) continue;
          done += await mongoClient
            .db(`bench${id}_tenant_${tenantIds.get(slug)?.toHexString()}`)
            .collection("posts")
            .countDocuments({ _id: { $in: ids }, "pipeline.indexedAt": { $exists: true } });
        }
        if (done >= items.length) return;
        if (Date.now() > deadline) throw new Error(`only ${done}/${items.length} posts searchable in time`);
        await sleep(250);
      }
    };

    // Warm-up: models loaded, topics and groups settled.
    for (let i = 0; i < WARMUP_POSTS; i++) await publishOne(1_000 + i);
    await waitIndexed(published, 180_000);
    await fetch(`http://127.0.0.1:${appPort}/api/search?q=warm&mode=hybrid`).then((r) => r.json());
    const warm = published.splice(0);

    // 1. 200 posts at 10/s.
    const everyone = [mongo, kafka, search, app, ingestion, worker];
    const cpuBefore = everyone.map((c) => cpuSeconds(c.proc.pid));
    const selfBefore = process.cpuUsage();
    const t0 = performance.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < PUBLISH_COUNT; i++) {
      const due = t0 + (i * 1_000) / PUBLISH_RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      inflight.push(publishOne(i));
    }
    await Promise.all(inflight);
    await waitIndexed(published, 300_000);
    const publishSeconds = (performance.now() - t0) / 1_000;
    const cpu = everyone.map((c, i) => ({
      name: c.name,
      share: (cpuSeconds(c.proc.pid) - (cpuBefore[i] ?? 0)) / publishSeconds,
    }));
    const self = process.cpuUsage(selfBefore);
    cpu.push({ name: "bench", share: (self.user + self.system) / 1e6 / publishSeconds });
    const latencies: number[] = [];
    const enrichMs: number[] = [];
    for (const slug of slugs) {
      const docs = await mongoClient
        .db(`bench${id}_tenant_${tenantIds.get(slug)?.toHexString()}`)
        .collection("posts")
        .find({ _id: { $in: published.filter((p) => p.blog === slug).map((p) => new ObjectId(p.id)) } })
        .toArray();
      for (const d of docs) latencies.push(d.pipeline.indexedAt.getTime() - d.publishedAt.getTime());
    }
    const stageNames = ["fanout", "ingestWait", "ingestWork", "deliver", "apply", "index"] as const;
    const stageMs = new Map<string, number[]>(stageNames.map((n) => [n, []]));
    const publishedIds = new Set(published.map((p) => p.id));
    for (const row of await master.collection("pipeline_latency").find({}).toArray()) {
      if (!publishedIds.has(String(row.postId))) continue;
      enrichMs.push(row.enrichMs as number);
      for (const n of stageNames) {
        const v = (row.stages as Record<string, number> | undefined)?.[n];
        if (typeof v === "number") stageMs.get(n)?.push(v);
      }
    }
    for (const v of stageMs.values()) v.sort((a, b) => a - b);
    latencies.sort((a, b) => a - b);
    enrichMs.sort((a, b) => a - b);
    const rssAfterPublish = {
      app: rssMb(app.proc.pid),
      worker: rssMb(worker.proc.pid),
      ingestion: rssMb(ingestion.proc.pid),
    };

    // 2. Fill the index to 10,000 with neighbours of the real posts' vectors, then search.
    const real = await es.search<{
      embedding: number[];
      title: string;
      text: string;
      tenantId: string;
      tenantSlug: string;
    }>({
      index,
      size: 500,
      query: { match_all: {} },
    });
    const seeds = real.hits.hits.map((h) => h._source).filter((s): s is NonNullable<typeof s> => Boolean(s));
    let have = await es.count({ index }).then((c) => c.count);
    let n = 0;
    while (have < INDEX_TARGET) {
      const operations: object[] = [];
      for (let k = 0; k < 500 && have < INDEX_TARGET; k++, have++, n++) {
        const seed = seeds[n % seeds.length] as (typeof seeds)[number];
        const v = seed.embedding.map((x) => x + (Math.random() - 0.5) * 0.04);
        const norm = Math.hypot(...v);
        operations.push({ index: { _index: index, _id: `synthetic:${n}` } });
        operations.push({
          ...seed,
          postId: `synthetic${n}`,
          slug: `synthetic-${n}`,
          title: `${seed.title} (variant ${n})`,
          embedding: v.map((x) => x / norm),
          version: 1,
        });
      }
      await es.bulk({ operations, refresh: false });
    }
    await es.indices.refresh({ index });
    const indexed = await es.count({ index }).then((c) => c.count);
    await searchLoad(appPort, "hybrid", 3); // warm-up
    const hybrid = await searchLoad(appPort, "hybrid", SEARCH_SECONDS);
    const keyword = await searchLoad(appPort, "keyword", SEARCH_SECONDS);
    const rss = {
      app: Math.max(rssAfterPublish.app, rssMb(app.proc.pid)),
      worker: Math.max(rssAfterPublish.worker, rssMb(worker.proc.pid)),
      ingestion: Math.max(rssAfterPublish.ingestion, rssMb(ingestion.proc.pid)),
    };
    await mongoClient.close();
    void warm;

    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const s99 = percentile(hybrid, 99);
    const k99 = percentile(keyword, 99);
    const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "n/a");
    const rows: [string, string][] = [
      [`posts published (${PUBLISH_RATE}/s)`, String(latencies.length)],
      ["publish → searchable p50", `${f(p50)} ms`],
      ["publish → searchable p99", `${f(p99)} ms`],
      ["  enrichment share p50 (analysis + embedding)", `${f(percentile(enrichMs, 50))} ms`],
      ...stageNames.map((n): [string, string] => {
        const v = stageMs.get(n) ?? [];
        return [
          `  stage ${STAGE_LABELS[n]} p50 / p99`,
          `${f(percentile(v, 50))} / ${f(percentile(v, 99))} ms`,
        ];
      }),
      [
        `CPU while publishing (${publishSeconds.toFixed(1)} s), cores`,
        cpu.map((c) => `${c.name} ${c.share.toFixed(2)}`).join(" · "),
      ],
      ["indexed posts for search", String(indexed)],
      [
        `hybrid search p50 / p99 (${hybrid.length} queries, each embedded)`,
        `${f(percentile(hybrid, 50))} / ${f(s99)} ms`,
      ],
      [
        `keyword search p50 / p99 (baseline, ${keyword.length} queries)`,
        `${f(percentile(keyword, 50))} / ${f(k99)} ms`,
      ],
      ["hybrid / keyword p99", `${(s99 / k99).toFixed(2)}×`],
      ["resident memory: app / worker / ingestion", `${rss.app} / ${rss.worker} / ${rss.ingestion} MB`],
    ];
    const width = Math.max(...rows.map((r) => r[0].length));
    process.stdout.write("\nbench:pipeline\n");
    for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
    process.stdout.write("\n");
    const result = (name: string, value: number, unit: string, op: "<" | ">", target: number | null) => {
      const ok = target === null ? "ok" : (op === "<" ? value < target : value > target) ? "ok" : "miss";
      process.stdout.write(
        `RESULT ${name} ${value.toFixed(1)} ${unit} target ${op} ${target ?? "-"} ${ok}\n`,
      );
    };
    result("pipeline_p50_ms", p50, "ms", "<", 250);
    result("pipeline_p99_ms", p99, "ms", "<", 1_000);
    result("search_p99_ms", s99, "ms", "<", 50);
    result("search_keyword_p99_ms", k99, "ms", "<", 50);
    result("app_rss_mb", rss.app, "MB", "<", 1_024);
    result("worker_rss_mb", rss.worker, "MB", "<", 1_024);
    result("ingestion_rss_mb", rss.ingestion, "MB", "<", 1_024);
  } finally {
    await stopAll();
    await rm(dir, { recursive: true, force: true });
  }
}

if (args.role === "app") {
  runApp().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
} else {
  main().then(
    () => process.exit(0),
    async (error: unknown) => {
      process.stderr.write(
        `bench:pipeline failed: ${error instanceof Error ? error.stack : String(error)}\n`,
      );
      await stopAll();
      process.exit(1);
    },
  );
}
