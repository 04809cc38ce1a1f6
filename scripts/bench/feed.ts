/**
 * `npm run bench:feed` — `GET /api/feed?tag=` on a production build with 100 blogs × 100 posts
 * and 20 tags, at 32 connections, cycling over every tag's first three pages (hot sort, the
 * default; pages 2 and 3 with the cursors page 1 and 2 returned). Load comes from autocannon in a
 * separate process.
 *
 *   front   the app as `npm start` runs it (scripts/serve.ts: the front server answers /api/feed
 *           with the feed service)                                   → feed_rps, feed_p50_ms, feed_p99_ms
 *   next    the same build behind `next start` (Next's route handler,
 *           app/api/feed/route.ts), same run, for comparison         → feed_next_rps, feed_next_p99_ms
 *
 * Run it alone (`flock /tmp/conduit-bench.lock npm run bench:feed`): two shared cores.
 * BENCH_SECONDS (default 15) sets the measured seconds per figure.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { type LoadResult, runLoad } from "../lib/load-driver";
import { stopGroup } from "../lib/processes";
import { spawnBenchMongo, spawnReady } from "../lib/ready-process";

const SECONDS = Number(process.env.BENCH_SECONDS || 15);
const WARMUP_SECONDS = 5;
const BLOGS = 100;
const POSTS_PER_BLOG = 100;
const TAGS = Array.from({ length: 20 }, (_, i) => `topic-${String(i + 1).padStart(2, "0")}`);
const CONNECTIONS = 32;

// ───────────────────────── processes ─────────────────────────

function getJson(port: number, pathname: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: pathname }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
        } catch {
          resolve({ status: res.statusCode ?? 0, body: text });
        }
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** A deterministic pseudo-random sequence (same data every run). */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

// ───────────────────────── main ─────────────────────────

