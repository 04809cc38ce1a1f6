/**
 * `npm run bench:reader` — reader pages on a production build, through the front server
 * (scripts/serve.ts), against a blog of 100 posts of about 1,500 words written through the posts
 * service. Load comes from autocannon in a separate process.
 *
 *   cached      one post page at 50 connections, page cache on          → reader_cached_rps
 *   baseline    a bare node:http server (own process) sending the same
 *               bytes and headers, 50 connections, same run             → reader_baseline_rps, reader_cached_ratio
 *   uncached    page cache off, 5 connections cycling all 100 posts     → reader_uncached_p99_ms,
 *               app CPU per request (the Mongo server's beside it)        reader_uncached_cpu_ms
 *
 * Run it alone (`flock /tmp/conduit-bench.lock npm run bench:reader`): two shared cores.
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { type LoadResult, runLoad } from "../lib/load-driver";
import { stopGroup } from "../lib/processes";
import { spawnBenchMongo, spawnReady } from "../lib/ready-process";

const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const WARMUP_SECONDS = 3;
const POSTS = 100;

/** Load on a blog's pages: every path asked for with the blog's Host. */
function load(opts: { url: string; host: string; paths: string[]; connections: number; seconds: number }) {
  const { host, paths, ...rest } = opts;
  return runLoad({ ...rest, targets: paths.map((path) => ({ path, host })) });
}

// ───────────────────────── processes ─────────────────────────

/** CPU seconds (user + system) of one process, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

function getPage(port: number, host: string, pathname: string) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
  }>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: pathname, headers: { host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

// ───────────────────────── content ─────────────────────────

const WORDS =
  "tide water moon harbour current sailor chart depth shore wave storm light evening morning river stone salt wind boat coast island anchor signal rope deck lantern north south channel reef keel gull mast weather".split(
    " ",
  );

function words(seed: number, n: number): string {
  const out: string[] = [];
  let x = seed * 7919 + 17;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(WORDS[x % WORDS.length] ?? "sea");
  }
  const s = out.join(" ");
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;
}

const t = (text: string) => ({ type: "text", text });
/** About 1,500 words: headings, paragraphs, a list, a quote and a highlighted code block. */
function postContent(seed: number) {
  const content: unknown[] = [];
  for (let section = 0; section < 6; section++) {
    content.push({
      type: "heading",
      attrs: { level: 2 },
      content: [t(`Section ${section + 1}: ${words(seed + section, 4)}`)],
    });
    for (let p = 0; p < 3; p++)
      content.push({ type: "paragraph", content: [t(words(seed * 31 + section * 7 + p, 75))] });
    if (section === 1) {
      content.push({
        type: "bulletList",
        content: [0, 1, 2].map((i) => ({
          type: "listItem",
          content: [{ type: "paragraph", content: [t(words(seed + i, 12))] }],
        })),
      });
    }
    if (section === 2)
      content.push({
        type: "blockquote",
        content: [{ type: "paragraph", content: [t(words(seed + 99, 30))] }],
      });
    if (section === 3) {
      content.push({
        type: "codeBlock",
        attrs: { language: "ts" },
        content: [
          t(
            `export function nextTide(at: number): number {\n  // ${seed}\n  return at + 12.42 * 3_600_000;\n}`,
          ),
        ],
      });
    }
  }
  return { type: "doc", content };
}

// ───────────────────────── main ─────────────────────────

