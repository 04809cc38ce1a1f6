/**
 * `npm run bench:mongo`: the embedded MongoDB server under load, measured from this process over
 * loopback while the server runs as its own child process (so its RSS is its own). 100k ~1 KB
 * documents in one collection with two secondary indexes; see issue 3 §4 and
 * /work/shared/BENCHMARKS.md for the figures and the output format.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { type Collection, MongoClient } from "mongodb";
import { type MongoProcess, spawnMongo } from "../test/mongo-process";
import { type Figure, type Latencies, resultLine, round, summarize, table } from "./stats";

const DOCS = 100_000;
const BATCH = 1_000;
const WRITERS = 16;
const WARMUP_MS = 2_000;
const MEASURE_MS = 10_000;
/** Hard stop: the whole run must stay under 3 minutes even on a slow or stuck server. */
const BUDGET_MS = 170_000;

interface BenchDoc {
  _id: number;
  /** Secondary index 1: equality lookups. */
  key: string;
  /** Secondary index 2: range + sort. */
  score: number;
  /** Same values as `key`, no index: the collection-scan baseline. */
  plainKey: string;
  tenant: string;
  createdAt: Date;
  body: string;
}

const bodies = Array.from({ length: 64 }, () => randomBytes(450).toString("hex").slice(0, 880));

function makeDoc(i: number): BenchDoc {
  const key = `k${i.toString(36).padStart(6, "0")}`;
  return {
    _id: i,
    key,
    score: (i * 7919) % DOCS,
    plainKey: key,
    tenant: `t${i % 50}`,
    createdAt: new Date(1_700_000_000_000 + i * 1000),
    body: bodies[i % bodies.length]!,
  };
}

const randomKey = () => makeDoc(Math.floor(Math.random() * DOCS)).key;

/** Runs `op` back to back: warm-up first, then samples each call for at least `ms`. */
async function sampleLatency(
  op: () => Promise<unknown>,
  ms = MEASURE_MS,
  maxSamples = 200_000,
): Promise<Latencies> {
  const warmEnd = performance.now() + WARMUP_MS;
  while (performance.now() < warmEnd) await op();
  const samples: number[] = [];
  const end = performance.now() + ms;
  while (performance.now() < end && samples.length < maxSamples) {
    const t0 = performance.now();
    await op();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

function serverRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  return kb / 1024;
}

async function loadBatched(coll: Collection<BenchDoc>): Promise<number> {
  const t0 = performance.now();
  for (let start = 0; start < DOCS; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, DOCS - start) }, (_, j) => makeDoc(start + j));
    await coll.insertMany(batch, { ordered: true });
  }
  return DOCS / ((performance.now() - t0) / 1000);
}

/** WRITERS clients, each inserting one document at a time; returns acknowledged inserts per second. */
async function insertSingles(uri: string, dbName: string): Promise<number> {
  const clients = await Promise.all(
    Array.from({ length: WRITERS }, () => new MongoClient(uri, { maxPoolSize: 1 }).connect()),
  );
  try {
    let next = DOCS;
    let counted = 0;
    let counting = false;
    let stop = false;
    const workers = clients.map(async (client) => {
      const coll = client.db(dbName).collection<BenchDoc>("docs");
      while (!stop) {
        await coll.insertOne(makeDoc(next++));
        if (counting) counted++;
      }
    });
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    counting = true;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, MEASURE_MS));
    counting = false;
    const rate = counted / ((performance.now() - t0) / 1000);
    stop = true;
    await Promise.all(workers);
    return rate;
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const dbpath = await mkdtemp(path.join(tmpdir(), "conduit-bench-mongo-"));
  let server: MongoProcess | undefined;
  let client: MongoClient | undefined;
  try {
    server = await spawnMongo(dbpath);
    const pid = server.pid;
    setTimeout(() => {
      console.error(`bench:mongo: over the ${BUDGET_MS / 1000} s budget, giving up`);
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
      rmSync(dbpath, { recursive: true, force: true });
      process.exit(1);
    }, BUDGET_MS).unref();
    client = await new MongoClient(server.uri, { maxPoolSize: 4 }).connect();
    const dbName = "bench";
    const coll = client.db(dbName).collection<BenchDoc>("docs");
    await coll.createIndex({ key: 1 });
    await coll.createIndex({ score: 1 });

    process.stderr.write(`loading ${DOCS} documents in batches of ${BATCH}…\n`);
    const batchRate = await loadBatched(coll);
    if ((await coll.estimatedDocumentCount()) !== DOCS) throw new Error("load incomplete");
    const rss = serverRssMb(server.pid);

    process.stderr.write("indexed equality find…\n");
    const indexed = await sampleLatency(() => coll.findOne({ key: randomKey() }));
    process.stderr.write("range + sort + limit…\n");
    const range = await sampleLatency(() => {
      const from = Math.floor(Math.random() * (DOCS - 100));
      return coll
        .find({ score: { $gte: from, $lt: from + 100 } })
        .sort({ score: -1 })
        .limit(20)
        .toArray();
    });
    process.stderr.write("unindexed equality find (collection scan)…\n");
    const unindexed = await sampleLatency(() => coll.findOne({ plainKey: randomKey() }), MEASURE_MS, 2_000);
    process.stderr.write(`single inserts from ${WRITERS} clients…\n`);
    const singleRate = await insertSingles(server.uri, dbName);
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
