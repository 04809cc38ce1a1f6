/**
 * Durability of the embedded server as a separate process: every acknowledged write survives
 * `kill -9` at a random moment of a write storm, and a clean SIGTERM keeps everything. Needs a
 * server process it can kill, so it always runs the embedded CLI (MONGODB_TEST_URI is ignored).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { MongoBulkWriteError, MongoClient, MongoError, MongoServerError } from "mongodb";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startMongo } from "../index";
import { type MongoProcess, spawnMongo } from "./mongo-process";
import type { AnyDoc } from "./support";

type Doc = { _id: string; u: string; v: number; n: number; pad: string };
/** What a key holds: a document, or null when it is absent. */
type State = Doc | null;

interface Tracked {
  confirmed: State;
  /** Set while a write is in flight: its outcome if it was applied. */
  pending?: State;
}

const running: MongoProcess[] = [];
const dirs: string[] = [];
const clients: MongoClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close(true).catch(() => {});
  for (const p of running.splice(0)) await p.stop("SIGKILL");
});

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), "conduit-mongo-durability-"));
  dirs.push(d);
  return d;
}

async function start(dbpath: string): Promise<MongoProcess> {
  const p = await spawnMongo(dbpath);
  running.push(p);
  return p;
}

async function connect(uri: string): Promise<MongoClient> {
  const c = new MongoClient(uri, {
    serverSelectionTimeoutMS: 3_000,
    connectTimeoutMS: 3_000,
    retryWrites: false,
    retryReads: false,
    maxPoolSize: 2,
  });
  clients.push(c);
  return c.connect();
}

const rand = (n: number) => Math.floor(Math.random() * n);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A network-level failure (the server was killed), as opposed to an answer from the server. */
function serverGone(error: unknown): boolean {
  if (error instanceof MongoBulkWriteError) return [error.writeErrors].flat().length === 0;
  return error instanceof MongoError && !(error instanceof MongoServerError);
}

/** Key-order-insensitive form of a state, for comparison. */
function canon(s: State): string {
  return s === null
    ? "null"
    : JSON.stringify(Object.fromEntries(Object.entries(s).sort(([a], [b]) => a.localeCompare(b))));
}

/** One writer owns its keys, so it always knows what each key must hold after each write. */
async function writer(
  client: MongoClient,
  w: number,
  round: number,
  keys: Map<string, Tracked>,
  acks: { n: number },
): Promise<void> {
  const c = client.db("storm").collection<Doc>("docs");
  const mine = () => [...keys.entries()].filter(([k, t]) => k.startsWith(`w${w}-`) && t.confirmed !== null);
  let seq = 0;
  const doc = (key: string, n: number): Doc => ({
    _id: key,
    u: key,
    v: rand(1_000_000),
    n,
    pad: "p".repeat(rand(400)),
  });
  for (;;) {
    const live = mine();
    const roll = rand(10);
    try {
      if (live.length < 5 || roll < 3) {
        const key = `w${w}-r${round}-${seq++}`;
        const next = doc(key, 0);
        keys.set(key, { confirmed: null, pending: next });
        await c.insertOne(next);
        keys.set(key, { confirmed: next });
      } else if (roll < 4) {
        const batch = Array.from({ length: 1 + rand(20) }, () => doc(`w${w}-r${round}-${seq++}`, 0));
        for (const d of batch) keys.set(d._id, { confirmed: null, pending: d });
        await c.insertMany(batch);
        for (const d of batch) keys.set(d._id, { confirmed: d });
      } else if (roll < 8) {
        const [key, t] = live[rand(live.length)]!;
        const prev = t.confirmed!;
        const next = { ...prev, v: rand(1_000_000), n: prev.n + 1 };
        keys.set(key, { confirmed: prev, pending: next });
        const res = await c.updateOne({ _id: key }, { $set: { v: next.v }, $inc: { n: 1 } });
        if (res.matchedCount !== 1) throw new Error(`update of ${key} matched ${res.matchedCount}`);
        keys.set(key, { confirmed: next });
      } else {
        const [key, t] = live[rand(live.length)]!;
        keys.set(key, { confirmed: t.confirmed, pending: null });
        const res = await c.deleteOne({ _id: key });
        if (res.deletedCount !== 1) throw new Error(`delete of ${key} removed ${res.deletedCount}`);
        keys.set(key, { confirmed: null });
      }
      acks.n++;
    } catch (error) {
      if (serverGone(error)) return; // the write in flight stays pending
      throw error; // the server answered, and wrongly
    }
  }
}

