/**
 * `npm run bench:scheduler` — publish lateness of scheduled posts. 500 posts on 20 blogs are
 * scheduled through the posts service (as the studio does) to go live within the same minute,
 * spread over it; the worker process (`workers/main.ts`, its own process, defaults) publishes
 * them from their delayed jobs. Lateness of a post = when its row appeared in the global feed
 * (the worker's write, after the publish and its fan-out) − its `publishAt`.
 *
 *   spread   500 posts spread over one minute                  → scheduler_lateness_p50_ms, _p99_ms
 *   burst    500 posts due at the same second (table only: throughput of one worker)
 *
 * The periodic sweep stays at its default 10 minutes, so every figure comes from the exact jobs.
 * Run it alone (`flock /tmp/conduit-bench.lock npm run bench:scheduler`): two shared cores.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { stopGroup } from "../lib/processes";
import { spawnBenchMongo, spawnReady } from "../lib/ready-process";

const _root = path.resolve(import.meta.dirname, "../..");
const BLOGS = 20;
const POSTS = 500;

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const { parseEnv } = await import("../../server/env");
  const { DatabaseService } = await import("../../server/db");
  const { createServices } = await import("../../server/services/container");
  const { callerFrom } = await import("../../server/http/caller");
  const { ObjectId } = await import("mongodb");
  const pino = (await import("pino")).default;
  const { Redis } = await import("ioredis");

  const stamp = Date.now().toString(36);
  const dbpath = await mkdtemp(path.join(tmpdir(), "conduit-bench-scheduler-"));
  const children: ChildProcess[] = [];
  let db: InstanceType<typeof DatabaseService> | undefined;
  const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379";
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const redisPrefix = `bench-scheduler-${stamp}:`;
  let services: ReturnType<typeof createServices> | undefined;
  try {
    const { uri: mongoUri } = await spawnBenchMongo(dbpath, children);
    const prefix = `bench${stamp.slice(-8)}`;
    const rawEnv = {
      MONGODB_URI: mongoUri,
      MONGODB_DB_PREFIX: prefix,
      ROOT_DOMAIN: "localhost:3000",
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redisPrefix,
    };
    const env = parseEnv(rawEnv);
    db = new DatabaseService({ uri: mongoUri, prefix });
    services = createServices({
      db,
      log: pino({ level: "warn", customLevels: { master: 35 } }),
      env,
      redis: () => redis,
    });
    await db.ensureMasterIndexes();
    const owner = await services.users.signUp({
      email: "bench-scheduler@example.test",
      username: "benchscheduler",
      password: "correct horse battery staple",
      name: "Bench Writer",
    });
    const caller = callerFrom(
      { user: services.users.toSessionUser(owner) },
      { ip: null, requestId: "bench" },
    );
    const tenants: import("../../server/db").TenantDoc[] = [];
    for (let b = 0; b < BLOGS; b++) {
      await services.tenants.create(
        { name: `Schedule blog ${b}`, slug: `schedule-blog-${b}`, theme: "classic" },
        caller,
      );
      const tenant = await services.tenants.findActiveBySlug(`schedule-blog-${b}`);
      if (!tenant) throw new Error("blog not created");
      tenants.push(tenant);
    }
    const actor = { userId: owner._id, role: "owner" as const };

    const worker = spawnReady(
      "worker",
      process.execPath,
      ["--import", "tsx", "workers/main.ts"],
      {
        ...process.env,
        ...rawEnv,
        NODE_ENV: "production",
        AUTH_SECRETS: `bench:${"x".repeat(40)}`,
        LOG_LEVEL: "warn",
      },
      /^ready worker/,
    );
    children.push(worker.child);
    await worker.match;

    /** Runs `work` over 0..n-1, 16 at a time (the studio's many writers). */
    const parallel = async (n: number, work: (i: number) => Promise<void>) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let i = next++; i < n; i = next++) await work(i);
        }),
      );
    };

    /** Drafts first; then, from `start()` on, each scheduled for `at(i)`; returns post id → publishAt. */
    const schedule = async (label: string, start: () => number, at: (i: number, t0: number) => Date) => {
      const drafts: { tenant: (typeof tenants)[number]; id: string }[] = [];
      await parallel(POSTS, async (i) => {
        const tenant = tenants[i % BLOGS] as (typeof tenants)[number];
        const created = await services!.posts.create(tenant, actor, { title: `${label} ${i}` });
        drafts[i] = { tenant, id: created.id };
      });
      const t0 = start();
      const due = new Map<string, number>();
      await parallel(POSTS, async (i) => {
        const d = drafts[i]!;
        const when = at(i, t0);
        await services!.posts.schedule(d.tenant, actor, d.id, when);
        due.set(d.id, when.getTime());
      });
      if (Date.now() > t0) throw new Error(`scheduling ran past the first due time (${label})`);
      return due;
    };

    /** Waits until every post has its feed row; lateness = row written − publishAt. */
    const lateness = async (due: Map<string, number>): Promise<number[]> => {
      const ids = [...due.keys()].map((id) => new ObjectId(id));
      const last = Math.max(...due.values());
      for (;;) {
        const rows = await db!
          .master()
          .globalFeed.find(
            { postId: { $in: ids }, removedAt: { $exists: false } },
            { projection: { postId: 1, updatedAt: 1 } },
          )
          .toArray();
        if (rows.length === ids.length) {
          return rows
            .map((r) => r.updatedAt.getTime() - (due.get(r.postId.toHexString()) ?? 0))
            .sort((a, b) => a - b);
        }
        if (Date.now() > last + 120_000)
          throw new Error(`only ${rows.length} of ${ids.length} posts published`);
        await sleep(250);
      }
    };

    // ── spread: 500 posts over one minute, the minute starting once every one is scheduled ──
    const spreadDue = await schedule(
      "Spread",
      () => Date.now() + 60_000,
      (i, t0) => new Date(t0 + Math.floor((i * 60_000) / POSTS)),
    );
    const spread = await lateness(spreadDue);

    // ── burst: 500 posts due at the same second ──
    const burstDue = await schedule(
      "Burst",
      () => Date.now() + 60_000,
      (_i, t0) => new Date(t0),
    );
    const burst = await lateness(burstDue);

    const early = [...spread, ...burst].filter((ms) => ms < 0).length;
    const row = (label: string, l: number[]) =>
      `${label.padEnd(30)} ${String(l.length).padStart(6)} ${percentile(l, 50).toFixed(0).padStart(8)} ${percentile(l, 99).toFixed(0).padStart(8)} ${(l.at(-1) ?? 0).toFixed(0).padStart(8)}`;
    console.log(`\nPublish lateness (feed row written − publishAt), one worker process, ${BLOGS} blogs`);
    console.log(
      `${"".padEnd(30)} ${"posts".padStart(6)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"max ms".padStart(8)}`,
    );
    console.log(row("500 spread over one minute", spread));
    console.log(row("500 due at the same second", burst));
    console.log(`published early: ${early}`);
    const p50 = percentile(spread, 50);
    const p99 = percentile(spread, 99);
    console.log(
      `RESULT scheduler_lateness_p50_ms ${p50.toFixed(0)} ms target < 2000 ${p50 < 2000 ? "ok" : "miss"}`,
    );
    console.log(
      `RESULT scheduler_lateness_p99_ms ${p99.toFixed(0)} ms target < 2000 ${p99 < 2000 ? "ok" : "miss"}`,
    );
  } finally {
    for (const child of children.reverse()) await stopGroup(child, 10_000);
    await services?.queues.close();
    await db?.close();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${redisPrefix}*`, "COUNT", 500);
      cursor = next;
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
