/**
 * Profiling harness (not part of `npm run bench:mongo`): loads the benchmark collection into a
 * server child, then drives one phase and reports latency plus the client's own GC pauses.
 *   SERVER_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/p --trace-gc"  node flags for the server
 *   SERVER_NODE_OPTIONS="--import ./gc-log.mjs"  NODE_OPTIONS for the server only
 *   SERVER_STDOUT=1   pass the server's stdout (e.g. --trace-gc) through to stderr
 *   PHASE=find|range|insert   MS=10000   SLOW_LOG=file (epoch ms of samples over 1 ms)
 *   CLIENT_RUNS=" ,--max-semi-space-size=32"  instead: run client.ts once per flag set
 * Run: npx tsx devservers/mongo/bench/profile.ts
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PerformanceObserver, performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { MongoClient } from "mongodb";
import { MONGO_NODE_FLAGS } from "../node-flags";
import { summarize } from "./stats";
import { type BenchDoc, DOCS, makeDoc } from "./workload";

const root = path.resolve(import.meta.dirname, "../../..");

async function main() {
  const dbpath = await mkdtemp(path.join(tmpdir(), "mprof-"));
  const flags = (process.env.SERVER_FLAGS ?? "").split(" ").filter(Boolean);
  const child = spawn(
    process.execPath,
    [
      ...MONGO_NODE_FLAGS,
      ...flags,
      "--import",
      "tsx",
      "devservers/mongo/cli.ts",
      "--port",
      "0",
      "--dbpath",
      dbpath,
      "--quiet",
    ],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, NODE_OPTIONS: process.env.SERVER_NODE_OPTIONS ?? "" },
    },
  );
  const uri = await new Promise<string>((r) =>
    createInterface({ input: child.stdout! }).on("line", (l) => {
      if (l.startsWith("ready ")) r(l.split(" ")[1]!);
      else if (process.env.SERVER_STDOUT) process.stderr.write(`${l}\n`);
    }),
  );
  const client = await new MongoClient(uri, { maxPoolSize: 4 }).connect();
  const coll = client.db("bench").collection<BenchDoc>("docs");
  await coll.createIndex({ key: 1 });
  await coll.createIndex({ score: 1 });
  const t0 = performance.now();
  for (let s = 0; s < DOCS; s += 1000)
    await coll.insertMany(Array.from({ length: 1000 }, (_, j) => makeDoc(s + j)));
  console.log(`load ${(DOCS / ((performance.now() - t0) / 1000)).toFixed(0)} docs/s`);
  const gcs: { start: number; dur: number; kind: number }[] = [];
  new PerformanceObserver((l) => {
    for (const e of l.getEntries())
      gcs.push({
        start: e.startTime,
        dur: e.duration,
        kind: (e as unknown as { detail: { kind: number } }).detail.kind,
      });
  }).observe({ entryTypes: ["gc"] });
  const phase = process.env.PHASE ?? "find";
  if (process.env.CLIENT_RUNS) {
    const { execFileSync } = await import("node:child_process");
    for (const flags of process.env.CLIENT_RUNS.split(",")) {
      const out = execFileSync(process.execPath, [
        ...flags.split(" ").filter(Boolean),
        "--import",
        "tsx",
        path.join(import.meta.dirname, "client.ts"),
        phase,
        uri,
      ]);
      console.log(`client [${flags}] ${out.toString().trim()}`);
    }
    await client.close();
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    await rm(dbpath, { recursive: true, force: true });
    return;
  }
  if (phase === "insert") {
    const clients = await Promise.all(
      Array.from({ length: 16 }, () => new MongoClient(uri, { maxPoolSize: 1 }).connect()),
    );
    let next = DOCS;
    let n = 0;
    let stop = false;
    const workers = clients.map(async (c) => {
      const cl = c.db("bench").collection<BenchDoc>("docs");
      while (!stop) {
        await cl.insertOne(makeDoc(next++));
        n++;
      }
    });
    await new Promise((r) => setTimeout(r, 2000));
    n = 0;
    const t = performance.now();
    await new Promise((r) => setTimeout(r, Number(process.env.MS ?? 10000)));
    console.log(`insert single: ${(n / ((performance.now() - t) / 1000)).toFixed(0)}/s`);
    stop = true;
    await Promise.all(workers);
    await Promise.all(clients.map((c) => c.close()));
    await client.close();
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    await rm(dbpath, { recursive: true, force: true });
    return;
  }
  const op =
    phase === "range"
      ? () => {
          const from = Math.floor(Math.random() * (DOCS - 100));
          return coll
            .find({ score: { $gte: from, $lt: from + 100 } })
            .sort({ score: -1 })
            .limit(20)
            .toArray();
        }
      : () => coll.findOne({ key: makeDoc(Math.floor(Math.random() * DOCS)).key });
  const warm = performance.now() + 2000;
  gcs.length = 0;
  while (performance.now() < warm) await op();
  gcs.length = 0;
  const samples: number[] = [];
  const slow: number[] = [];
  const end = performance.now() + Number(process.env.MS ?? 10000);
  while (performance.now() < end) {
    const a = performance.now();
    await op();
    const d = performance.now() - a;
    samples.push(d);
    if (d > 1) slow.push(a);
  }
  const s = summarize(samples);
  const clientGcOverlap = slow.filter((a) =>
    gcs.some((g) => g.start + g.dur >= a && g.start <= a + 2),
  ).length;
  if (process.env.SLOW_LOG) {
    const { writeFileSync } = await import("node:fs");
    writeFileSync(process.env.SLOW_LOG, slow.map((a) => (performance.timeOrigin + a).toFixed(3)).join("\n"));
  }
  console.log(
    `${phase}: n=${s.count} p50=${s.p50.toFixed(3)} p99=${s.p99.toFixed(3)} max=${s.max.toFixed(1)} slow(>1ms)=${slow.length} of which client-GC-overlap=${clientGcOverlap} clientGCs=${gcs.length} clientGCms=${gcs.reduce((n, g) => n + g.dur, 0).toFixed(0)}`,
  );
  const kinds = new Map<number, number[]>();
  for (const g of gcs) kinds.set(g.kind, [...(kinds.get(g.kind) ?? []), g.dur]);
  for (const [k, d] of kinds)
    console.log(
      `client gc kind ${k}: n=${d.length} total=${d.reduce((a, b) => a + b, 0).toFixed(1)}ms max=${Math.max(...d).toFixed(2)}`,
    );
  await client.close();
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  await rm(dbpath, { recursive: true, force: true });
}
main();
