/**
 * Durability of the embedded server (it needs a server it can stop and kill, so it always runs
 * the embedded one): data survives a restart and `kill -9` during a write storm — every
 * acknowledged write, whatever its refresh policy — and a killed server's lock is taken over,
 * also while the dead process is still an unreaped zombie.
 */
import fs from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@elastic/elasticsearch";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type RunningSearch, startSearch } from "../index";
import { type SearchProcess, spawnSearch } from "./search-process";
import { embedded } from "./support";

const dirs: string[] = [];
/** Each round starts a server process; on a loaded two-core machine one start can take seconds. */
const PROCESS_TESTS = { timeout: 240_000 };
const servers: RunningSearch[] = [];
const processes: SearchProcess[] = [];
const clients: Client[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const s of servers.splice(0)) await s.stop();
  for (const p of processes.splice(0)) await p.stop("SIGKILL");
});
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), "conduit-search-persist-"));
  dirs.push(d);
  return d;
}

function client(url: string): Client {
  const c = new Client({ node: url, maxRetries: 0, requestTimeout: 10_000 });
  clients.push(c);
  return c;
}

const MAPPINGS = {
  properties: {
    title: { type: "text" as const },
    tenant: { type: "keyword" as const },
    n: { type: "integer" as const },
    vec: { type: "dense_vector" as const, dims: 3, similarity: "cosine" as const },
  },
};

