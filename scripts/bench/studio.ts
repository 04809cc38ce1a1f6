/**
 * `npm run bench:studio`: 10 authors, each autosaving a 5,000-word post every 500 ms for 30 s,
 * through the same tRPC HTTP call the editor makes (`POST /studio/<slug>/api/trpc/posts.save?batch=1`,
 * superjson, session token), against a production build served by scripts/serve.ts on a free
 * port with its own embedded Mongo (temp data directory). Each save changes one paragraph and sends
 * the whole document, as the editor does; an author never has two saves in flight.
 * Baseline in the same run: `posts.get` of a small post (same auth, tenant and membership checks,
 * no write), so the machine's noise is visible apart from the save path.
 *
 *   NEXT_DIST_DIR=.next-studio npm run bench:studio   (builds into NEXT_DIST_DIR when no build exists)
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseService } from "../../server/db";
import { randomAuthSecrets } from "../lib/auth-secret";
import { startEmbeddedMongo } from "../lib/mongo";
import { hasProductionBuild, nextBuild } from "../lib/next-build";
import { binary, repoRoot } from "../lib/paths";
import { freePort, waitForPort } from "../lib/ports";
import { killNow, type ManagedProcess, spawnManaged, stopManaged } from "../lib/processes";

const AUTHORS = 10;
const WORDS = 5_000;
const INTERVAL_MS = 500;
const WARMUP_MS = 5_000;
const MEASURE_MS = 30_000;

const WORDLIST =
  "the quiet river carries light across old stones while writers gather notes about engines bread travel code gardens music history".split(
    " ",
  );

function paragraph(seed: number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDLIST[(seed * 7 + i * 3) % WORDLIST.length] as string);
  return `${out.join(" ")}.`;
}

/** ~5,000 words: 100 paragraphs of 50, with a heading every 20. */
function document(edit: number): { type: "doc"; content: unknown[] } {
  const content: unknown[] = [];
  for (let p = 0; p < WORDS / 50; p++) {
    if (p % 20 === 0)
      content.push({
        type: "heading",
        attrs: { level: 2 },
        content: [{ type: "text", text: `Part ${p / 20 + 1}` }],
      });
    // The edited paragraph grows by one word per save, like someone typing.
    const text =
      p === edit % 100 ? `${paragraph(p, 50)} ${"more ".repeat(1 + (edit % 20)).trim()}` : paragraph(p, 50);
    content.push({ type: "paragraph", content: [{ type: "text", text }] });
  }
  return { type: "doc", content };
}

interface Author {
  slug: string;
  token: string;
  postId: string;
  version: number;
}

function trpcUrl(base: string, slug: string, proc: string, query?: unknown): string {
  const url = `${base}/studio/${slug}/api/trpc/${proc}?batch=1`;
  return query === undefined
    ? url
    : `${url}&input=${encodeURIComponent(JSON.stringify({ 0: { json: query } }))}`;
}

async function trpcMutation<T>(
  base: string,
  a: Pick<Author, "slug" | "token">,
  proc: string,
  input: unknown,
): Promise<T> {
  const res = await fetch(trpcUrl(base, a.slug, proc), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Token ${a.token}` },
    body: JSON.stringify({ 0: { json: input } }),
  });
  const body = (await res.json()) as { result?: { data: { json: T } }; error?: unknown }[];
  const first = body[0];
  if (!res.ok || !first?.result)
    throw new Error(`${proc} → ${res.status} ${JSON.stringify(first?.error ?? body).slice(0, 300)}`);
  return first.result.data.json;
}

async function trpcQuery(base: string, a: Author, proc: string, input: unknown): Promise<void> {
  const res = await fetch(trpcUrl(base, a.slug, proc, input), {
    headers: { authorization: `Token ${a.token}` },
  });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${proc} → ${res.status}`);
}

