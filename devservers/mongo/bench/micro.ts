/**
 * In-process micro-benchmark of the server's request path (not part of `npm run bench:mongo`):
 * frame → parse → dispatch → plan → match → encode for an indexed find, without sockets, so the
 * server's own CPU time and heap allocation per request can be compared between changes.
 * Run: node --max-semi-space-size=128 --expose-gc --import tsx devservers/mongo/bench/micro.ts
 */
import { mkdtemp, rm } from "node:fs/promises";
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
  for (const [kind, make] of Object.entries(kinds)) {
    const msgs = Array.from({ length: 20_000 }, make);
    const framer = new MessageFramer();
    const run = (from: number, to: number) => {
      for (let i = from; i < to; i++) for (const m of framer.push(msgs[i]!)) handle(m, 1);
    };
    run(0, 10_000); // warm-up (JIT)
    (globalThis as { gc?: () => void }).gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    run(10_000, 20_000);
    const us = ((performance.now() - t0) / 10_000) * 1000;
    const kb = (process.memoryUsage().heapUsed - heap0) / 10_000 / 1024;
    console.log(
      `${kind}: ${us.toFixed(1)} µs/request, ~${kb.toFixed(1)} KB heap/request (incl. the prebuilt request)`,
    );
  }
  await engine.close();
  await rm(dbpath, { recursive: true, force: true });
}

void main();
