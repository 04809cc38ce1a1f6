/**
 * `$out` and `$merge` within a server (every whenMatched/whenNotMatched mode, `on` fields backed
 * by a unique index, pipeline whenMatched with `$$new`, another database), database-level
 * aggregates with `$documents`, and `$listLocalSessions`, as mongod 7.0 answers them.
 */
import { describe, expect, it } from "vitest";
import { type AnyDoc, serverError, setupMongo } from "./support";

const mongo = setupMongo();

async function source() {
  const db = mongo.db();
  const c = db.collection<AnyDoc>("test");
  await c.insertMany([
    { _id: 1, x: 11 },
    { _id: 2, x: 22 },
    { _id: 3, x: 33 },
  ]);
  return { db, c };
}

const all = (c: { find(): { toArray(): Promise<AnyDoc[]> } }) => c.find().toArray();

describe("$out", () => {
  it("writes the results into a new collection and answers an empty cursor", async () => {
    const { db, c } = await source();
    const out = await c
      .aggregate([{ $sort: { x: 1 } }, { $match: { _id: { $gt: 1 } } }, { $out: "other_test_collection" }], {
        batchSize: 2,
      })
      .toArray();
    expect(out).toEqual([]);
    expect(
      await db
        .collection("other_test_collection")
        .find({}, { sort: { _id: 1 } })
        .toArray(),
    ).toEqual([
      { _id: 2, x: 22 },
      { _id: 3, x: 33 },
    ]);
  });

  it("replaces an existing collection's documents but keeps its indexes", async () => {
    const { db, c } = await source();
    const target = db.collection<AnyDoc>("target");
    await target.insertMany([{ _id: 9, x: 99, old: true }]);
    await target.createIndex({ x: 1 }, { unique: true });
    await c.aggregate([{ $project: { x: 1 } }, { $out: "target" }]).toArray();
    expect(await target.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 1, x: 11 },
      { _id: 2, x: 22 },
      { _id: 3, x: 33 },
    ]);
    expect((await target.indexes()).map((i) => i.name)).toEqual(["_id_", "x_1"]);
  });

  it("leaves the target untouched when a document breaks one of its unique indexes (11000)", async () => {
    const { db, c } = await source();
    const target = db.collection<AnyDoc>("target");
    await target.insertOne({ _id: 9, k: "kept" });
    await target.createIndex({ k: 1 }, { unique: true });
    const err = await serverError(c.aggregate([{ $project: { k: "same" } }, { $out: "target" }]).toArray());
    expect(err.code).toBe(11000);
    expect(await all(target)).toEqual([{ _id: 9, k: "kept" }]);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((x) => x.name).sort();
    expect(names).toEqual(["target", "test"]);
  });

  it("writes into another database, and over its own source", async () => {
    const { db, c } = await source();
    const other = mongo.db();
    await c
      .aggregate([{ $match: { x: { $gt: 20 } } }, { $out: { db: other.databaseName, coll: "copy" } }])
      .toArray();
    expect((await all(other.collection("copy"))).map((d) => d._id)).toEqual([2, 3]);
    await c.aggregate([{ $match: { _id: 1 } }, { $out: "test" }]).toArray();
    expect(await all(db.collection("test"))).toEqual([{ _id: 1, x: 11 }]);
  });

  it("gives documents without _id a new one, and keeps let variables", async () => {
    const { db, c } = await source();
    await c
      .aggregate(
        [{ $match: { $expr: { $eq: ["$_id", "$$id"] } } }, { $project: { _id: 0, v: "$$v" } }, { $out: "o" }],
        {
          let: { id: 2, v: "val" },
        },
      )
      .toArray();
    const [doc] = await all(db.collection("o"));
    expect(doc?.v).toBe("val");
    expect(doc?._id?._bsontype).toBe("ObjectId");
  });

  it("is refused where mongod refuses it", async () => {
    const { c } = await source();
    expect((await serverError(c.aggregate([{ $out: "x" }, { $match: {} }]).toArray())).code).toBe(40601);
    const facet = await serverError(c.aggregate([{ $facet: { a: [{ $out: "x" }] } }]).toArray());
    expect(facet.code).toBe(40600);
    expect((await serverError(c.aggregate([{ $out: "system.x" }]).toArray())).code).toBe(17385);
    expect((await serverError(c.aggregate([{ $out: 5 }]).toArray())).code).toBe(16990);
  });
});

