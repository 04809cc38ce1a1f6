import { UUID } from "mongodb";
import { describe, expect, it } from "vitest";
import { serverError, setupMongo } from "./support";

const mongo = setupMongo();

describe("command errors", () => {
  it("unknown command: 59 CommandNotFound", async () => {
    const db = mongo.db();
    const err = await serverError(db.command({ notACommand: 1 }));
    expect(err).toMatchObject({ code: 59, codeName: "CommandNotFound" });
    expect(err.message).toBe("no such command: 'notACommand'");
  });

  it("unknown top-level field: 40415 with the field named", async () => {
    const db = mongo.db();
    await db.collection("c").insertOne({ a: 1 });
    const err = await serverError(db.command({ find: "c", frob: 1 }));
    expect(err.code).toBe(40415);
    expect(err.codeName).toBe("Location40415");
    expect(err.message).toBe("BSON field 'FindCommandRequest.frob' is an unknown field.");
    const ins = await serverError(db.command({ insert: "c", documents: [{}], bogus: true }));
    expect(ins.code).toBe(40415);
    expect(ins.message).toBe("BSON field 'insert.bogus' is an unknown field.");
  });

  it("rejects an unknown top-level field in every CRUD command (40415)", async () => {
    const db = mongo.db();
    await db.collection("c").insertOne({ a: 1 });
    const commands = [
      { update: "c", updates: [{ q: {}, u: { $set: { a: 2 } } }] },
      { delete: "c", deletes: [{ q: {}, limit: 1 }] },
      { aggregate: "c", pipeline: [], cursor: {} },
      { count: "c" },
      { distinct: "c", key: "a" },
      { findAndModify: "c", query: {}, update: { $set: { a: 3 } } },
      { createIndexes: "c", indexes: [{ key: { a: 1 }, name: "a_1" }] },
    ];
    for (const cmd of commands) {
      const err = await serverError(db.command({ ...cmd, notAnOption: 1 }));
      expect(err.code, JSON.stringify(cmd)).toBe(40415);
      expect(err.message).toMatch(/^BSON field '\w+\.notAnOption' is an unknown field\.$/);
    }
    expect(
      await db
        .collection("c")
        .find({}, { projection: { _id: 0 } })
        .toArray(),
    ).toEqual([{ a: 1 }]);
  });

  it("missing required field: 40414", async () => {
    const db = mongo.db();
    const err = await serverError(db.command({ insert: "c" }));
    expect(err.code).toBe(40414);
    expect(err.message).toBe("BSON field 'insert.documents' is missing but a required field");
  });

  it("wrong field type: 14 TypeMismatch", async () => {
    const db = mongo.db();
    const err = await serverError(db.command({ find: "c", filter: "nope" }));
    expect(err.code).toBe(14);
    expect(err.codeName).toBe("TypeMismatch");
    expect(err.message).toBe(
      "BSON field 'FindCommandRequest.filter' is the wrong type 'string', expected type 'object'",
    );
  });

  it("accepts the generic arguments drivers send: comment, maxTimeMS, readConcern, writeConcern", async () => {
    const db = mongo.db();
    const c = db.collection("c");
    await c.insertOne({ a: 1 }, { writeConcern: { w: 1, j: true }, comment: "ins" });
    await c.insertOne({ a: 2 }, { writeConcern: { w: "majority" } });
    expect(await c.find({}, { comment: "x", maxTimeMS: 5000 }).project({ _id: 0 }).toArray()).toEqual([
      { a: 1 },
      { a: 2 },
    ]);
    const res = await db.command({ find: "c", filter: {}, readConcern: { level: "local" }, maxTimeMS: 1000 });
    expect(res.cursor.firstBatch).toHaveLength(2);
    const agg = await c.aggregate([{ $count: "n" }], { comment: { why: "test" }, maxTimeMS: 1000 }).toArray();
    expect(agg).toEqual([{ n: 2 }]);
    await c.updateOne({ a: 1 }, { $set: { b: 1 } }, { writeConcern: { w: 1 }, comment: "u" });
    await c.deleteOne({ a: 2 }, { writeConcern: { w: 1, wtimeoutMS: 1000 } });
    expect(await c.countDocuments()).toBe(1);
  });

  it("accepts an explicit lsid", async () => {
    const db = mongo.db();
    await db.collection("c").insertOne({ a: 1 });
    const res = await db.command({ find: "c", filter: {}, lsid: { id: new UUID() } });
    expect(res.cursor.firstBatch).toHaveLength(1);
  });
});