describe.runIf(embedded)("persistence", () => {
  it("keeps indices, mappings, settings, documents and versions across a restart", async () => {
    const dir = await tempDir();
    let server = await startSearch({ dir, quiet: true });
    let es = client(server.url);
    await es.indices.create({ index: "posts", settings: { refresh_interval: "5s" }, mappings: MAPPINGS });
    await es.index({
      index: "posts",
      id: "1",
      document: { title: "first post", tenant: "a", n: 1, vec: [1, 0, 0] },
      refresh: "wait_for",
    });
    await es.index({
      index: "posts",
      id: "2",
      document: { title: "second post", tenant: "b", n: 2, vec: [0, 1, 0] },
    });
    await es.index({
      index: "posts",
      id: "1",
      document: { title: "first post edited", tenant: "a", n: 3, vec: [1, 1, 0] },
    });
    await es.index({
      index: "posts",
      id: "3",
      document: { title: "third", tenant: "a", n: 4, vec: [0, 0, 1] },
    });
    await es.delete({ index: "posts", id: "3" });
    await es.indices.refresh({ index: "posts" });
    await es.indices.putMapping({ index: "posts", properties: { summary: { type: "text" } } });
    await es.index({ index: "auto", id: "x", document: { dynamic: "field", count: 1 } });
    await server.stop();
    servers.length = 0;

    server = await startSearch({ dir, quiet: true });
    servers.push(server);
    es = client(server.url);
    expect((await es.indices.getSettings({ index: "posts" })).posts!.settings!.index!.refresh_interval).toBe(
      "5s",
    );
    expect(
      Object.keys((await es.indices.getMapping({ index: "posts" })).posts!.mappings.properties!).sort(),
    ).toEqual(["n", "summary", "tenant", "title", "vec"]);
    expect((await es.indices.getMapping({ index: "auto" })).auto!.mappings.properties!.count).toEqual({
      type: "long",
    });
    const one = await es.get({ index: "posts", id: "1" });
    expect(one).toMatchObject({ _version: 2, _source: { title: "first post edited", n: 3 } });
    expect(await es.exists({ index: "posts", id: "3" })).toBe(false);
    // Searchable at once after a restart, with the latest versions only.
    expect((await es.count({ index: "posts" })).count).toBe(2);
    const hits = await es.search({ index: "posts", query: { match: { title: "edited" } } });
    expect(hits.hits.hits.map((h) => h._id)).toEqual(["1"]);
    const knn = await es.search({
      index: "posts",
      knn: { field: "vec", query_vector: [0, 1, 0], k: 1, num_candidates: 5 },
    });
    expect(knn.hits.hits.map((h) => h._id)).toEqual(["2"]);
    expect((await es.index({ index: "posts", id: "1", document: { title: "again" } }))._version).toBe(3);
    expect((await es.get({ index: "auto", id: "x" }))._source).toEqual({ dynamic: "field", count: 1 });
    // A deleted index stays deleted.
    await es.indices.delete({ index: "auto" });
    await server.stop();
    servers.length = 0;
    server = await startSearch({ dir, quiet: true });
    servers.push(server);
    expect(await client(server.url).indices.exists({ index: "auto" })).toBe(false);
  });

  it(
    "loses no acknowledged write when killed with -9 during a write storm (3 rounds)",
    PROCESS_TESTS,
    async () => {
      const dir = await tempDir();
      const acked = new Map<string, number>(); // id → n of the last acknowledged write
      /** The write each writer had in flight when the server died: it may or may not have landed. */
      const inflight = new Map<string, "delete" | "index">();
      let proc = await spawnSearch(dir);
      processes.push(proc);
      await client(proc.url).indices.create({ index: "storm", mappings: MAPPINGS });
      for (let round = 0; round < 3; round++) {
        const es = client(proc.url);
        let stop = false;
        const policies = [undefined, "wait_for", true, false] as const;
        const writer = async (w: number) => {
          let i = 0;
          while (!stop) {
            const id = `w${w}-${i % 25}`;
            const n = round * 100_000 + i;
            inflight.set(id, i % 11 === 10 ? "delete" : "index");
            try {
              if (i % 11 === 10) {
                await es.delete({ index: "storm", id }, { ignore: [404] });
                acked.delete(id);
              } else if (i % 7 === 6) {
                await es.bulk({
                  refresh: policies[i % 4],
                  operations: [
                    { index: { _index: "storm", _id: id } },
                    { title: `bulk ${n}`, tenant: `t${w}`, n, vec: [1, w, i] },
                  ],
                });
                acked.set(id, n);
              } else {
                await es.index({
                  index: "storm",
                  id,
                  document: { title: `doc ${n}`, tenant: `t${w}`, n, vec: [1, w, i] },
                  refresh: policies[i % 4],
                });
                acked.set(id, n);
              }
            } catch {
              return; // the server died under this request: its write was not acknowledged
            }
            inflight.delete(id);
            i++;
          }
        };
        inflight.clear();
        const storm = Promise.all(Array.from({ length: 6 }, (_, w) => writer(w)));
        await new Promise((r) => setTimeout(r, 300 + Math.random() * 400));
        proc.child.kill("SIGKILL");
        stop = true;
        await storm;
        await proc.exited;
        proc = await spawnSearch(dir);
        processes.push(proc);
        const check = client(proc.url);
        const wanted = [...acked].filter(([id]) => inflight.get(id) !== "delete");
        const { docs } = await check.mget<{ n: number }>({ index: "storm", ids: wanted.map(([id]) => id) });
        wanted.forEach(([id, n], k) => {
          const got = docs[k]!;
          expect("found" in got && got.found, `acknowledged ${id} lost after round ${round}`).toBe(true);
          // The write in flight when the server died may have landed after the last acknowledged one.
          if ("found" in got && got.found) expect(got._source!.n).toBeGreaterThanOrEqual(n);
        });
        const total = (await check.count({ index: "storm" })).count;
        expect(total).toBeGreaterThanOrEqual(acked.size);
      }
      expect(acked.size).toBeGreaterThan(0);
    },
  );

  it(
    "takes over the lock of a killed server even while it is an unreaped zombie",
    PROCESS_TESTS,
    async () => {
      const dir = await tempDir();
      const proc = await spawnSearch(dir);
      processes.push(proc);
      await client(proc.url).index({ index: "z", id: "1", document: { title: "kept" }, refresh: true });
      // A second server on a live server's directory is refused.
      await expect(startSearch({ dir, quiet: true })).rejects.toThrow(/in use/);
      proc.child.kill("SIGKILL");
      // Without yielding to the event loop, Node cannot reap the child: it stays a zombie.
      const stat = () => fs.readFileSync(`/proc/${proc.pid}/stat`, "utf8");
      // The kill lands in microseconds; the loop cannot yield (that would let Node reap the child).
      while (!/\) Z /.test(stat())) {}
      expect(stat()).toMatch(/\) Z /);
      expect(() => process.kill(proc.pid, 0)).not.toThrow(); // a zombie still "exists" for kill -0
      const next = startSearch({ dir, quiet: true }); // takes the lock synchronously, zombie still there
      const server = await next;
      servers.push(server);
      expect((await client(server.url).get({ index: "z", id: "1" }))._source).toEqual({ title: "kept" });
    },
  );

  it("cuts off a torn record at the end of a log", async () => {
    const dir = await tempDir();
    let server = await startSearch({ dir, quiet: true });
    await client(server.url).index({ index: "torn", id: "1", document: { title: "whole" } });
    await server.stop();
    const indexDir = path.join(dir, "indices", fs.readdirSync(path.join(dir, "indices"))[0]!);
    const log = path.join(indexDir, fs.readdirSync(indexDir).find((f) => f.endsWith(".log"))!);
    const sizeBefore = fs.statSync(log).size;
    fs.appendFileSync(log, Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 1, 2])); // a record header promising 200 bytes
    server = await startSearch({ dir, quiet: true });
    servers.push(server);
    const es = client(server.url);
    expect((await es.get({ index: "torn", id: "1" }))._source).toEqual({ title: "whole" });
    expect(fs.statSync(log).size).toBe(sizeBefore);
    await es.index({ index: "torn", id: "2", document: { title: "after" } });
    expect((await es.get({ index: "torn", id: "2" }))._source).toEqual({ title: "after" });
  });
});