describe("$merge", () => {
  async function withTarget() {
    const s = await source();
    const target = s.db.collection<AnyDoc>("target");
    await target.insertMany([
      { _id: 2, x: 0, keep: "yes" },
      { _id: 4, x: 44 },
    ]);
    return { ...s, target };
  }
  const sorted = (c: { find(f: object, o: object): { toArray(): Promise<AnyDoc[]> } }) =>
    c.find({}, { sort: { _id: 1 } }).toArray();

  it("defaults to whenMatched: merge, whenNotMatched: insert", async () => {
    const { c, target } = await withTarget();
    expect(await c.aggregate([{ $merge: { into: "target" } }]).toArray()).toEqual([]);
    expect(await sorted(target)).toEqual([
      { _id: 1, x: 11 },
      { _id: 2, x: 22, keep: "yes" },
      { _id: 3, x: 33 },
      { _id: 4, x: 44 },
    ]);
  });

  it("the string form merges into a collection of the same database, created when missing", async () => {
    const { db, c } = await source();
    await c.aggregate([{ $sort: { x: 1 } }, { $match: { _id: { $gt: 1 } } }, { $merge: "fresh" }]).toArray();
    expect(await sorted(db.collection("fresh"))).toEqual([
      { _id: 2, x: 22 },
      { _id: 3, x: 33 },
    ]);
  });

  it("whenMatched replace / keepExisting, whenNotMatched discard", async () => {
    const { c, target } = await withTarget();
    await c
      .aggregate([{ $merge: { into: "target", whenMatched: "replace", whenNotMatched: "discard" } }])
      .toArray();
    expect(await sorted(target)).toEqual([
      { _id: 2, x: 22 },
      { _id: 4, x: 44 },
    ]);
    await c
      .aggregate([{ $set: { x: 0 } }, { $merge: { into: "target", whenMatched: "keepExisting" } }])
      .toArray();
    expect(await sorted(target)).toEqual([
      { _id: 1, x: 0 },
      { _id: 2, x: 22 },
      { _id: 3, x: 0 },
      { _id: 4, x: 44 },
    ]);
  });

  it("whenMatched fail: 11000 with the key, documents before it written", async () => {
    const { db, target } = await withTarget();
    const err = await serverError(
      db
        .aggregate([
          {
            $documents: [
              { _id: 1, x: 1 },
              { _id: 2, x: 1 },
              { _id: 3, x: 1 },
            ],
          },
          { $merge: { into: "target", whenMatched: "fail" } },
        ])
        .toArray(),
    );
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ _id: 1 });
    expect(err.keyValue).toEqual({ _id: 2 });
    expect((await sorted(target)).map((d) => d._id)).toEqual([1, 2, 4]);
  });

  it("whenNotMatched fail: 13113 MergeStageNoMatchingDocument", async () => {
    const { c } = await withTarget();
    const err = await serverError(
      c.aggregate([{ $merge: { into: "target", whenMatched: "merge", whenNotMatched: "fail" } }]).toArray(),
    );
    expect(err.code).toBe(13113);
  });

  it("a pipeline whenMatched sees the result as $$new and its own let variables", async () => {
    const { c, target } = await withTarget();
    await c
      .aggregate([
        {
          $merge: {
            into: "target",
            let: { incoming: "$x" },
            whenMatched: [{ $set: { x: { $add: ["$x", "$$new.x", "$$incoming"] }, seen: true } }],
            whenNotMatched: "discard",
          },
        },
      ])
      .toArray();
    expect(await sorted(target)).toEqual([
      { _id: 2, x: 44, keep: "yes", seen: true },
      { _id: 4, x: 44 },
    ]);
  });

  it("on other fields needs a unique index on exactly them (51183)", async () => {
    const { db, c } = await source();
    const target = db.collection<AnyDoc>("byx");
    await target.insertOne({ _id: "t", x: 22, tag: "old" });
    const missing = await serverError(c.aggregate([{ $merge: { into: "byx", on: "x" } }]).toArray());
    expect(missing.code).toBe(51183);
    await target.createIndex({ x: 1 }, { unique: true });
    await c
      .aggregate([{ $project: { _id: 0, x: 1, tag: "new" } }, { $merge: { into: "byx", on: "x" } }])
      .toArray();
    const docs = await target.find({}, { sort: { x: 1 } }).toArray();
    expect(docs.map((d) => [d.x, d.tag])).toEqual([
      [11, "new"],
      [22, "new"],
      [33, "new"],
    ]);
    expect(docs[1]!._id).toBe("t");
    const nullOn = await serverError(
      db.aggregate([{ $documents: [{ y: 1 }] }, { $merge: { into: "byx", on: "x" } }]).toArray(),
    );
    expect(nullOn.code).toBe(51132);
  });

  it("replacing a matched document with another _id is 66", async () => {
    const { db, c } = await source();
    const target = db.collection<AnyDoc>("byx");
    await target.createIndex({ x: 1 }, { unique: true });
    await target.insertOne({ _id: "t", x: 22 });
    const err = await serverError(
      c.aggregate([{ $merge: { into: "byx", on: "x", whenMatched: "replace" } }]).toArray(),
    );
    expect(err.code).toBe(66);
  });

  it("into another database", async () => {
    const { c } = await source();
    const other = mongo.db();
    await c.aggregate([{ $merge: { into: { db: other.databaseName, coll: "t" } } }]).toArray();
    expect((await all(other.collection("t"))).length).toBe(3);
  });

  it("refuses unsupported modes and let outside a pipeline", async () => {
    const { c } = await source();
    const mode = await serverError(
      c.aggregate([{ $merge: { into: "t", whenMatched: "keepExisting", whenNotMatched: "fail" } }]).toArray(),
    );
    expect(mode.code).toBe(51181);
    const letErr = await serverError(c.aggregate([{ $merge: { into: "t", let: { a: 1 } } }]).toArray());
    expect(letErr.code).toBe(51199);
    const notLast = await serverError(c.aggregate([{ $merge: "t" }, { $match: {} }]).toArray());
    expect(notLast.code).toBe(40601);
    const inLookup = await serverError(
      c.aggregate([{ $lookup: { from: "x", pipeline: [{ $merge: "t" }], as: "y" } }]).toArray(),
    );
    expect(inLookup.code).toBe(51047);
  });
});

