/**
 * Durability of the embedded server as a separate process: every acknowledged write survives
 * `kill -9` at a random moment of a write storm, and a clean SIGTERM keeps everything. Needs a
 * server process it can kill, so it always runs the embedded CLI (MONGODB_TEST_URI is ignored).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { MongoClient, type MongoServerError } from "mongodb";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startMongo } from "../index";
import { type MongoProcess, spawnMongo } from "./mongo-process";
import type { AnyDoc } from "./support";
import { type Ddl, type Doc, ddlWriter, type Tracked, verify, verifyDdl, writer } from "./write-storm";

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
    await db.collection("posts.archive").insertOne({ _id: "dotted" as never });
    await db.collection("système").insertOne({ _id: "unicode" as never });

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
    expect(before.colls).toEqual(["empty", "posts", "posts.archive", "système"]);
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

  it("keeps an acknowledged renameCollection across kill -9, before and after a compaction", async () => {
    const dbpath = await tempDir();
    let server = await start(dbpath);
    let client = await connect(server.uri);
    const db = () => client.db("app");
    const src = db().collection<AnyDoc>("src");
    await src.insertMany(
      Array.from({ length: 50 }, (_, i) => ({ _id: i, email: `u${i}@x`, at: new Date() })),
    );
    await src.createIndex({ email: 1 }, { unique: true });
    await src.createIndex({ at: 1 }, { expireAfterSeconds: 3600 });
    await db()
      .collection("dst")
      .insertOne({ _id: "replaced" as never });
    const indexes = await src.indexes();
    const kill = async () => {
      await client.close(true);
      process.kill(server.pid, "SIGKILL");
      expect((await server.exited).signal).toBe("SIGKILL");
      server = await start(dbpath);
      client = await connect(server.uri);
    };
    const names = async () =>
      (await db().listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();

    // Killed right after the acknowledgement: the rename exists only in the journal.
    await src.rename("dst", { dropTarget: true });
    await kill();
    expect(await names()).toEqual(["dst"]);
    expect(await db().collection("dst").countDocuments()).toBe(50);
    expect(await db().collection("dst").indexes()).toEqual(indexes);

    // Start-up compacted the journal into snapshots; rename again, then kill again.
    await db().collection("dst").rename("final");
    await kill();
    expect(await names()).toEqual(["final"]);
    expect(await db().collection("final").indexes()).toEqual(indexes);
    const dup = await db()
      .collection<AnyDoc>("final")
      .insertOne({ email: "u1@x" })
      .catch((e: unknown) => e);
    expect((dup as MongoServerError).code).toBe(11000);
    await client.close();
    expect((await server.stop("SIGTERM")).code).toBe(0);
    server = await start(dbpath);
    client = await connect(server.uri);
    expect(await names()).toEqual(["final"]);
    expect(await db().collection("final").countDocuments()).toBe(50);
  }, 120_000);

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
