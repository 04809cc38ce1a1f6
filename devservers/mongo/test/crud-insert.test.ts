import {
  Binary,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  MongoBulkWriteError,
  ObjectId,
  Timestamp,
} from "mongodb";
import { describe, expect, it } from "vitest";
import { type AnyDoc, serverError, setupMongo } from "./support";

const mongo = setupMongo();

describe("insert", () => {
  it("acknowledges insertOne with the driver-generated ObjectId", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    const res = await c.insertOne({ title: "hello" });
    expect(res.acknowledged).toBe(true);
    expect(res.insertedId).toBeInstanceOf(ObjectId);
    expect(await c.find().toArray()).toEqual([{ _id: res.insertedId, title: "hello" }]);
  });

  it("keeps a client-chosen _id of any non-array type", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    const ids = ["s", 7, { a: 1, b: 2 }, new Date(0), 2.5];
    for (const [i, _id] of ids.entries()) await c.insertOne({ _id, k: String(i) });
    for (const [i, _id] of ids.entries()) expect(await c.findOne({ _id })).toEqual({ _id, k: String(i) });
  });

  it("stores every BSON type and gives it back unchanged", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    const doc = {
      _id: 1,
      int: new Int32(7),
      long: Long.fromString("9007199254740993"),
      double: new Double(1.5),
      wholeDouble: new Double(2),
      decimal: Decimal128.fromString("1.10"),
      str: "ünïcødé ✓",
      bool: false,
      date: new Date("2024-02-29T12:34:56.789Z"),
      nil: null,
      oid: new ObjectId("65a1b2c3d4e5f60718293a4b"),
      bin: new Binary(Buffer.from([0, 1, 2, 255])),
      uuid: new Binary(Buffer.from("0123456789abcdef0123456789abcdef", "hex"), Binary.SUBTYPE_UUID),
      regex: /ab+c/i,
      ts: new Timestamp({ t: 1700000000, i: 3 }),
      min: new MinKey(),
      max: new MaxKey(),
      nested: { deep: { deeper: [1, [2, 3], { x: "y" }] } },
      emptyObj: {},
      emptyArr: [],
    };
    await c.insertOne(doc);
    const back = await c.findOne({ _id: 1 }, { promoteValues: false, promoteLongs: false });
    expect(back).not.toBeNull();
    expect(Object.keys(back ?? {})).toEqual(Object.keys(doc));
    expect(back?.int).toBeInstanceOf(Int32);
    expect(back?.int.value).toBe(7);
    expect(back?.long).toBeInstanceOf(Long);
    expect(back?.long.toString()).toBe("9007199254740993");
    expect(back?.double).toBeInstanceOf(Double);
    expect(back?.wholeDouble).toBeInstanceOf(Double);
    expect(back?.wholeDouble.value).toBe(2);
    expect(back?.decimal.toString()).toBe("1.10");
    const plain = await c.findOne({ _id: 1 });
    expect(plain).toEqual({
      ...doc,
      int: 7,
      long: Long.fromString("9007199254740993"),
      double: 1.5,
      wholeDouble: 2,
    });
    expect(plain?.regex).toEqual(/ab+c/i);
  });

  it("keeps field order as inserted", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.insertOne({ _id: 1, z: 1, a: 2, m: { y: 1, b: 2 } } as never);
    const back = await c.findOne({ _id: 1 } as never);
    expect(Object.keys(back ?? {})).toEqual(["_id", "z", "a", "m"]);
    expect(Object.keys(back?.m ?? {})).toEqual(["y", "b"]);
  });

  it("inserts many and reports each generated id by position", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    const res = await c.insertMany([{ n: 0 }, { n: 1 }, { n: 2 }]);
    expect(res.insertedCount).toBe(3);
    expect(Object.keys(res.insertedIds)).toEqual(["0", "1", "2"]);
    const docs = await c.find().sort({ n: 1 }).toArray();
    expect(docs.map((d) => d._id)).toEqual([res.insertedIds[0], res.insertedIds[1], res.insertedIds[2]]);
  });

  it("rejects a duplicate _id with 11000 and the key details", async () => {
    const db = mongo.db();
    const c = db.collection<{ _id: number | string }>("c");
    await c.insertOne({ _id: 1 });
    const err = await serverError(c.insertOne({ _id: 1 }));
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ _id: 1 });
    expect(err.keyValue).toEqual({ _id: 1 });
    expect(err.message).toBe(
      `E11000 duplicate key error collection: ${db.databaseName}.c index: _id_ dup key: { _id: 1 }`,
    );
    await c.insertOne({ _id: "k" });
    const str = await serverError(c.insertOne({ _id: "k" }));
    expect(str.message).toBe(
      `E11000 duplicate key error collection: ${db.databaseName}.c index: _id_ dup key: { _id: "k" }`,
    );
  });

  it("stops an ordered insertMany at the first duplicate", async () => {
    const c = mongo.db().collection<{ _id: number }>("c");
    const err = await serverError(c.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 1 }, { _id: 3 }]));
    expect(err).toBeInstanceOf(MongoBulkWriteError);
    const bulk = err as MongoBulkWriteError;
    expect(bulk.code).toBe(11000);
    expect(bulk.insertedCount).toBe(2);
    expect(bulk.writeErrors).toHaveLength(1);
    const [first] = Array.isArray(bulk.writeErrors) ? bulk.writeErrors : [bulk.writeErrors];
    expect(first?.index).toBe(2);
    expect(first?.code).toBe(11000);
    expect(await c.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 1 }, { _id: 2 }]);
  });

  it("goes on past duplicates in an unordered insertMany and reports each", async () => {
    const c = mongo.db().collection<{ _id: number }>("c");
    await c.insertOne({ _id: 2 });
    const err = await serverError(
      c.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }, { _id: 3 }, { _id: 4 }], { ordered: false }),
    );
    const bulk = err as MongoBulkWriteError;
    expect(bulk).toBeInstanceOf(MongoBulkWriteError);
    expect(bulk.insertedCount).toBe(3);
    const errors = Array.isArray(bulk.writeErrors) ? bulk.writeErrors : [bulk.writeErrors];
    expect(errors.map((e) => [e.index, e.code])).toEqual([
      [1, 11000],
      [3, 11000],
    ]);
    expect(await c.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1 },
      { _id: 2 },
      { _id: 3 },
      { _id: 4 },
    ]);
  });

  it("answers a raw insert with n and writeErrors", async () => {
    const db = mongo.db();
    await db.collection("c").insertOne({ _id: 5 } as never);
    const res = await db.command({
      insert: "c",
      documents: [{ _id: 4 }, { _id: 5 }, { _id: 6 }],
      ordered: false,
    });
    expect(res.n).toBe(2);
    expect(res.ok).toBe(1);
    expect(res.writeErrors).toHaveLength(1);
    expect(res.writeErrors[0]).toMatchObject({
      index: 1,
      code: 11000,
      keyPattern: { _id: 1 },
      keyValue: { _id: 5 },
    });
  });

  it("adds _id first when the client sends a document without one", async () => {
    const db = mongo.db();
    const res = await db.command({ insert: "c", documents: [{ a: 1, b: 2 }] });
    expect(res.n).toBe(1);
    const [doc] = await db.collection("c").find().toArray();
    expect(Object.keys(doc ?? {})).toEqual(["_id", "a", "b"]);
    expect(doc?._id).toBeInstanceOf(ObjectId);
  });

  it("accepts a large insertMany that the driver splits into several messages", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    const big = "x".repeat(1024 * 1024);
    const docs = Array.from({ length: 60 }, (_, i) => ({ _id: i, big }));
    const res = await c.insertMany(docs as never[]);
    expect(res.insertedCount).toBe(60);
    expect(await c.countDocuments()).toBe(60);
    const last = await c.findOne({ _id: 59 } as never);
    expect(last?.big.length).toBe(1024 * 1024);
  });

  it("stores and returns a document of 15 MB", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    const big = "y".repeat(15 * 1024 * 1024);
    await c.insertOne({ _id: 1, big });
    const back = await c.findOne({ _id: 1 });
    expect(back?.big.length).toBe(big.length);
    expect(back?.big === big).toBe(true);
  });

  it("rejects an invalid collection name (73 InvalidNamespace)", async () => {
    const c = mongo.db().collection("a$b");
    const err = await serverError(c.insertOne({ a: 1 }));
    expect(err.code).toBe(73);
    expect(err.codeName).toBe("InvalidNamespace");
  });

  it("rejects a document over 16 MB", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    const err = await c.insertOne({ big: "x".repeat(17 * 1024 * 1024) }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(await c.countDocuments()).toBe(0);
  });
});