describe("database-level aggregate", () => {
  it("$documents feeds the pipeline, also from let variables", async () => {
    const db = mongo.db();
    const out = await db
      .aggregate([
        { $documents: [{ a: 1 }, { a: 2 }, { a: 3 }] },
        { $match: { a: { $gte: 2 } } },
        { $project: { _id: 0, a: 1 } },
      ])
      .toArray();
    expect(out).toEqual([{ a: 2 }, { a: 3 }]);
    const fromLet = await db.aggregate([{ $documents: "$$docs" }], { let: { docs: [{ b: 1 }] } }).toArray();
    expect(fromLet).toEqual([{ b: 1 }]);
  });

  it("needs a collectionless first stage (73), which a collection aggregate refuses", async () => {
    const db = mongo.db();
    const err = await serverError(db.aggregate([{ $match: {} }]).toArray());
    expect(err.code).toBe(73);
    expect(err.message).toBe("{aggregate: 1} is not valid for '$match'; a collection is required.");
    const onColl = await serverError(
      db
        .collection("c")
        .aggregate([{ $listLocalSessions: {} }])
        .toArray(),
    );
    expect(onColl.code).toBe(73);
    const notFirst = await serverError(db.aggregate([{ $documents: [] }, { $documents: [] }]).toArray());
    expect(notFirst.code).toBe(40602);
  });

  it("$listLocalSessions lists the sessions in use, as {_id: {id, uid}, lastUse}", async () => {
    const admin = mongo.client.db("admin");
    const out = await admin
      .aggregate([
        { $listLocalSessions: {} },
        { $limit: 1 },
        { $addFields: { dummy: "dummy field" } },
        { $project: { _id: 0, dummy: 1 } },
      ])
      .toArray();
    expect(out).toEqual([{ dummy: "dummy field" }]);
    const sessions = await admin.aggregate([{ $listLocalSessions: { allUsers: true } }]).toArray();
    expect(sessions.length).toBeGreaterThan(0);
    for (const s of sessions) {
      expect(s._id.id.sub_type).toBe(4);
      expect(s._id.uid.buffer.length).toBe(32);
      expect(s.lastUse).toBeInstanceOf(Date);
    }
    const both = await serverError(
      admin
        .aggregate([{ $listLocalSessions: { allUsers: true, users: [{ user: "a", db: "b" }] } }])
        .toArray(),
    );
    expect(both.code).toBe(12);
  });

  it("writes with $out from a database-level aggregate", async () => {
    const db = mongo.db();
    await db
      .aggregate([
        { $listLocalSessions: {} },
        { $limit: 1 },
        { $addFields: { _id: 1 } },
        { $project: { _id: 1 } },
        { $out: "s" },
      ])
      .toArray();
    expect(await all(db.collection("s"))).toEqual([{ _id: 1 }]);
  });
});

describe("sessions and transactions on a standalone", () => {
  it("a transaction is refused as a standalone mongod refuses it (20)", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.insertOne({ _id: 1 });
    const session = mongo.client.startSession();
    try {
      session.startTransaction();
      // The driver recognises mongod's exact answer (20, this message) and explains it in its own.
      const err = await serverError(c.insertOne({ _id: 2 }, { session }));
      const original = (err as unknown as { originalError?: { code?: number; message?: string } })
        .originalError;
      expect(original?.code).toBe(20);
      expect(original?.message).toBe(
        "Transaction numbers are only allowed on a replica set member or mongos",
      );
      expect(err.message).toContain("does not support retryable writes");
      await session.abortTransaction().catch(() => {});
    } finally {
      await session.endSession();
    }
    expect(await c.countDocuments()).toBe(1);
  });

  it("an explicit session works for plain operations and is listed as a local session", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    const session = mongo.client.startSession();
    await c.insertOne({ _id: 1 }, { session });
    expect(await c.findOne({ _id: 1 }, { session })).toEqual({ _id: 1 });
    const id = session.id?.id;
    await session.endSession();
    const listed = await mongo.client
      .db("admin")
      .aggregate([{ $listLocalSessions: { allUsers: true } }])
      .toArray();
    expect(listed.some((s) => Buffer.from(s._id.id.buffer).equals(Buffer.from(id!.buffer)))).toBe(true);
  });
});
