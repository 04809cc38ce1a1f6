/**
 * `npm run bench:realworld` — the RealWorld API's article lists on a production build served as
 * `npm start` serves it (scripts/serve.ts in front of Next), 20 blogs × 100 posts, with likes and
 * follows, autocannon in a separate process at 16 connections:
 *
 *   root     GET /api/articles?limit=20&offset=<0..80>  the network (global_feed, then each page's
 *            posts read from their blogs), anonymous           → realworld_root_rps/_p50_ms/_p99_ms
 *   blog     the same on one blog's subdomain (its posts)      → realworld_blog_rps/_p50_ms/_p99_ms
 *   article  GET /api/articles/<blog>~<post> (with the body)   → realworld_article_rps/_p99_ms
 *   authed   root list with a token (following/favorited flags) → realworld_root_authed_rps/_p99_ms
 *   baseline GET /api/feed?sort=new&limit=20 on the same data, same run (the feed service, answered
 *            by the front server ahead of Next)                → realworld_baseline_feed_rps
 *
 * Run it alone (`flock /tmp/conduit-bench.lock npm run bench:realworld`): two shared cores.
 * BENCH_SECONDS (default 10) sets the measured seconds per figure.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { type LoadResult, type LoadTarget, runLoad } from "../lib/load-driver";
import { stopGroup } from "../lib/processes";
import { spawnBenchMongo, spawnReady } from "../lib/ready-process";

const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const WARMUP_SECONDS = 3;
const BLOGS = 20;
const POSTS_PER_BLOG = 100;
const CONNECTIONS = 16;
const TAGS = Array.from({ length: 10 }, (_, i) => `topic-${i + 1}`);

// ───────────────────────── processes ─────────────────────────

function get(port: number, target: LoadTarget): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path: target.path, headers: { host: target.host, ...target.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

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
  // server/env reads AUTH_SECRETS once, at import: set it first, so tokens signed here verify in the app.
  const authSecrets = process.env.AUTH_SECRETS || randomAuthSecrets();
  process.env.AUTH_SECRETS = authSecrets;
  const { hasProductionBuild, nextBuild } = await import("../lib/next-build");
  const { freePort, waitForPort } = await import("../lib/ports");
  const { parseEnv } = await import("../../server/env");
  const { DatabaseService } = await import("../../server/db");
  const { createServices } = await import("../../server/services/container");
  const { callerFrom } = await import("../../server/http/caller");
  const { FollowsService } = await import("../../server/services/follows/follows-service");
  const { ObjectId } = await import("mongodb");
  const pino = (await import("pino")).default;
  const { Redis } = await import("ioredis");

  const stamp = Date.now().toString(36);
  const dbpath = await mkdtemp(path.join(tmpdir(), "conduit-bench-realworld-"));
  const children: ChildProcess[] = [];
  let db: InstanceType<typeof DatabaseService> | undefined;
  const redis = new Redis(process.env.REDIS_URL || "redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  const redisPrefix = `bench-rw-${stamp}:`;
  try {
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
    const prefix = `benchrw${stamp.slice(-8)}`;
    const env = parseEnv({
      MONGODB_URI: mongoUri,
      MONGODB_DB_PREFIX: prefix,
      ROOT_DOMAIN: rootDomain,
      REDIS_PREFIX: redisPrefix,
      AUTH_SECRETS: authSecrets,
    });
    db = new DatabaseService({ uri: mongoUri, prefix });
    const log = pino({ level: "warn", customLevels: { master: 35 } });
    const services = createServices({ db, log, env, redis: () => redis });
    await db.ensureMasterIndexes();

    // ── data: 20 blogs × 100 posts by 20 writers, likes in tenant + master, a reader following 5 ──
    const seeded = performance.now();
    const writers = [];
    for (let w = 0; w < BLOGS; w++) {
      writers.push(
        await services.users.signUp({
          email: `bench-rw-${w}@example.test`,
          username: `benchrw${w}`,
          password: "correct horse battery staple",
          name: `Writer ${w}`,
        }),
      );
    }
    const reader = await services.users.signUp({
      email: "bench-rw-reader@example.test",
      username: "benchrwreader",
      password: "correct horse battery staple",
    });
    const follows = new FollowsService({ db, feed: services.feed });
    for (const w of writers.slice(0, 5)) await follows.follow(reader._id, w._id);
    const random = rng(7);
    const now = Date.now();
    const slugs: string[] = [];
    for (let b = 0; b < BLOGS; b++) {
      const writer = writers[b] as (typeof writers)[number];
      const caller = callerFrom(
        { user: services.users.toSessionUser(writer) },
        { ip: null, requestId: "bench" },
      );
      await services.tenants.create(
        { name: `RealWorld blog ${b}`, slug: `rw-blog-${b}`, theme: "classic" },
        caller,
      );
      const tenant = await services.tenants.findActiveBySlug(`rw-blog-${b}`);
      if (!tenant) throw new Error("blog not created");
      const posts = Array.from({ length: POSTS_PER_BLOG }, (_, i) => {
        const at = new Date(now - Math.floor(random() * 30 * 86_400_000));
        const tag = TAGS[Math.floor(random() * TAGS.length)] as string;
        const body = `## Part ${i}\n\n${"Some words about the topic at hand. ".repeat(40)}`;
        return {
          _id: new ObjectId(),
          title: `Post ${i} of blog ${b}`,
          slug: `post-${i}`,
          content: { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: body }] }] },
          html: `<p>${body}</p>`,
          text: body,
          excerpt: "A short description of the post.",
          tags: [tag, "bench"],
          coverUrl: null,
          status: "published" as const,
          publishAt: null,
          publishedAt: at,
          authorIds: [writer._id],
          version: 1,
          syncedVersion: 0,
          readingMinutes: 3,
          metrics: { views: 0, likes: 0, comments: 0 },
          createdAt: at,
          updatedAt: at,
        };
      });
      const t = db.forTenant(tenant);
      await t.posts.insertMany(posts);
      // The reader likes every 7th post: tenant `likes`, master `favorites` and the counter.
      for (const p of posts.filter((_, i) => i % 7 === 0)) {
        await services.signals.toggleLike(tenant, reader._id.toHexString(), p._id.toHexString());
      }
      const queue = [...posts];
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let p = queue.shift(); p; p = queue.shift()) await services.feed.sync.syncPost(tenant, p._id);
        }),
      );
      slugs.push(...posts.slice(0, 5).map((p) => `rw-blog-${b}~${p.slug}`));
    }
    const { signToken } = await import("../../server/auth/jwt");
    const s = services.users.toSessionUser(reader);
    const token = await signToken({
      sub: s.id,
      email: s.email,
      username: s.username,
      name: s.name,
      platformAdmin: false,
    });
    console.log(
      `seeded ${BLOGS} blogs × ${POSTS_PER_BLOG} posts in ${((performance.now() - seeded) / 1000).toFixed(0)} s`,
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
    const app = spawnReady(
      "app",
      process.execPath,
      ["--import", "tsx", "scripts/serve.ts", "--port", String(port), "--hostname", "127.0.0.1"],
      appEnv,
      /^ready /,
    );
    children.push(app.child);
    await app.match;
    await waitForPort(port);

    const offsets = [0, 20, 40, 60, 80];
    const sets: Record<string, LoadTarget[]> = {
      baseline: [{ path: "/api/feed?sort=new&limit=20", host: rootDomain }],
      root: offsets.map((o) => ({ path: `/api/articles?limit=20&offset=${o}`, host: rootDomain })),
      blog: offsets.map((o) => ({
        path: `/api/articles?limit=20&offset=${o}`,
        host: `rw-blog-3.${rootDomain}`,
      })),
      article: slugs.map((slug) => ({ path: `/api/articles/${slug}`, host: rootDomain })),
      authed: offsets.map((o) => ({
        path: `/api/articles?limit=20&offset=${o}`,
        host: rootDomain,
        headers: { authorization: `Token ${token}` },
      })),
    };
    // Every target answers 200 before it is measured.
    for (const [name, targets] of Object.entries(sets)) {
      for (const t of targets.slice(0, 3)) {
        const res = await get(port, t);
        if (res.status !== 200)
          throw new Error(`${name} ${t.path} answered ${res.status}: ${res.body.slice(0, 200)}`);
      }
    }
    const results: Record<string, LoadResult> = {};
    for (const [name, targets] of Object.entries(sets)) {
      await runLoad({ url, targets, connections: CONNECTIONS, seconds: WARMUP_SECONDS });
      results[name] = await runLoad({ url, targets, connections: CONNECTIONS, seconds: SECONDS });
    }

    const row = (label: string, r: LoadResult) =>
      `${label.padEnd(46)} ${r.rps.toFixed(0).padStart(8)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${String(r.non2xx + r.errors).padStart(7)}`;
    console.log(
      `\nRealWorld API, ${BLOGS} blogs × ${POSTS_PER_BLOG} posts, ${CONNECTIONS} connections, ${SECONDS} s each`,
    );
    console.log(
      `${"".padEnd(46)} ${"req/s".padStart(8)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"errors".padStart(7)}`,
    );
    const r = results as Record<"baseline" | "root" | "blog" | "article" | "authed", LoadResult>;
    console.log(row("GET /api/articles (root, 5 pages of 20)", r.root));
    console.log(row("GET /api/articles (blog subdomain, 5 pages)", r.blog));
    console.log(row("GET /api/articles/:slug (root, 100 articles)", r.article));
    console.log(row("GET /api/articles (root, with a token)", r.authed));
    console.log(row("baseline: GET /api/feed?sort=new (same data)", r.baseline));
    for (const [name, x] of Object.entries(results)) {
      if (x.non2xx + x.errors > 0)
        console.log(`WARNING: ${name}: ${x.non2xx} non-2xx answers, ${x.errors} errors`);
    }
    const line = (name: string, value: number, unit: string, op: "<" | ">=", target: number) =>
      console.log(
        `RESULT ${name} ${value.toFixed(unit === "ms" ? 1 : 0)} ${unit} target ${op} ${target} ${
          (op === "<" ? value < target : value >= target) ? "ok" : "miss"
        }`,
      );
    line("realworld_root_rps", r.root.rps, "req/s", ">=", 300);
    line("realworld_root_p50_ms", r.root.p50, "ms", "<", 50);
    line("realworld_root_p99_ms", r.root.p99, "ms", "<", 150);
    line("realworld_blog_rps", r.blog.rps, "req/s", ">=", 300);
    line("realworld_blog_p50_ms", r.blog.p50, "ms", "<", 50);
    line("realworld_blog_p99_ms", r.blog.p99, "ms", "<", 150);
    line("realworld_article_rps", r.article.rps, "req/s", ">=", 300);
    line("realworld_article_p99_ms", r.article.p99, "ms", "<", 150);
    line("realworld_root_authed_rps", r.authed.rps, "req/s", ">=", 300);
    line("realworld_root_authed_p99_ms", r.authed.p99, "ms", "<", 150);
    line("realworld_baseline_feed_rps", r.baseline.rps, "req/s", ">=", 300);
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