/** A collection's state for the DDL writer: "-" when absent, else its secondary index names. */
type Ddl = { confirmed: string; pending?: string };
const ABSENT = "-";
const withIndex = (s: string, name: string) => [...s.split(",").filter(Boolean), name].sort().join(",");
const withoutIndex = (s: string, name: string) =>
  s
    .split(",")
    .filter((n) => n && n !== name)
    .join(",");

/** Creates and drops collections and indexes in database "ddl", tracking each acknowledged change. */
async function ddlWriter(client: MongoClient, round: number, ddl: Map<string, Ddl>, acks: { n: number }) {
  const db = client.db("ddl");
  let seq = 0;
  for (;;) {
    const live = [...ddl.entries()].filter(([, t]) => t.confirmed !== ABSENT);
    const roll = rand(10);
    try {
      if (live.length < 3 || roll < 3) {
        const name = `c${round}_${seq++}`;
        ddl.set(name, { confirmed: ABSENT, pending: "" });
        await db.createCollection(name);
        ddl.set(name, { confirmed: "" });
      } else if (roll < 7) {
        const [name, t] = live[rand(live.length)]!;
        const field = `f${round}_${seq++}`;
        const next = withIndex(t.confirmed, `${field}_1`);
        ddl.set(name, { confirmed: t.confirmed, pending: next });
        await db.collection(name).createIndex({ [field]: 1 });
        ddl.set(name, { confirmed: next });
      } else if (roll < 9) {
        const [name, t] = live[rand(live.length)]!;
        const index = t.confirmed.split(",").filter(Boolean)[0];
        if (!index) continue;
        const next = withoutIndex(t.confirmed, index);
        ddl.set(name, { confirmed: t.confirmed, pending: next });
        await db.collection(name).dropIndex(index);
        ddl.set(name, { confirmed: next });
      } else {
        const [name, t] = live[rand(live.length)]!;
        ddl.set(name, { confirmed: t.confirmed, pending: ABSENT });
        await db.collection(name).drop();
        ddl.set(name, { confirmed: ABSENT });
      }
      acks.n++;
    } catch (error) {
      if (serverGone(error)) return;
      throw error;
    }
  }
}

async function verifyDdl(client: MongoClient, ddl: Map<string, Ddl>): Promise<void> {
  const db = client.db("ddl");
  const names = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const name of names) expect(ddl.has(name), `unexpected collection ${name}`).toBe(true);
  for (const [name, t] of ddl) {
    let got = ABSENT;
    if (names.has(name)) {
      const indexes = await db.collection(name).indexes();
      got = indexes
        .map((i) => String(i.name))
        .filter((n) => n !== "_id_")
        .sort()
        .join(",");
    }
    const allowed = t.pending === undefined ? [t.confirmed] : [t.confirmed, t.pending];
    expect(allowed, `collection ${name}: got "${got}", acknowledged "${t.confirmed}"`).toContain(got);
    ddl.set(name, { confirmed: got });
  }
}

