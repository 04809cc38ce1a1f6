import { describe, expect, it } from "vitest";
import { type AnyDoc, serverError, setupMongo, uniqueName } from "./support";

const mongo = setupMongo();

async function collectionUuid(db: ReturnType<typeof mongo.db>, name: string) {
  const [info] = await db.listCollections({ name }, { nameOnly: false }).toArray();
  return info && "info" in info ? info.info?.uuid : undefined;
}

describe("renameCollection", () => {
  it("moves documents, indexes (unique, TTL, partial) and the UUID to the new name", async () => {
    const db = mongo.db();
    const src = db.collection<AnyDoc>("src");
    await src.insertMany([
      { _id: 1, email: "a@x", at: new Date(0), live: true },
      { _id: 2, email: "b@x", at: new Date(1000) },
    ]);
    await src.createIndex({ email: 1 }, { unique: true });
    await src.createIndex({ at: 1 }, { expireAfterSeconds: 3600 });
    await src.createIndex({ live: 1 }, { partialFilterExpression: { live: true } });
    const indexesBefore = await src.indexes();
    const uuidBefore = await collectionUuid(db, "src");
    expect(uuidBefore).toBeDefined();

    const renamed = await src.rename("dst");
    expect(renamed.collectionName).toBe("dst");
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).toEqual(["dst"]);
    expect(await renamed.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, email: "a@x", at: new Date(0), live: true },
      { _id: 2, email: "b@x", at: new Date(1000) },
    ]);
    expect(await renamed.indexes()).toEqual(indexesBefore);
    expect(await collectionUuid(db, "dst")).toEqual(uuidBefore);
    expect((await serverError(renamed.insertOne({ _id: 3, email: "a@x" } as AnyDoc))).code).toBe(11000);
    expect(await db.collection("src").countDocuments()).toBe(0);
  });

  it("answers with ok: 1 only, run on admin", async () => {
    const db = mongo.db();
    await db.collection("a").insertOne({ x: 1 });
    const reply = await mongo.client
      .db("admin")
      .command({ renameCollection: `${db.databaseName}.a`, to: `${db.databaseName}.b` });
    expect(reply).toEqual({ ok: 1 });
  });

  it("replaces an existing target with dropTarget, and refuses it without (48)", async () => {
    const db = mongo.db();
    await db.collection("a").insertOne({ _id: 1, from: "a" } as AnyDoc);
    await db.collection("b").insertOne({ _id: 1, from: "b" } as AnyDoc);
    await db.collection("b").createIndex({ only_b: 1 });
    const refused = await serverError(db.collection("a").rename("b"));
    expect(refused.code).toBe(48);
    expect(refused.codeName).toBe("NamespaceExists");
    expect(refused.message).toBe("target namespace exists");
    expect(await db.collection("b").findOne()).toEqual({ _id: 1, from: "b" });

    await db.collection("a").rename("b", { dropTarget: true });
    expect(await db.collection("b").find().toArray()).toEqual([{ _id: 1, from: "a" }]);
    expect((await db.collection("b").indexes()).map((i) => i.name)).toEqual(["_id_"]);
    expect((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name)).toEqual(["b"]);
  });

  it("renames across databases, indexes included, under a new UUID", async () => {
    const from = mongo.db();
    const to = mongo.db();
    await from.collection("c").insertMany([{ _id: 1 }, { _id: 2 }] as AnyDoc[]);
    await from.collection("c").createIndex({ k: 1 }, { unique: true, sparse: true });
    const uuidBefore = await collectionUuid(from, "c");
    expect(uuidBefore).toBeDefined();
    await mongo.client
      .db("admin")
      .command({ renameCollection: `${from.databaseName}.c`, to: `${to.databaseName}.moved` });
    expect(await from.listCollections().toArray()).toEqual([]);
    expect(await to.collection("moved").find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 1 }, { _id: 2 }]);
    expect((await to.collection("moved").indexes()).map((i) => [i.name, i.unique, i.sparse])).toEqual([
      ["_id_", undefined, undefined],
      ["k_1", true, true],
    ]);
    expect(await collectionUuid(to, "moved")).not.toEqual(uuidBefore);
  });

  it("refuses to run outside the admin database (13)", async () => {
    const db = mongo.db();
    await db.collection("a").insertOne({});
    const err = await serverError(
      db.command({ renameCollection: `${db.databaseName}.a`, to: `${db.databaseName}.b` }),
    );
    expect(err.code).toBe(13);
    expect(err.codeName).toBe("Unauthorized");
    expect(err.message).toBe("renameCollection may only be run against the admin database.");
  });

  it("answers 26 for a missing source, 20 for a rename onto itself, 73 for an invalid target", async () => {
    const db = mongo.db();
    await db.collection("present").insertOne({});
    const admin = mongo.client.db("admin");
    const ns = (c: string) => `${db.databaseName}.${c}`;

    const missing = await serverError(admin.command({ renameCollection: ns("absent"), to: ns("x") }));
    expect(missing.code).toBe(26);
    expect(missing.codeName).toBe("NamespaceNotFound");
    expect(missing.message).toBe(`Source collection ${ns("absent")} does not exist`);

    const otherDb = uniqueName();
    const across = await serverError(admin.command({ renameCollection: ns("absent"), to: `${otherDb}.x` }));
    expect(across.code).toBe(26);
    expect(across.message).toBe("source namespace does not exist");

    const self = await serverError(admin.command({ renameCollection: ns("present"), to: ns("present") }));
    expect(self.code).toBe(20);
    expect(self.codeName).toBe("IllegalOperation");
    expect(self.message).toBe("Can't rename a collection to itself");

    const invalid = await serverError(
      admin.command({ renameCollection: ns("present"), to: `${db.databaseName}.` }),
    );
    expect(invalid.code).toBe(73);
    expect(invalid.codeName).toBe("InvalidNamespace");
    expect(await db.collection("present").countDocuments()).toBe(1);
  });
});
