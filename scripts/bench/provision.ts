/**
 * `npm run bench:provision`: 200 blog provisionings through `TenantsService.create` (the same
 * path as `POST /api/tenants` minus HTTP), sequential after a warm-up of 10, against an embedded
 * Mongo started here (own port, own temp data directory) and stopped at the end.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import pino from "pino";
import { MONGO_NODE_FLAGS } from "../../devservers/mongo/node-flags";
import { DatabaseService } from "../../server/db";
import { parseEnv } from "../../server/env";
import { callerFrom } from "../../server/http/caller";
import { createServices } from "../../server/services/container";

const WARMUP = 10;
const RUNS = 200;
const root = path.resolve(import.meta.dirname, "../..");

async function startMongo(dbpath: string): Promise<{ uri: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      ...MONGO_NODE_FLAGS,
      "--import",
      "tsx",
      path.join(root, "devservers/mongo/cli.ts"),
      "--port",
      "0",
      "--dbpath",
      dbpath,
      "--quiet",
    ],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"], detached: true },
  );
  const lines = createInterface({ input: child.stdout! });
  const uri = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error("embedded Mongo did not print `ready <url>` in 60 s")),
      60_000,
    );
    child.once("exit", (code) => reject(new Error(`embedded Mongo exited early (code ${code})`)));
    lines.on("line", (line) => {
      const match = /^ready (\S+)/.exec(line.trim());
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  return { uri, child };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((r) => child.once("exit", r));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

const fmt = (v: number) => v.toFixed(1);

async function main(): Promise<void> {
  const dbpath = await mkdtemp(path.join(tmpdir(), "conduit-bench-provision-"));
  let child: ChildProcess | undefined;
  let db: DatabaseService | undefined;
  try {
    const mongo = await startMongo(dbpath);
    child = mongo.child;
    const prefix = "bench";
    const env = parseEnv({
      MONGODB_URI: mongo.uri,
      MONGODB_DB_PREFIX: prefix,
      ROOT_DOMAIN: "localhost:3000",
    });
    db = new DatabaseService({ uri: mongo.uri, prefix });
    const log = pino({ level: "silent", customLevels: { master: 35 } });
    const services = createServices({ db, log, env });
    await db.ensureMasterIndexes();
    const user = await services.users.signUp({
      email: "bench@example.test",
      username: "bench",
      password: "benchmark password",
    });
    const caller = callerFrom(
      { user: services.users.toSessionUser(user) },
      { ip: "127.0.0.1", requestId: null },
    );

    const timings: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const started = performance.now();
      await services.tenants.create({ name: `Bench ${i}`, slug: `bench-${i}`, theme: "classic" }, caller);
      if (i >= WARMUP) timings.push(performance.now() - started);
    }
    const sorted = [...timings].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    const mean = timings.reduce((a, b) => a + b, 0) / timings.length;

    console.log(`\nTenant provisioning (${RUNS} sequential creates after ${WARMUP} warm-up, embedded Mongo)`);
    console.table({
      "ms per create": {
        min: fmt(sorted[0] ?? Number.NaN),
        p50: fmt(p50),
        p90: fmt(percentile(sorted, 90)),
        p99: fmt(p99),
        max: fmt(sorted.at(-1) ?? Number.NaN),
        mean: fmt(mean),
      },
    });
    console.log(`RESULT provision_p50_ms ${fmt(p50)} ms target < 100 ${p50 < 100 ? "ok" : "miss"}`);
    console.log(`RESULT provision_p99_ms ${fmt(p99)} ms target < 300 ${p99 < 300 ? "ok" : "miss"}`);
  } finally {
    await db?.close();
    if (child) await stop(child);
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