/** Compares what the restarted server holds with what was acknowledged; resolves pending writes. */
async function verify(client: MongoClient, keys: Map<string, Tracked>): Promise<number> {
  const coll = client.db("storm").collection<Doc>("docs");
  const actual = new Map((await coll.find({}).toArray()).map((d) => [d._id, d]));
  for (const id of actual.keys()) expect(keys.has(id), `unexpected document ${id}`).toBe(true);
  let pendingResolved = 0;
  for (const [key, t] of keys) {
    const got = actual.get(key) ?? null;
    const allowed = t.pending === undefined ? [t.confirmed] : [t.confirmed, t.pending];
    const ok = allowed.some((s) => canon(s) === canon(got));
    expect(ok, `key ${key}: got ${JSON.stringify(got)}, acknowledged ${JSON.stringify(t.confirmed)}`).toBe(
      true,
    );
    if (t.pending !== undefined) pendingResolved++;
    keys.set(key, { confirmed: got });
  }
  expect(await coll.countDocuments()).toBe(actual.size);
  return pendingResolved;
}

// Child processes on two shared cores: allow far more than the usual few seconds per restart.
describe("durability", () => {
  it("loses no acknowledged write or DDL change when killed with -9 during a write storm (3 rounds)", async () => {
    const dbpath = await tempDir();
    const keys = new Map<string, Tracked>();
    const ddl = new Map<string, Ddl>();
    let server = await start(dbpath);
    {
      const setup = await connect(server.uri);
      await setup.db("storm").collection("docs").createIndex({ u: 1 }, { unique: true });
    }
    for (let round = 0; round < 3; round++) {
      const writers = await Promise.all(Array.from({ length: 8 }, () => connect(server.uri)));
      const marker = writers[0]!.db("storm").collection(`round${round}`);
      await marker.insertOne({ _id: round as never, at: round });

      const acks = { n: 0 };
      const storm = Promise.all([
        ...writers.map((c, w) => writer(c, w, round, keys, acks)),
        ddlWriter(writers[0]!, round, ddl, acks),
      ]);
      let settled = false;
      void storm.then(
        () => {
          settled = true;
        },
        () => {
          settled = true;
        },
      );
      while (acks.n < 200 && !settled) await sleep(5);
      await sleep(rand(400));
      process.kill(server.pid, "SIGKILL");
      const exit = await server.exited;
      expect(exit.signal).toBe("SIGKILL");
      await storm;
      expect(acks.n).toBeGreaterThanOrEqual(200);
      for (const c of writers) await c.close(true).catch(() => {});

      server = await start(dbpath);
      const reader = await connect(server.uri);
      await verify(reader, keys);
      await verifyDdl(reader, ddl);
      const db = reader.db("storm");
      for (let r = 0; r <= round; r++) {
        expect(await db.collection(`round${r}`).find().toArray()).toEqual([{ _id: r, at: r }]);
      }
      const indexes = await db.collection("docs").indexes();
      expect(indexes.map((i) => [i.name, i.unique ?? false])).toEqual([
        ["_id_", false],
        ["u_1", true],
      ]);
      const some = await db.collection<Doc>("docs").findOne({});
      if (some) {
        const dup = await db
          .collection<Doc>("docs")
          .insertOne({ ...some, _id: `dup-${round}` })
          .catch((e: unknown) => e);
        expect((dup as MongoServerError).code).toBe(11000);
      }
    }
    const liveCount = [...keys.values()].filter((t) => t.confirmed !== null).length;
    expect(liveCount).toBeGreaterThan(0);
    expect(ddl.size).toBeGreaterThan(3);
    console.info(`durability: ${keys.size} keys (${liveCount} live), ${ddl.size} collections tracked`);
    const final = await server.stop("SIGTERM");
    expect(final.code).toBe(0);
  }, 300_000);

  it("keeps databases, collections, indexes and documents across a SIGTERM restart", async () => {
    const dbpath = await tempDir();
    let server = await start(dbpath);
    let client = await connect(server.uri);
    const db = client.db("app");
    await db.createCollection("empty");
    const posts = db.collection<AnyDoc>("posts");
    await posts.createIndex({ slug: 1 }, { unique: true });
    await posts.createIndex({ tenant: 1, at: -1 }, { name: "tenant_recent" });
    await posts.createIndex({ handle: 1 }, { sparse: true, unique: true });
    await posts.createIndex({ live: 1 }, { partialFilterExpression: { live: true } });
    await posts.createIndex({ dropme: 1 });
    await posts.insertMany(
      Array.from({ length: 500 }, (_, i) => ({
        _id: i,
        slug: `s${i}`,
        tenant: i % 7,
        at: new Date(i * 1000),
      })),
    );
    await posts.updateMany({ tenant: 3 }, { $set: { live: true } });
    await posts.deleteMany({ tenant: 5 });
    await posts.dropIndex("dropme_1");
    await db.collection("gone").insertOne({ a: 1 });
    await db.collection("gone").drop();
    await client
      .db("other")
      .collection("x")
      .insertOne({ _id: "kept" as never });

    const snapshot = async (c: MongoClient) => ({
      dbs: (await c.db("admin").admin().listDatabases({ nameOnly: true })).databases
        .map((d) => d.name)
        .sort(),
      colls: (await c.db("app").listCollections({}, { nameOnly: true }).toArray()).map((x) => x.name).sort(),
      indexes: await c.db("app").collection("posts").indexes(),
      docs: await c
        .db("app")
        .collection("posts")
        .find({}, { sort: { _id: 1 } })
        .toArray(),
      other: await c.db("other").collection("x").find().toArray(),
    });
    const before = await snapshot(client);
    expect(before.colls).toEqual(["empty", "posts"]);
    expect(before.docs.length).toBeGreaterThan(400);

    await client.close();
    const exit = await server.stop("SIGTERM");
    expect(exit.code).toBe(0);

    for (let restart = 0; restart < 2; restart++) {
      server = await start(dbpath);
      client = await connect(server.uri);
      expect(await snapshot(client)).toEqual(before);
      const dup = await client
        .db("app")
        .collection("posts")
        .insertOne({ slug: "s1" })
        .catch((e: unknown) => e);
      expect((dup as MongoServerError).code).toBe(11000);
      await client.close();
      expect((await server.stop("SIGTERM")).code).toBe(0);
    }
  }, 300_000);

  it("keeps data across stop() and startMongo() on the same dbpath, on 127.0.0.1 by default", async () => {
    const dbpath = await tempDir();
    const first = await startMongo({ dbpath, quiet: true });
    expect(first.uri).toBe(`mongodb://127.0.0.1:${first.port}`);
    const a = await connect(first.uri);
    await a.db("api").collection("c").createIndex({ k: 1 }, { unique: true });
    await a
      .db("api")
      .collection("c")
      .insertMany([{ k: 1 }, { k: 2 }]);
    await a.close();
    await first.stop();
    const second = await startMongo({ dbpath, quiet: true });
    try {
      const b = await connect(second.uri);
      expect(
        await b
          .db("api")
          .collection("c")
          .find({}, { projection: { _id: 0 } })
          .toArray(),
      ).toEqual([{ k: 1 }, { k: 2 }]);
      expect((await b.db("api").collection("c").indexes()).map((i) => i.name)).toEqual(["_id_", "k_1"]);
      await b.close();
    } finally {
      await second.stop();
    }
  });

  it("stops on SIGINT too, and starts again on an empty dbpath", async () => {
    const dbpath = await tempDir();
    const server = await start(dbpath);
    const client = await connect(server.uri);
    expect((await client.db("admin").command({ ping: 1 })).ok).toBe(1);
    await client.close();
    expect((await server.stop("SIGINT")).code).toBe(0);
    const again = await start(dbpath);
    const c2 = await connect(again.uri);
    expect(
      (await c2.db("admin").admin().listDatabases({ nameOnly: true })).databases.map((d) => d.name),
    ).not.toContain("storm");
  });
});
