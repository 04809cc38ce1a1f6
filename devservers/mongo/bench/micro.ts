/**
 * In-process micro-benchmark of the server's request path (not part of `npm run bench:mongo`):
 * frame → parse → dispatch → plan → match → encode for an indexed find, without sockets, so the
 * server's own CPU time and heap allocation per request can be compared between changes.
 * Run: node --import tsx devservers/mongo/bench/micro.ts   (MICRO_SITES=1: the top allocation sites)
 */
import { mkdtemp, rm } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { serialize } from "bson";
import { WireServer } from "../src/server";
import { StorageEngine } from "../src/storage/engine";
import { IndexStore } from "../src/storage/index-store";
import { frame, MessageFramer } from "../src/wire/framing";
import { OP_MSG } from "../src/wire/opcodes";
import { DOCS, makeDoc } from "./workload";

interface SampleNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SampleNode[];
}

async function main(): Promise<void> {
  const dbpath = await mkdtemp(path.join(tmpdir(), "mongo-micro-"));
  const engine = StorageEngine.open(dbpath);
  const coll = engine.catalog.ensureCollection("bench", "docs");
  coll.sink = undefined;
  for (const key of ["key", "score"])
    coll.indexes.push(new IndexStore({ v: 2, key: { [key]: 1 }, name: `${key}_1` }));
  for (let i = 0; i < DOCS; i++) coll.insert(makeDoc(i) as never, Buffer.from(serialize(makeDoc(i))));

  const server = new WireServer({ engine });
  const handle = (server as unknown as { handle(m: unknown, c: number): unknown }).handle.bind(server);
  const request = (filter: object, extra: object = {}) =>
    frame(1, 0, OP_MSG, [
      Buffer.alloc(5),
      Buffer.from(serialize({ find: "docs", filter, ...extra, $db: "bench" })),
    ]);
  const kinds: Record<string, () => Buffer> = {
    find: () =>
      request(
        { key: makeDoc(Math.floor(Math.random() * DOCS)).key },
        { limit: 1, singleBatch: true, batchSize: 1 },
      ),
    range: () => {
      const from = Math.floor(Math.random() * (DOCS - 100));
      return request({ score: { $gte: from, $lt: from + 100 } }, { sort: { score: -1 }, limit: 20 });
    },
  };
  const session = new Session();
  session.connect();
  for (const [kind, make] of Object.entries(kinds)) {
    const msgs = Array.from({ length: 20_000 }, make);
    const framer = new MessageFramer();
    const run = (from: number, to: number) => {
      for (let i = from; i < to; i++) for (const m of framer.push(msgs[i]!)) handle(m, 1);
    };
    run(0, 10_000); // warm-up (JIT)
    const t0 = performance.now();
    run(10_000, 20_000);
    const us = ((performance.now() - t0) / 10_000) * 1000;
    // Sampled, garbage included: heapUsed differences miss whatever a scavenge freed mid-run.
    await session.post("HeapProfiler.startSampling", {
      samplingInterval: 256,
      includeObjectsCollectedByMinorGC: true,
      includeObjectsCollectedByMajorGC: true,
    } as never);
    run(0, 10_000);
    const { profile } = (await session.post("HeapProfiler.stopSampling")) as {
      profile: { head: SampleNode };
    };
    const sites = new Map<string, number>();
    const walk = (n: SampleNode) => {
      const f = n.callFrame;
      const site = `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`;
      if (n.selfSize) sites.set(site, (sites.get(site) ?? 0) + n.selfSize);
      for (const c of n.children) walk(c);
    };
    walk(profile.head);
    const total = [...sites.values()].reduce((a, b) => a + b, 0);
    console.log(
      `${kind}: ${us.toFixed(1)} µs/request, ~${(total / 10_000 / 1024).toFixed(1)} KB allocated/request`,
    );
    if (process.env.MICRO_SITES) {
      for (const [site, bytes] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
        console.log(`  ${String(Math.round(bytes / 10_000)).padStart(6)} B  ${site}`);
      }
    }
  }
  await engine.close();
  await rm(dbpath, { recursive: true, force: true });
}

void main();
