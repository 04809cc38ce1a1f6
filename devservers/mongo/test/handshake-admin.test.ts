import { describe, expect, it } from "vitest";
import { serverError, setupMongo } from "./support";

const mongo = setupMongo();

describe("handshake", () => {
  it("answers ping", async () => {
    const res = await mongo.client.db("admin").command({ ping: 1 });
    expect(res.ok).toBe(1);
  });

  it("answers hello as a writable primary speaking wire version 21 (7.0)", async () => {
    const res = await mongo.client.db("admin").command({ hello: 1 });
    expect(res).toMatchObject({
      isWritablePrimary: true,
      maxBsonObjectSize: 16 * 1024 * 1024,
      maxMessageSizeBytes: 48_000_000,
      maxWriteBatchSize: 100_000,
      minWireVersion: 0,
      maxWireVersion: 21,
      readOnly: false,
      ok: 1,
    });
    expect(res.localTime).toBeInstanceOf(Date);
    expect(typeof res.connectionId).toBe("number");
  });

  it("answers the legacy isMaster with ismaster: true", async () => {
    const res = await mongo.client.db("admin").command({ isMaster: 1 });
    expect(res).toMatchObject({ ismaster: true, maxWireVersion: 21, ok: 1 });
    const lower = await mongo.client.db("admin").command({ ismaster: 1 });
    expect(lower).toMatchObject({ ismaster: true, ok: 1 });
  });

  it("gives each connection its own connectionId", async () => {
    const other = await mongo.connect();
    const a = await mongo.client.db("admin").command({ hello: 1 });
    const b = await other.db("admin").command({ hello: 1 });
    expect(a.connectionId).not.toBe(b.connectionId);
  });
});

describe("admin commands", () => {
  it("reports a 7.0 version in buildInfo", async () => {
    const res = await mongo.client.db("admin").command({ buildInfo: 1 });
    expect(res.version).toMatch(/^7\.0\.\d+$/);
    const [major, minor, patch] = String(res.version).split(".").map(Number);
    expect(res.versionArray).toEqual([major, minor, patch, 0]);
    expect(res.maxBsonObjectSize).toBe(16 * 1024 * 1024);
    expect(res.bits).toBe(64);
    expect(res.ok).toBe(1);
    const info = await mongo.client.db("admin").admin().serverInfo();
    expect(info.version).toBe(res.version);
  });

  it("answers a minimal serverStatus", async () => {
    const res = await mongo.client.db("admin").command({ serverStatus: 1 });
    expect(res.ok).toBe(1);
    expect(res.process).toBe("mongod");
    expect(res.version).toMatch(/^7\.0\./);
    expect(typeof res.uptime).toBe("number");
    expect(res.localTime).toBeInstanceOf(Date);
    expect(res.connections.current).toBeGreaterThanOrEqual(1);
    expect(typeof res.pid === "number" || typeof res.pid === "bigint" || typeof res.pid === "object").toBe(
      true,
    );
  });

  it("lists a database once it holds a collection, and forgets it after dropDatabase", async () => {
    const db = mongo.db();
    const admin = mongo.client.db("admin").admin();
    const before = await admin.listDatabases({ nameOnly: true });
    expect(before.databases.map((d) => d.name)).not.toContain(db.databaseName);

    await db.collection("c").insertOne({ a: 1 });
    const full = await admin.listDatabases();
    const entry = full.databases.find((d) => d.name === db.databaseName);
    expect(entry).toMatchObject({ name: db.databaseName, empty: false });
    expect(typeof entry?.sizeOnDisk).toBe("number");
    expect(typeof full.totalSize).toBe("number");
    expect(full.ok).toBe(1);

    const filtered = await admin.listDatabases({ nameOnly: true, filter: { name: db.databaseName } });
    expect(filtered.databases).toEqual([{ name: db.databaseName }]);

    expect(await db.dropDatabase()).toBe(true);
    const after = await admin.listDatabases({ nameOnly: true, filter: { name: db.databaseName } });
    expect(after.databases).toEqual([]);
    expect(await db.collection("c").countDocuments()).toBe(0);
  });

  it("forgets a database once its last collection is dropped", async () => {
    const db = mongo.db();
    await db.collection("only").insertOne({ a: 1 });
    await db.collection("only").drop();
    const res = await db.admin().listDatabases({ nameOnly: true, filter: { name: db.databaseName } });
    expect(res.databases).toEqual([]);
  });

  it("lists a database created by createCollection alone", async () => {
    const db = mongo.db();
    await db.createCollection("only");
    const res = await db.admin().listDatabases({ nameOnly: true, filter: { name: db.databaseName } });
    expect(res.databases).toEqual([{ name: db.databaseName }]);
  });

  it("drops every collection of a database and leaves others alone", async () => {
    const a = mongo.db();
    const b = mongo.db();
    await a.collection("x").insertOne({ _id: 1 } as never);
    await a.collection("y").insertOne({ _id: 1 } as never);
    await b.collection("x").insertOne({ _id: 2 } as never);
    await a.dropDatabase();
    expect(await a.listCollections().toArray()).toEqual([]);
    expect(await b.collection("x").find().toArray()).toEqual([{ _id: 2 }]);
  });

  it("accepts dropDatabase of a database that does not exist", async () => {
    const db = mongo.db();
    const res = await db.command({ dropDatabase: 1 });
    expect(res.ok).toBe(1);
  });

  it("accepts endSessions", async () => {
    const res = await mongo.client.db("admin").command({ endSessions: [] });
    expect(res.ok).toBe(1);
  });

  it("rejects an unknown command with 59 CommandNotFound", async () => {
    const err = await serverError(mongo.client.db("admin").command({ frobnicate: 1 }));
    expect(err.code).toBe(59);
    expect(err.codeName).toBe("CommandNotFound");
    expect(err.message).toBe("no such command: 'frobnicate'");
  });
});
