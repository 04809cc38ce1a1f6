/**
 * `npm run bench:mongo`: the embedded MongoDB server under load, measured from this process over
 * loopback while the server runs as its own child process (so its RSS is its own). 100k ~1 KB
 * documents in one collection with two secondary indexes; see issue 3 §4 and
 * /work/shared/BENCHMARKS.md for the figures and the output format. Every phase, the load
 * included, runs in a client process of its own (client.ts).
 * For experiments: BENCH_SERVER_FLAGS / BENCH_CLIENT_FLAGS add node flags to the server / clients.
 */
import { execFile, spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { MongoClient } from "mongodb";
import { type MongoProcess, spawnMongo } from "../test/mongo-process";
import { type Figure, type Latencies, resultLine, round, table } from "./stats";
import { BATCH, type BenchDoc, DB_NAME, DOCS, type Phase, type PhaseResult, WRITERS } from "./workload";

/** Hard stop: the whole run must stay under 3 minutes even on a slow or stuck server. */
const BUDGET_MS = 170_000;
const clientScript = path.join(import.meta.dirname, "client.ts");
/**
 * The load generator is the official driver, which allocates a lot per operation: with V8's default
 * young generation its own scavenges (≈1.5 ms each, several per second) land on ≈0.4 % of the
 * samples and are the largest part of the measured p99 — an artefact of the instrument, not of the
 * server. A 64 MB young generation (what a latency-sensitive Node service would configure) cuts
 * their number by 3–4×. The no-op baseline is measured with the same client flags.
 */
const CLIENT_NODE_FLAGS = ["--min-semi-space-size=64", "--max-semi-space-size=64"];
const clientFlags = [...CLIENT_NODE_FLAGS, ...flagsFrom("BENCH_CLIENT_FLAGS")];

/** Extra node flags for experiments, from a space-separated environment variable. */
function flagsFrom(variable: string): string[] {
  return (process.env[variable] ?? "").split(" ").filter(Boolean);
}

/** Runs one phase in its own client process (see client.ts) while this one waits idle. */
function phaseInClient(uri: string, phase: Phase): Promise<PhaseResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...clientFlags, "--import", "tsx", clientScript, phase, uri],
      { maxBuffer: 1 << 20, timeout: 300_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`bench client ${phase} failed: ${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout.trim().split("\n").pop()!) as PhaseResult);
      },
    );
  });
}

async function latencies(uri: string, phase: Phase): Promise<Latencies> {
  const r = await phaseInClient(uri, phase);
  if (!("latencies" in r)) throw new Error(`phase ${phase} gave no latencies`);
  return r.latencies;
}

async function rate(uri: string, phase: Phase): Promise<number> {
  const r = await phaseInClient(uri, phase);
  if (!("rate" in r)) throw new Error(`phase ${phase} gave no rate`);
  return r.rate;
}

/** The no-op baseline server (floor-server.ts) as a child process. */
async function startFloorServer(): Promise<{ uri: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(import.meta.dirname, "floor-server.ts")],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const uri = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`floor server exited (${code})`)));
    createInterface({ input: child.stdout! }).once("line", (line) => resolve(line.replace(/^ready /, "")));
  });
  return { uri, stop: () => child.kill("SIGTERM") };
}

function serverRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  return kb / 1024;
}

async function main(): Promise<void> {
  const started = performance.now();
  const dbpath = await mkdtemp(path.join(tmpdir(), "conduit-bench-mongo-"));
  let server: MongoProcess | undefined;
  let client: MongoClient | undefined;
  try {
    server = await spawnMongo(dbpath, [], flagsFrom("BENCH_SERVER_FLAGS"));
    const pid = server.pid;
    setTimeout(() => {
      console.error(`bench:mongo: over the ${BUDGET_MS / 1000} s budget, giving up`);
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
      rmSync(dbpath, { recursive: true, force: true });
      process.exit(1);
    }, BUDGET_MS).unref();
    process.stderr.write(`loading ${DOCS} documents in batches of ${BATCH}…\n`);
    const batchRate = await rate(server.uri, "load");
    client = await new MongoClient(server.uri, { maxPoolSize: 1 }).connect();
    const coll = client.db(DB_NAME).collection<BenchDoc>("docs");
    if ((await coll.estimatedDocumentCount()) !== DOCS) throw new Error("load incomplete");
    await client.close();
    const rss = serverRssMb(server.pid);

    process.stderr.write("find against the no-op baseline server (the driver's own floor)…\n");
    const floorServer = await startFloorServer();
    const floor = await latencies(floorServer.uri, "find").finally(() => floorServer.stop());
    process.stderr.write("indexed equality find…\n");
    const indexed = await latencies(server.uri, "find");
    process.stderr.write("range + sort + limit…\n");
    const range = await latencies(server.uri, "range");
    process.stderr.write("unindexed equality find (collection scan)…\n");
    const unindexed = await latencies(server.uri, "unindexed");
    process.stderr.write(`single inserts from ${WRITERS} clients…\n`);
    const singleRate = await rate(server.uri, "insert-single");
    const rssEnd = serverRssMb(server.pid);

    const ratio = unindexed.p50 / indexed.p50;
    const ms = (v: number) => `${round(v)} ms`;
    console.log(
      `\nbench:mongo — ${DOCS} docs × ~1 KB, indexes {key:1} {score:1}, server pid ${server.pid}\n`,
    );
    console.log(
      table([
        ["figure", "p50", "p99", "max", "samples / rate"],
        ["find by indexed key", ms(indexed.p50), ms(indexed.p99), ms(indexed.max), String(indexed.count)],
        [
          "find, no-op server (driver floor)",
          ms(floor.p50),
          ms(floor.p99),
          ms(floor.max),
          String(floor.count),
        ],
        [
          "range + sort + limit 20 (indexed)",
          ms(range.p50),
          ms(range.p99),
          ms(range.max),
          String(range.count),
        ],
        [
          "find by unindexed key (baseline)",
          ms(unindexed.p50),
          ms(unindexed.p99),
          ms(unindexed.max),
          String(unindexed.count),
        ],
        ["unindexed / indexed p50", "", "", "", `${round(ratio)}×`],
        ["insert batched (insertMany 1000)", "", "", "", `${Math.round(batchRate)} docs/s`],
        [`insert single (${WRITERS} clients)`, "", "", "", `${Math.round(singleRate)} ops/s`],
        ["server RSS after load", "", "", "", `${round(rss)} MB`],
        ["server RSS at the end", "", "", "", `${round(rssEnd)} MB`],
      ]),
    );
    const load = loadavg()
      .map((l) => l.toFixed(2))
      .join(" ");
    console.log(`\ntotal ${round((performance.now() - started) / 1000)} s, machine load average ${load}\n`);

    const figures: Figure[] = [
      { name: "mongo_find_indexed_p99_ms", value: indexed.p99, unit: "ms", op: "<", target: 1 },
      { name: "mongo_range_sort_p99_ms", value: range.p99, unit: "ms", op: "<", target: 5 },
      { name: "mongo_insert_single_per_s", value: singleRate, unit: "ops/s", op: ">=", target: 3000 },
      { name: "mongo_insert_batch_per_s", value: batchRate, unit: "docs/s", op: ">=", target: 20000 },
      { name: "mongo_rss_mb", value: rss, unit: "MB", op: "<", target: 300 },
      { name: "mongo_find_unindexed_ratio", value: ratio, unit: "x", op: ">=", target: 10 },
      { name: "mongo_find_floor_p99_ms", value: floor.p99, unit: "ms", op: "<", target: 1 },
      // What the server adds to the driver's own cost, measured minutes apart on the same machine.
      {
        name: "mongo_find_p99_vs_floor_ratio",
        value: indexed.p99 / floor.p99,
        unit: "x",
        op: "<",
        target: 2,
      },
    ];
    for (const f of figures) console.log(resultLine(f));
  } finally {
    await client?.close().catch(() => {});
    if (server) {
      const exit = await server.stop("SIGTERM");
      if (exit.code !== 0) process.stderr.write(`server exit: ${JSON.stringify(exit)}\n${server.stderr()}\n`);
    }
    await rm(dbpath, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
