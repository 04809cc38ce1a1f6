import type { Db } from "mongodb";
import { describe, expect, it } from "vitest";
import { type AnyDoc, serverError, setupMongo } from "./support";

const mongo = setupMongo();

// int64 values come back as bigint, so a cursor id sent as int32 or double would show up as a number.
const big = { useBigInt64: true } as const;

async function seeded(n: number): Promise<Db> {
  const db = mongo.db();
  await db.collection<AnyDoc>("c").insertMany(Array.from({ length: n }, (_, i) => ({ _id: i, v: i })));
  return db;
}

describe("cursors through the driver", () => {
  it("iterates every document across many small batches", async () => {
    const db = await seeded(25);
    const seen: number[] = [];
    for await (const doc of db.collection<AnyDoc>("c").find({}).sort({ _id: 1 }).batchSize(3))
      seen.push(doc._id);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it("honours limit across batches", async () => {
    const db = await seeded(25);
    const docs = await db.collection("c").find({}).sort({ _id: -1 }).batchSize(4).limit(10).toArray();
    expect(docs.map((d) => d._id)).toEqual([24, 23, 22, 21, 20, 19, 18, 17, 16, 15]);
  });

  it("iterates an aggregation cursor in batches", async () => {
    const db = await seeded(30);
    const docs = await db
      .collection("c")
      .aggregate([{ $match: { v: { $gte: 5 } } }, { $sort: { v: -1 } }], { batchSize: 4 })
      .toArray();
    expect(docs).toHaveLength(25);
    expect(docs[0]).toEqual({ _id: 29, v: 29 });
  });

  it("closes a half-read cursor on the server", async () => {
    const db = await seeded(20);
    const cursor = db.collection("c").find({}).batchSize(2);
    await cursor.next();
    const id = cursor.id;
    expect(id).toBeDefined();
    await cursor.close();
    const err = await serverError(
      db.command({ getMore: id as unknown as bigint, collection: "c" }, { ...big }),
    );
    expect(err.code).toBe(43);
  });
});

describe("find / getMore / killCursors commands", () => {
  it("returns a first batch and an int64 cursor id, then getMore batches until id 0", async () => {
    const db = await seeded(10);
    const first = await db.command({ find: "c", sort: { _id: 1 }, batchSize: 4 }, big);
    expect(first.ok).toBe(1);
    expect(first.cursor.ns).toBe(`${db.databaseName}.c`);
    expect(first.cursor.firstBatch.map((d: { _id: bigint | number }) => Number(d._id))).toEqual([0, 1, 2, 3]);
    expect(typeof first.cursor.id).toBe("bigint");
    expect(first.cursor.id).not.toBe(0n);

    const second = await db.command({ getMore: first.cursor.id, collection: "c", batchSize: 4 }, big);
    expect(second.cursor.id).toBe(first.cursor.id);
    expect(second.cursor.ns).toBe(`${db.databaseName}.c`);
    expect(second.cursor.nextBatch.map((d: { _id: number }) => Number(d._id))).toEqual([4, 5, 6, 7]);

    const last = await db.command({ getMore: first.cursor.id, collection: "c" }, big);
    expect(last.cursor.nextBatch.map((d: { _id: number }) => Number(d._id))).toEqual([8, 9]);
    expect(last.cursor.id).toBe(0n);

    const gone = await serverError(db.command({ getMore: first.cursor.id, collection: "c" }, big));
    expect(gone.code).toBe(43);
    expect(gone.codeName).toBe("CursorNotFound");
  });

  it("closes the cursor at once when the first batch holds everything", async () => {
    const db = await seeded(3);
    const res = await db.command({ find: "c", batchSize: 10 }, big);
    expect(res.cursor.id).toBe(0n);
    expect(res.cursor.firstBatch).toHaveLength(3);
    const single = await db.command({ find: "c", batchSize: 1, singleBatch: true }, big);
    expect(single.cursor.id).toBe(0n);
    expect(single.cursor.firstBatch).toHaveLength(1);
  });

  it("uses a default first batch of 101 documents", async () => {
    const db = await seeded(150);
    const res = await db.command({ find: "c" }, big);
    expect(res.cursor.firstBatch).toHaveLength(101);
    const rest = await db.command({ getMore: res.cursor.id, collection: "c" }, big);
    expect(rest.cursor.nextBatch).toHaveLength(49);
    expect(rest.cursor.id).toBe(0n);
  });

  it("caps a batch at 16 MB and continues with getMore", async () => {
    const db = mongo.db();
    const mb = "z".repeat(1024 * 1024);
    const c = db.collection<AnyDoc>("c");
    await c.insertMany(Array.from({ length: 40 }, (_, i) => ({ _id: i, mb })));
    const first = await db.command({ find: "c", sort: { _id: 1 } }, big);
    const n = first.cursor.firstBatch.length;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(16);
    expect(first.cursor.id).not.toBe(0n);
    await db.command({ killCursors: "c", cursors: [first.cursor.id] }, big);
    const all = await c.find({}, { sort: { _id: 1 }, projection: { _id: 1 } }).toArray();
    expect(all).toHaveLength(40);
    let count = 0;
    for await (const doc of c.find({}).sort({ _id: 1 })) {
      expect(doc.mb.length).toBe(mb.length);
      count++;
    }
    expect(count).toBe(40);
  });

  it("closes the cursor when a limit is reached exactly", async () => {
    const db = await seeded(10);
    const first = await db.command({ find: "c", sort: { _id: 1 }, limit: 4, batchSize: 2 }, big);
    expect(first.cursor.id).not.toBe(0n);
    const second = await db.command({ getMore: first.cursor.id, collection: "c", batchSize: 2 }, big);
    expect(second.cursor.nextBatch.map((d: { _id: number }) => Number(d._id))).toEqual([2, 3]);
    expect(second.cursor.id).toBe(0n);
  });

  it("opens an aggregate cursor with an empty first batch for batchSize 0", async () => {
    const db = await seeded(5);
    const res = await db.command(
      { aggregate: "c", pipeline: [{ $sort: { _id: 1 } }], cursor: { batchSize: 0 } },
      big,
    );
    expect(res.cursor.firstBatch).toEqual([]);
    expect(res.cursor.id).not.toBe(0n);
    const rest = await db.command({ getMore: res.cursor.id, collection: "c" }, big);
    expect(rest.cursor.nextBatch.map((d: { _id: number }) => Number(d._id))).toEqual([0, 1, 2, 3, 4]);
    expect(rest.cursor.id).toBe(0n);
  });

  it("kills cursors and reports which it found", async () => {
    const db = await seeded(10);
    const a = await db.command({ find: "c", batchSize: 1 }, big);
    const b = await db.command({ find: "c", batchSize: 1 }, big);
    const unknown = 1234567n;
    const res = await db.command({ killCursors: "c", cursors: [a.cursor.id, unknown] }, big);
    expect(res).toMatchObject({
      cursorsKilled: [a.cursor.id],
      cursorsNotFound: [unknown],
      cursorsAlive: [],
      cursorsUnknown: [],
      ok: 1,
    });
    const err = await serverError(db.command({ getMore: a.cursor.id, collection: "c" }, big));
    expect(err.code).toBe(43);
    expect(err.message).toBe(`cursor id ${a.cursor.id} not found`);
    const stillOpen = await db.command({ getMore: b.cursor.id, collection: "c", batchSize: 1 }, big);
    expect(stillOpen.cursor.nextBatch).toHaveLength(1);
  });

  it("continues a cursor from another connection", async () => {
    const db = await seeded(6);
    const first = await db.command({ find: "c", sort: { _id: 1 }, batchSize: 2 }, big);
    const other = await mongo.connect();
    const rest = await other.db(db.databaseName).command({ getMore: first.cursor.id, collection: "c" }, big);
    expect(rest.cursor.nextBatch.map((d: { _id: number }) => Number(d._id))).toEqual([2, 3, 4, 5]);
  });

  it("refuses a getMore naming another collection (13 Unauthorized)", async () => {
    const db = await seeded(6);
    const first = await db.command({ find: "c", batchSize: 2 }, big);
    const err = await serverError(db.command({ getMore: first.cursor.id, collection: "other" }, big));
    expect(err.code).toBe(13);
    expect(err.codeName).toBe("Unauthorized");
    const rest = await db.command({ getMore: first.cursor.id, collection: "c" }, big);
    expect(rest.cursor.nextBatch).toHaveLength(4);
  });

  it("gives distinct ids to concurrently open cursors", async () => {
    const db = await seeded(10);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => db.command({ find: "c", batchSize: 1 }, big)),
    );
    const ids = new Set(results.map((r) => String(r.cursor.id)));
    expect(ids.size).toBe(20);
    await db.command({ killCursors: "c", cursors: results.map((r) => r.cursor.id) }, big);
  });

  it("sees the documents a cursor was opened for while they are read in batches", async () => {
    const db = await seeded(6);
    const first = await db.command(
      { find: "c", filter: { v: { $lt: 100 } }, sort: { _id: 1 }, batchSize: 2 },
      big,
    );
    const rest = await db.command({ getMore: first.cursor.id, collection: "c", batchSize: 100 }, big);
    const all = [...first.cursor.firstBatch, ...rest.cursor.nextBatch].map((d: { _id: number }) =>
      Number(d._id),
    );
    expect(all).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