async function main(): Promise<void> {
  const { randomAuthSecrets } = await import("../lib/auth-secret");
  const { hasProductionBuild, nextBuild } = await import("../lib/next-build");
  const { binary } = await import("../lib/paths");
  const { freePort, waitForPort } = await import("../lib/ports");
  const { parseEnv } = await import("../../server/env");
  const { DatabaseService } = await import("../../server/db");
  const { createServices } = await import("../../server/services/container");
  const { callerFrom } = await import("../../server/http/caller");
  const { markTenantDirty } = await import("../../server/services/hot-score/dirty");
  const { HotScoreAggregator } = await import("../../server/services/hot-score/aggregator");
  const { ObjectId } = await import("mongodb");
  const pino = (await import("pino")).default;
  const { Redis } = await import("ioredis");

  const stamp = Date.now().toString(36);
  const dbpath = await mkdtemp(path.join(tmpdir(), "conduit-bench-feed-"));
  const children: ChildProcess[] = [];
  let db: InstanceType<typeof DatabaseService> | undefined;
  const redis = new Redis(process.env.REDIS_URL || "redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  const redisPrefix = `bench-feed-${stamp}:`;
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

    const { uri: mongoUri } = await spawnBenchMongo(dbpath, children);
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
    const log = pino({ level: "warn", customLevels: { master: 35 } });
    const services = createServices({ db, log, env, redis: () => redis });
    await db.ensureMasterIndexes();

    // ── data: 100 blogs × 100 posts, 2 of 20 tags each, a month of dates, some likes ──
    const seeded = performance.now();
    const owner = await services.users.signUp({
      email: "bench-feed@example.test",
      username: "benchfeed",
      password: "correct horse battery staple",
      name: "Bench Writer",
    });
    const caller = callerFrom(
      { user: services.users.toSessionUser(owner) },
      { ip: null, requestId: "bench" },
    );
    const random = rng(42);
    const now = Date.now();
    const tenants: import("../../server/db").TenantDoc[] = [];
    for (let b = 0; b < BLOGS; b++) {
      await services.tenants.create(
        { name: `Bench blog ${b}`, slug: `bench-blog-${b}`, theme: "classic" },
        caller,
      );
      const tenant = await services.tenants.findActiveBySlug(`bench-blog-${b}`);
      if (!tenant) throw new Error("blog not created");
      tenants.push(tenant);
      const posts = Array.from({ length: POSTS_PER_BLOG }, (_, i) => {
        const at = new Date(now - Math.floor(random() * 30 * 86_400_000));
        const first = Math.floor(random() * TAGS.length);
        const second = (first + 1 + Math.floor(random() * (TAGS.length - 1))) % TAGS.length;
        return {
          _id: new ObjectId(),
          title: `Post ${i} of blog ${b}: notes on ${TAGS[first]}`,
          slug: `post-${i}`,
          content: { type: "doc", content: [] },
          html: "<p>Body</p>",
          text: "A short body for the benchmark, long enough to make an excerpt of a sentence or two.",
          excerpt: "A short body for the benchmark, long enough to make an excerpt of a sentence or two.",
          tags: [TAGS[first] as string, TAGS[second] as string],
          coverUrl: null,
          status: "published" as const,
          publishAt: null,
          publishedAt: at,
          authorIds: [owner._id],
          version: 1,
          syncedVersion: 0,
          readingMinutes: 3,
          createdAt: at,
          updatedAt: at,
        };
      });
      const t = db.forTenant(tenant);
      await t.posts.insertMany(posts);
      const likes = posts.flatMap((p) =>
        Array.from({ length: Math.floor(random() * random() * 12) }, () => ({
          _id: new ObjectId(),
          postId: p._id,
          userId: new ObjectId(),
          createdAt: new Date(),
        })),
      );
      if (likes.length) await t.likes.insertMany(likes);
      const queue = [...posts];
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let p = queue.shift(); p; p = queue.shift()) await services.feed.sync.syncPost(tenant, p._id);
        }),
      );
      await markTenantDirty(redis, redisPrefix, tenant._id);
    }
    await new HotScoreAggregator({ db, log, redis: () => redis, redisPrefix }).run({ maxTenants: BLOGS });
    const rows = await db.master().globalFeed.countDocuments({ removedAt: { $exists: false } });
    console.log(
      `seeded ${BLOGS} blogs × ${POSTS_PER_BLOG} posts (${rows} feed rows) in ${((performance.now() - seeded) / 1000).toFixed(0)} s`,
    );

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
    const url = `http://127.0.0.1:${port}`;

    /** Every tag's first three pages: page 1, then the cursors the server hands out. */
    const pagePaths = async (): Promise<string[]> => {
      const paths: string[] = [];
      for (const tag of TAGS) {
        let next: string | null = null;
        for (let page = 0; page < 3; page++) {
          const p: string = `/api/feed?tag=${tag}${next ? `&cursor=${encodeURIComponent(next)}` : ""}`;
          const res = await getJson(port, p);
          const body = res.body as { items?: unknown[]; nextCursor?: string | null };
          if (res.status !== 200 || !body.items?.length) throw new Error(`${p} answered ${res.status}`);
          paths.push(p);
          next = body.nextCursor ?? null;
          if (!next) break;
        }
      }
      return paths;
    };

    const measure = async (name: string, command: string, args: string[]) => {
      const app = spawnReady(name, command, args, appEnv, /ready|Ready|started server|Local:/);
      children.push(app.child);
      await app.match;
      await waitForPort(port);
      const paths = await pagePaths();
      await runLoad({
        url,
        targets: paths.map((path) => ({ path })),
        connections: CONNECTIONS,
        seconds: WARMUP_SECONDS,
      });
      const result = await runLoad({
        url,
        targets: paths.map((path) => ({ path })),
        connections: CONNECTIONS,
        seconds: SECONDS,
      });
      await stopGroup(app.child);
      return { result, paths: paths.length };
    };

    const front = await measure("front", process.execPath, [
      "--import",
      "tsx",
      "scripts/serve.ts",
      "--port",
      String(port),
      "--hostname",
      "127.0.0.1",
    ]);
    const next = await measure("next", binary("next"), ["start", "-p", String(port), "-H", "127.0.0.1"]);

    const row = (label: string, r: LoadResult) =>
      `${label.padEnd(34)} ${r.rps.toFixed(0).padStart(8)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${String(r.non2xx + r.errors).padStart(7)}`;
    console.log(
      `\nGET /api/feed?tag= (${front.paths} URLs: 20 tags × 3 pages, hot), ${CONNECTIONS} connections, ${SECONDS} s`,
    );
    console.log(
      `${"".padEnd(34)} ${"req/s".padStart(8)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"errors".padStart(7)}`,
    );
    console.log(row("front server (npm start)", front.result));
    console.log(row("Next route handler (next start)", next.result));
    const f = front.result;
    if (f.non2xx + f.errors > 0) console.log(`WARNING: ${f.non2xx} non-2xx answers, ${f.errors} errors`);
    console.log(`RESULT feed_rps ${f.rps.toFixed(0)} req/s target >= 1500 ${f.rps >= 1500 ? "ok" : "miss"}`);
    console.log(`RESULT feed_p50_ms ${f.p50.toFixed(1)} ms target < 15 ${f.p50 < 15 ? "ok" : "miss"}`);
    console.log(`RESULT feed_p99_ms ${f.p99.toFixed(1)} ms target < 15 ${f.p99 < 15 ? "ok" : "miss"}`);
    console.log(
      `RESULT feed_next_rps ${next.result.rps.toFixed(0)} req/s target >= 1500 ${next.result.rps >= 1500 ? "ok" : "miss"}`,
    );
    console.log(
      `RESULT feed_next_p99_ms ${next.result.p99.toFixed(1)} ms target < 15 ${next.result.p99 < 15 ? "ok" : "miss"}`,
    );
  } finally {
    for (const child of children.reverse()) await stopGroup(child);
    await db?.close();
    let cursor = "0";
    do {
      const [nextCursor, keys] = await redis.scan(cursor, "MATCH", `${redisPrefix}*`, "COUNT", 500);
      cursor = nextCursor;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
    redis.disconnect();
    await rm(dbpath, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
