/** The benchmark's documents and how each measured phase drives the server, shared by its processes. */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { type Collection, MongoClient } from "mongodb";
import { type Latencies, summarize } from "./stats";

export const DOCS = 100_000;
export const BATCH = 1_000;
export const WRITERS = 16;
export const WARMUP_MS = 2_000;
export const MEASURE_MS = 10_000;
export const DB_NAME = "bench";

export interface BenchDoc {
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

export function makeDoc(i: number): BenchDoc {
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
export async function sampleLatency(
  op: () => Promise<unknown>,
  ms = MEASURE_MS,
  maxSamples = 200_000,
): Promise<Latencies> {
  const warmEnd = performance.now() + WARMUP_MS;
  while (performance.now() < warmEnd) await op();
  // Preallocated: growing the array would copy it (and trigger GC) mid-measurement.
  const samples = new Float64Array(maxSamples);
  let n = 0;
  const end = performance.now() + ms;
  while (n < maxSamples && performance.now() < end) {
    const t0 = performance.now();
    await op();
    samples[n++] = performance.now() - t0;
  }
  return summarize(Array.from(samples.subarray(0, n)));
}

export async function loadBatched(coll: Collection<BenchDoc>): Promise<number> {
  const t0 = performance.now();
  for (let start = 0; start < DOCS; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, DOCS - start) }, (_, j) => makeDoc(start + j));
    await coll.insertMany(batch, { ordered: true });
  }
  return DOCS / ((performance.now() - t0) / 1000);
}

/** WRITERS clients, each inserting one document at a time; returns acknowledged inserts per second. */
export async function insertSingles(uri: string, firstId: number): Promise<number> {
  const clients = await Promise.all(
    Array.from({ length: WRITERS }, () => new MongoClient(uri, { maxPoolSize: 1 }).connect()),
  );
  try {
    let next = firstId;
    let counted = 0;
    let counting = false;
    let stop = false;
    const workers = clients.map(async (client) => {
      const coll = client.db(DB_NAME).collection<BenchDoc>("docs");
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

export type Phase = "load" | "find" | "range" | "unindexed" | "insert-single";

export type PhaseResult = { latencies: Latencies } | { rate: number };

/** One measured phase against an already loaded collection. */
export async function runPhase(uri: string, phase: Phase): Promise<PhaseResult> {
  if (phase === "insert-single") return { rate: await insertSingles(uri, DOCS) };
  const client = await new MongoClient(uri, { maxPoolSize: 4 }).connect();
  try {
    const coll = client.db(DB_NAME).collection<BenchDoc>("docs");
    if (phase === "load") {
      await coll.createIndex({ key: 1 });
      await coll.createIndex({ score: 1 });
      return { rate: await loadBatched(coll) };
    }
    if (phase === "find") return { latencies: await sampleLatency(() => coll.findOne({ key: randomKey() })) };
    if (phase === "unindexed") {
      return {
        latencies: await sampleLatency(() => coll.findOne({ plainKey: randomKey() }), MEASURE_MS, 2_000),
      };
    }
    return {
      latencies: await sampleLatency(() => {
        const from = Math.floor(Math.random() * (DOCS - 100));
        return coll
          .find({ score: { $gte: from, $lt: from + 100 } })
          .sort({ score: -1 })
          .limit(20)
          .toArray();
      }),
    };
  } finally {
    await client.close();
  }
}