async function main(): Promise<void> {
  const { randomAuthSecrets } = await import("../lib/auth-secret");
  const { hasProductionBuild, nextBuild } = await import("../lib/next-build");
  const { freePort, waitForPort } = await import("../lib/ports");
  const { parseEnv } = await import("../../server/env");
  const { DatabaseService } = await import("../../server/db");
  const { createServices } = await import("../../server/services/container");
  const { callerFrom } = await import("../../server/http/caller");
  const pino = (await import("pino")).default;
  const { Redis } = await import("ioredis");

  const stamp = Date.now().toString(36);
  const dbpath = await mkdtemp(path.join(tmpdir(), "conduit-bench-reader-"));
  const children: ChildProcess[] = [];
  let db: InstanceType<typeof DatabaseService> | undefined;
  const redis = new Redis(process.env.REDIS_URL || "redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  const redisPrefix = `bench-reader-${stamp}:`;
  try {
    const authSecrets = process.env.AUTH_SECRETS || randomAuthSecrets();
    const buildEnv: NodeJS.ProcessEnv = {
      ...process.env,
      AUTH_SECRETS: authSecrets,
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: "production",
    };
    if (!hasProductionBuild(buildEnv)) {
      console.log("no production build: running next build");
      await nextBuild(buildEnv);
    }

    const mongo = await spawnBenchMongo(dbpath, children);
    const mongoUri = mongo.uri;
    const port = await freePort();
    const rootDomain = `localhost:${port}`;
    const prefix = `bench${stamp.slice(-8)}`;
    const env = parseEnv({
      MONGODB_URI: mongoUri,
      MONGODB_DB_PREFIX: prefix,
      ROOT_DOMAIN: rootDomain,
      REDIS_PREFIX: redisPrefix,
    });
    db = new DatabaseService({ uri: mongoUri, prefix });
    const services = createServices({
      db,
      log: pino({ level: "warn", customLevels: { master: 35 } }),
      env,
      redis: () => redis,
    });
    await db.ensureMasterIndexes();

    // The blog: 100 posts of ~1,500 words through the posts service (rendered at save, as always).
    const owner = await services.users.signUp({
      email: "bench@example.test",
      username: "benchwriter",
      password: "correct horse battery staple",
      name: "Bench Writer",
    });
    const session = { user: services.users.toSessionUser(owner) };
    await services.tenants.create(
      { name: "Tide Tables", slug: "tides", theme: "classic" },
      callerFrom(session, { ip: null, requestId: "bench" }),
    );
    const tenant = await services.tenants.findActiveBySlug("tides");
    if (!tenant) throw new Error("blog not created");
    const actor = { userId: owner._id, role: "owner" as const };
    services.posts.fanout = undefined; // no feed/pipeline fan-out needed to read
    const paths: string[] = [];
    let wordsTotal = 0;
    for (let i = 0; i < POSTS; i++) {
      const created = await services.posts.create(tenant, actor, {
        title: `Reading the tides, part ${i + 1}`,
        content: postContent(i + 1),
      });
      await services.posts.save(tenant, actor, created.id, {
        baseVersion: created.version,
        tags: ["sea", `part-${i % 10}`],
      });
      const state = await services.posts.publish(tenant, actor, created.id);
      const post = await services.posts.getForEditor(tenant, actor, created.id);
      paths.push(`/${post.slug}`);
      void state;
    }
    for (const doc of await db
      .forTenant(tenant)
      .posts.find({}, { projection: { wordCount: 1 } })
      .toArray()) {
      wordsTotal += doc.wordCount ?? 0;
    }
    const host = `tides.${rootDomain}`;
    const url = `http://127.0.0.1:${port}`;
    const appEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      MONGODB_URI: mongoUri,
      MONGODB_DB_PREFIX: prefix,
      REDIS_PREFIX: redisPrefix,
      ROOT_DOMAIN: rootDomain,
      AUTH_SECRETS: authSecrets,
      NEXT_TELEMETRY_DISABLED: "1",
      LOG_LEVEL: "warn",
    };
    const startApp = async (cache: boolean) => {
      // READER_BENCH_PROF=<dir>: a V8 CPU profile of the app for the uncached run (where the time goes).
      const prof =
        !cache && process.env.READER_BENCH_PROF
          ? ["--cpu-prof", `--cpu-prof-dir=${process.env.READER_BENCH_PROF}`]
          : [];
      const app = spawnReady(
        "app",
        process.execPath,
        [
          ...prof,
          "--import",
          "tsx",
          "scripts/serve.ts",
          "--port",
          String(port),
          "--hostname",
          "127.0.0.1",
          ...(cache ? [] : ["--no-page-cache"]),
        ],
        appEnv,
        /^ready /,
      );
      children.push(app.child);
      await app.match;
      await waitForPort(port);
      return app.child;
    };
    const target = paths[0] ?? "/";

    // ── cached ──
    let app = await startApp(true);
    // node:http, not fetch: fetch does not let a caller set the Host header.
    const page = await getPage(port, host, target);
    const body = page.body;
    if (page.status !== 200) {
      throw new Error(`post page ${target} answered ${page.status}: ${body.toString("utf8").slice(0, 300)}`);
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(page.headers)) {
      if (typeof v === "string" && !["date", "connection", "keep-alive", "transfer-encoding"].includes(k))
        headers[k] = v;
    }
    await load({ url, host, paths: [target], connections: 50, seconds: WARMUP_SECONDS });
    const cached = await load({ url, host, paths: [target], connections: 50, seconds: SECONDS });

    // ── baseline: the same bytes from a bare node:http server (in its own process) ──
    const basePort = await freePort();
    const baseline = spawnReady(
      "baseline",
      process.execPath,
      [
        "--import",
        "tsx",
        import.meta.filename,
        "--baseline",
        String(basePort),
        JSON.stringify({ headers, body: body.toString("base64") }),
      ],
      process.env,
      /^baseline ready/,
    );
    children.push(baseline.child);
    await baseline.match;
    const baseUrl = `http://127.0.0.1:${basePort}`;
    await load({ url: baseUrl, host, paths: [target], connections: 50, seconds: WARMUP_SECONDS });
    const bare = await load({ url: baseUrl, host, paths: [target], connections: 50, seconds: SECONDS });
    await stopGroup(baseline.child);

    // ── uncached: cache off, all 100 posts in turn, 5 connections ──
    await stopGroup(app);
    app = await startApp(false);
    await load({ url, host, paths, connections: 5, seconds: WARMUP_SECONDS });
    const appCpu0 = cpuSeconds(app.pid ?? 0);
    const mongoCpu0 = cpuSeconds(mongo.child.pid ?? 0);
    const uncached = await load({ url, host, paths, connections: 5, seconds: SECONDS });
    const appCpuMs = ((cpuSeconds(app.pid ?? 0) - appCpu0) * 1000) / Math.max(1, uncached.total);
    const mongoCpuMs = ((cpuSeconds(mongo.child.pid ?? 0) - mongoCpu0) * 1000) / Math.max(1, uncached.total);
    // For comparison: the same process answering through Next's app router (the platform's 404
    // page on the root domain, no database work) — what a reader page would cost as a Next page.
    await load({ url, host: rootDomain, paths: ["/no-such-page"], connections: 5, seconds: WARMUP_SECONDS });
    const nextCpu0 = cpuSeconds(app.pid ?? 0);
    const nextRun = await load({
      url,
      host: rootDomain,
      paths: ["/no-such-page"],
      connections: 5,
      seconds: SECONDS,
    });
    const nextCpuMs = ((cpuSeconds(app.pid ?? 0) - nextCpu0) * 1000) / Math.max(1, nextRun.total);
    await stopGroup(app);

    const ratio = cached.rps / bare.rps;
    const row = (name: string, r: LoadResult, conns: number) =>
      `${name.padEnd(28)} ${String(conns).padStart(5)} ${r.rps.toFixed(0).padStart(9)} ${r.p50.toFixed(1).padStart(7)} ${r.p99
        .toFixed(1)
        .padStart(7)} ${String(r.non2xx + r.errors).padStart(6)}`;
    console.log("");
    console.log(
      `reader pages: ${POSTS} posts, ${Math.round(wordsTotal / POSTS)} words on average, post page ${body.length} bytes, ${SECONDS} s per figure`,
    );
    console.log(
      `${"load".padEnd(28)} ${"conns".padStart(5)} ${"req/s".padStart(9)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"errors".padStart(6)}`,
    );
    console.log(row("cached post page", cached, 50));
    console.log(row("bare node:http, same bytes", bare, 50));
    console.log(row("uncached, 100 posts cycled", uncached, 5));
    console.log(row("Next app-router 404 (compare)", nextRun, 5));
    console.log(
      `uncached CPU per request: app ${appCpuMs.toFixed(2)} ms, Mongo server ${mongoCpuMs.toFixed(2)} ms; a Next app-router page ${nextCpuMs.toFixed(2)} ms (cached/bare ratio ${ratio.toFixed(2)})`,
    );
    console.log("");
    const result = (
      name: string,
      value: number,
      unit: string,
      op: "<" | "<=" | ">=",
      targetValue: number,
      digits = 1,
    ) => {
      const ok = op === "<" ? value < targetValue : op === "<=" ? value <= targetValue : value >= targetValue;
      console.log(
        `RESULT ${name} ${value.toFixed(digits)} ${unit} target ${op} ${targetValue} ${ok ? "ok" : "miss"}`,
      );
    };
    console.log(`RESULT reader_cached_rps ${cached.rps.toFixed(0)} req/s target >= 0 ok`);
    console.log(`RESULT reader_baseline_rps ${bare.rps.toFixed(0)} req/s target >= 0 ok`);
    result("reader_cached_ratio", ratio, "x", ">=", 0.5, 2);
    result("reader_uncached_p99_ms", uncached.p99, "ms", "<", 30);
    result("reader_uncached_cpu_ms", appCpuMs, "ms", "<=", 4, 2);
    console.log(`RESULT reader_uncached_mongo_cpu_ms ${mongoCpuMs.toFixed(2)} ms target >= 0 ok`);
    console.log(`RESULT reader_next_router_cpu_ms ${nextCpuMs.toFixed(2)} ms target >= 0 ok`);
  } finally {
    for (const child of children.reverse()) await stopGroup(child);
    const keys = await redis.keys(`${redisPrefix}*`).catch(() => []);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await db?.close().catch(() => undefined);
    await rm(dbpath, { recursive: true, force: true });
  }
}

function baselineServer(): void {
  const i = process.argv.indexOf("--baseline");
  const port = Number(process.argv[i + 1]);
  const spec = JSON.parse(process.argv[i + 2] ?? "{}") as { headers: Record<string, string>; body: string };
  const body = Buffer.from(spec.body, "base64");
  const headers = { ...spec.headers, "content-length": String(body.length) };
  const server = createServer((_req, res) => {
    res.writeHead(200, headers);
    res.end(body);
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, "127.0.0.1", () => console.log("baseline ready"));
}

if (process.argv.includes("--baseline")) baselineServer();
else
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