describe("malformed writes", () => {
  it("an empty insert batch: 16 InvalidLength", async () => {
    const db = mongo.db();
    const err = await serverError(db.command({ insert: "c", documents: [] }));
    expect(err.code).toBe(16);
    expect(err.codeName).toBe("InvalidLength");
    expect(err.message).toBe("Write batch sizes must be between 1 and 100000. Got 0 operations.");
  });

  it("an index with no keys: 67 CannotCreateIndex", async () => {
    const db = mongo.db();
    const err = await serverError(db.command({ createIndexes: "c", indexes: [{ key: {}, name: "empty" }] }));
    expect(err.code).toBe(67);
    expect(err.codeName).toBe("CannotCreateIndex");
  });
});

describe("query errors", () => {
  it("unknown query operator: 2 BadValue", async () => {
    const c = mongo.db().collection("c");
    await c.insertOne({ a: 1 });
    const err = await serverError(c.find({ a: { $frob: 1 } }).toArray());
    expect(err.code).toBe(2);
    expect(err.codeName).toBe("BadValue");
    expect(err.message).toBe("unknown operator: $frob");
  });

  it("unknown top-level query operator: 2 BadValue", async () => {
    const c = mongo.db().collection("c");
    await c.insertOne({ a: 1 });
    const err = await serverError(c.find({ $frob: [{ a: 1 }] }).toArray());
    expect(err.code).toBe(2);
    expect(err.message).toContain("unknown top level operator: $frob");
  });

  it("$in needs an array: 2 BadValue", async () => {
    const c = mongo.db().collection("c");
    await c.insertOne({ a: 1 });
    const err = await serverError(c.find({ a: { $in: 1 } }).toArray());
    expect(err.code).toBe(2);
    expect(err.message).toBe("$in needs an array");
  });

  it("$and/$or/$nor need a non-empty array: 2 BadValue", async () => {
    const c = mongo.db().collection("c");
    await c.insertOne({ a: 1 });
    const err = await serverError(c.find({ $or: [] }).toArray());
    expect(err.code).toBe(2);
    expect(err.message).toBe("$and/$or/$nor must be a nonempty array");
  });

  it("unknown aggregation stage: 40324", async () => {
    const c = mongo.db().collection("c");
    await c.insertOne({ a: 1 });
    const err = await serverError(c.aggregate([{ $notAStage: 1 }]).toArray());
    expect(err.code).toBe(40324);
    expect(err.message).toBe("Unrecognized pipeline stage name: '$notAStage'");
  });

  it("bad sort value: 15974 / 2", async () => {
    const c = mongo.db().collection("c");
    await c.insertOne({ a: 1 });
    const err = await serverError(c.db.command({ find: "c", sort: { a: "sideways" } }));
    expect([2, 15974, 15975]).toContain(err.code);
  });

  it("hint naming no index: 2 BadValue", async () => {
    const c = mongo.db().collection("c");
    await c.insertOne({ a: 1 });
    const err = await serverError(c.find({ a: 1 }).hint("nope_1").toArray());
    expect(err.code).toBe(2);
    expect(err.message).toBe("hint provided does not correspond to an existing index");
  });
});

describe("write errors", () => {
  it("duplicate key: 11000 with keyPattern and keyValue of a compound unique index", async () => {
    const db = mongo.db();
    const c = db.collection("c");
    await c.createIndex({ tenant: 1, slug: 1 }, { unique: true });
    await c.insertOne({ tenant: "t", slug: "s" });
    const err = await serverError(c.insertOne({ tenant: "t", slug: "s" }));
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ tenant: 1, slug: 1 });
    expect(err.keyValue).toEqual({ tenant: "t", slug: "s" });
    expect(err.message).toBe(
      `E11000 duplicate key error collection: ${db.databaseName}.c index: tenant_1_slug_1 dup key: { tenant: "t", slug: "s" }`,
    );
  });

  it("immutable _id: 66 ImmutableField", async () => {
    const c = mongo.db().collection<{ _id: number }>("c");
    await c.insertOne({ _id: 1 });
    const err = await serverError(c.updateOne({ _id: 1 }, { $inc: { _id: 1 } }));
    expect(err).toMatchObject({ code: 66, codeName: "ImmutableField" });
  });

  it("an array as _id: 2 BadValue (53 InvalidIdField in newer servers)", async () => {
    const c = mongo.db().collection("c");
    const err = await serverError(c.insertOne({ _id: [1, 2] } as never));
    expect([2, 53]).toContain(err.code);
    expect(["The '_id' value cannot be of type array", "can't use an array for _id"]).toContain(err.message);
    expect(await c.countDocuments()).toBe(0);
  });

  it("writes through a failed command leave the collection unchanged", async () => {
    const c = mongo.db().collection<{ _id: number; n: number }>("c");
    await c.insertOne({ _id: 1, n: 1 });
    await serverError(c.updateOne({ _id: 1 }, { $set: { n: 2 }, $frob: {} } as never));
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, n: 1 });
  });
});