async function setupAuthor(base: string, i: number, run: string): Promise<Author> {
  const username = `bench${run}${i}`;
  const user = await fetch(`${base}/api/users`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      user: { email: `${username}@bench.test`, username, password: "benchmark password" },
    }),
  });
  if (user.status !== 201) throw new Error(`sign-up → ${user.status} ${await user.text()}`);
  const { user: created } = (await user.json()) as { user: { token: string } };
  const slug = `bench-${run}-${i}`;
  const tenant = await fetch(`${base}/api/tenants`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Token ${created.token}` },
    body: JSON.stringify({ name: `Bench ${i}`, slug, theme: "classic" }),
  });
  if (tenant.status !== 201) throw new Error(`create blog → ${tenant.status} ${await tenant.text()}`);
  const post = await trpcMutation<{ id: string; version: number }>(
    base,
    { slug, token: created.token },
    "posts.create",
    {
      type: "post",
      title: `A long post by author ${i}`,
    },
  );
  return { slug, token: created.token, postId: post.id, version: post.version };
}

type SaveResult = { ok: true; post: { version: number } } | { ok: false; conflict: { version: number } };

async function author(
  base: string,
  a: Author,
  until: number,
  measureFrom: number,
  timings: number[],
): Promise<number> {
  let edit = 0;
  let conflicts = 0;
  while (Date.now() < until) {
    const started = performance.now();
    const startedAt = Date.now();
    const result = await trpcMutation<SaveResult>(base, a, "posts.save", {
      id: a.postId,
      baseVersion: a.version,
      title: `A long post by author ${a.slug}`,
      content: document(edit++),
    });
    const ms = performance.now() - started;
    if (result.ok) a.version = result.post.version;
    else {
      conflicts++;
      a.version = result.conflict.version;
    }
    if (startedAt >= measureFrom) timings.push(ms);
    await new Promise((r) => setTimeout(r, Math.max(0, INTERVAL_MS - ms)));
  }
  return conflicts;
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}
const fmt = (v: number) => v.toFixed(1);

async function main(): Promise<void> {
  const started: ManagedProcess[] = [];
  const dbpath = await mkdtemp(path.join(tmpdir(), "conduit-bench-studio-"));
  process.once("exit", () => killNow(started));
  let db: DatabaseService | undefined;
  try {
    const mongo = await startEmbeddedMongo({ port: 0, dbpath, echo: false });
    started.push(mongo.proc);
    const port = await freePort();
    const run = randomBytes(3).toString("hex");
    const prefix = `bench${run}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      MONGODB_URI: mongo.uri,
      MONGODB_DB_PREFIX: prefix,
      REDIS_PREFIX: `conduit-bench-${run}:`,
      ROOT_DOMAIN: `localhost:${port}`,
      NEXTAUTH_URL: `http://localhost:${port}`,
      AUTH_TRUST_HOST: "1",
      AUTH_SECRETS: randomAuthSecrets(),
      LOG_LEVEL: "warn",
      NEXT_TELEMETRY_DISABLED: "1",
    };
    if (!hasProductionBuild(env)) {
      console.log("no production build yet: building (next build)…");
      await nextBuild(env);
    }
    const server = spawnManaged({
      name: "serve",
      command: binary("tsx"),
      // STUDIO_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server under load.
      args: [
        ...(process.env.STUDIO_BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
        "scripts/serve.ts",
        "--port",
        String(port),
      ],
      cwd: repoRoot,
      env,
      echo: false,
    });
    started.push(server);
    await Promise.race([
      waitForPort(port, "127.0.0.1", 180_000),
      server.exited.then((code) => Promise.reject(new Error(`server exited (${code})`))),
    ]);
    const base = `http://127.0.0.1:${port}`;

    const authors: Author[] = [];
    for (let i = 0; i < AUTHORS; i++) authors.push(await setupAuthor(base, i, run));

    // Same-run baseline: an authenticated tenant query with no write, sequential per author.
    const baseline: number[] = [];
    const baselineUntil = Date.now() + 10_000;
    await Promise.all(
      authors.map(async (a) => {
        while (Date.now() < baselineUntil) {
          const t = performance.now();
          await trpcQuery(base, a, "posts.revisions", { id: a.postId });
          baseline.push(performance.now() - t);
          await new Promise((r) => setTimeout(r, 100));
        }
      }),
    );

    const t0 = Date.now();
    const timings: number[] = [];
    const conflicts = await Promise.all(
      authors.map((a) => author(base, a, t0 + WARMUP_MS + MEASURE_MS, t0 + WARMUP_MS, timings)),
    );

    db = new DatabaseService({ uri: mongo.uri, prefix });
    const tenants = await db
      .master()
      .tenants.find({ slug: { $in: authors.map((a) => a.slug) } })
      .toArray();
    const revisionCounts = await Promise.all(
      tenants.map((t) => db!.forTenant(t).revisions.countDocuments({})),
    );
    const maxRevisions = Math.max(...revisionCounts);
    const meanRevisions = revisionCounts.reduce((s, n) => s + n, 0) / revisionCounts.length;

    const sorted = [...timings].sort((a, b) => a - b);
    const sortedBase = [...baseline].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    const docBytes = JSON.stringify({ 0: { json: { content: document(0) } } }).length;
    console.log(
      `\nStudio autosave: ${AUTHORS} authors × one ${WORDS}-word post (${(docBytes / 1024).toFixed(0)} KB per request), every ${INTERVAL_MS} ms, ${MEASURE_MS / 1000} s measured after ${WARMUP_MS / 1000} s warm-up`,
    );
    console.table({
      "posts.save (ms)": {
        n: sorted.length,
        p50: fmt(p50),
        p90: fmt(percentile(sorted, 90)),
        p99: fmt(p99),
        max: fmt(sorted.at(-1) ?? Number.NaN),
      },
      "baseline posts.revisions (ms)": {
        n: sortedBase.length,
        p50: fmt(percentile(sortedBase, 50)),
        p90: fmt(percentile(sortedBase, 90)),
        p99: fmt(percentile(sortedBase, 99)),
        max: fmt(sortedBase.at(-1) ?? Number.NaN),
      },
    });
    console.log(
      `saves per author: ${(sorted.length / AUTHORS).toFixed(0)} · conflicts: ${conflicts.reduce((s, n) => s + n, 0)} · revisions per post: max ${maxRevisions}, mean ${meanRevisions.toFixed(1)}`,
    );
    console.log(`RESULT studio_save_p50_ms ${fmt(p50)} ms target < 10 ${p50 < 10 ? "ok" : "miss"}`);
    console.log(`RESULT studio_save_p99_ms ${fmt(p99)} ms target < 25 ${p99 < 25 ? "ok" : "miss"}`);
    console.log(
      `RESULT studio_revisions_per_post ${maxRevisions} count target <= 2 ${maxRevisions <= 2 ? "ok" : "miss"}`,
    );
    const baseP99 = percentile(sortedBase, 99);
    console.log(
      `RESULT studio_baseline_p99_ms ${fmt(baseP99)} ms target < 25 ${baseP99 < 25 ? "ok" : "miss"}`,
    );
  } finally {
    await db?.close();
    for (const proc of started.reverse()) await stopManaged(proc);
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
