import type { MongoClient } from "mongodb";
import { describe, expect, it } from "vitest";
import { setupMongo, uniqueName } from "./support";

const mongo = setupMongo();

async function clients(n: number): Promise<MongoClient[]> {
  return Promise.all(Array.from({ length: n }, () => mongo.connect({ maxPoolSize: 4 })));
}

describe("many clients at once", () => {
  it("serves 40 clients connected at the same time", async () => {
    const many = await clients(40);
    const replies = await Promise.all(many.map((c) => c.db("admin").command({ ping: 1 })));
    expect(replies.every((r) => r.ok === 1)).toBe(true);
    const status = await mongo.client.db("admin").command({ serverStatus: 1 });
    expect(status.connections.current).toBeGreaterThanOrEqual(41);
  });

  it("keeps every insert from 16 clients writing in parallel", async () => {
    const name = mongo.db().databaseName;
    const writers = await clients(16);
    await Promise.all(
      writers.map(async (client, w) => {
        const c = client.db(name).collection("c");
        for (let i = 0; i < 50; i++) await c.insertOne({ _id: `${w}-${i}` as never, w, i });
      }),
    );
    const c = mongo.client.db(name).collection("c");
    expect(await c.countDocuments()).toBe(800);
    const perWriter = await c
      .aggregate([{ $group: { _id: "$w", n: { $sum: 1 } } }, { $sort: { _id: 1 } }])
      .toArray();
    expect(perWriter).toEqual(Array.from({ length: 16 }, (_, w) => ({ _id: w, n: 50 })));
  });

  it("applies concurrent $inc on one document exactly once each", async () => {
    const name = mongo.db().databaseName;
    await mongo.client
      .db(name)
      .collection("c")
      .insertOne({ _id: "counter" as never, n: 0 });
    const writers = await clients(10);
    await Promise.all(
      writers.map(async (client) => {
        const c = client.db(name).collection("c");
        await Promise.all(
          Array.from({ length: 30 }, () => c.updateOne({ _id: "counter" as never }, { $inc: { n: 1 } })),
        );
      }),
    );
    expect(await mongo.client.db(name).collection("c").findOne({})).toEqual({ _id: "counter", n: 300 });
  });

  it("lets exactly one of many racing inserts take a unique key", async () => {
    const name = mongo.db().databaseName;
    const c0 = mongo.client.db(name).collection("users");
    await c0.createIndex({ email: 1 }, { unique: true });
    const racers = await clients(12);
    const results = await Promise.allSettled(
      racers.map((client, i) => client.db(name).collection("users").insertOne({ email: "same@x", i })),
    );
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r.reason as { code?: number }).code)).toEqual(Array(11).fill(11000));
    expect(await c0.countDocuments()).toBe(1);
  });

  it("hands each queued job to exactly one worker through findOneAndUpdate", async () => {
    const name = mongo.db().databaseName;
    const jobs = mongo.client.db(name).collection<{ _id: number; state: string; by?: number }>("jobs");
    await jobs.insertMany(Array.from({ length: 60 }, (_, i) => ({ _id: i, state: "new" })));
    const workers = await clients(8);
    const claimed = await Promise.all(
      workers.map(async (client, w) => {
        const q = client.db(name).collection<{ _id: number; state: string; by?: number }>("jobs");
        const mine: number[] = [];
        for (;;) {
          const job = await q.findOneAndUpdate(
            { state: "new" },
            { $set: { state: "taken", by: w } },
            { sort: { _id: 1 }, returnDocument: "after" },
          );
          if (!job) return mine;
          expect(job.by).toBe(w);
          mine.push(job._id);
        }
      }),
    );
    const all = claimed.flat().sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(await jobs.countDocuments({ state: "taken" })).toBe(60);
  });

  it("keeps databases apart under parallel load", async () => {
    const names = [uniqueName(), uniqueName(), uniqueName()];
    const writers = await clients(3);
    try {
      await Promise.all(
        writers.map(async (client, i) => {
          const c = client.db(names[i]).collection("posts");
          await c.insertMany(Array.from({ length: 100 }, (_, j) => ({ j, db: i })));
        }),
      );
      for (const [i, n] of names.entries()) {
        const c = mongo.client.db(n).collection("posts");
        expect(await c.countDocuments()).toBe(100);
        expect(await c.countDocuments({ db: i })).toBe(100);
      }
    } finally {
      for (const n of names) await mongo.client.db(n).dropDatabase();
    }
  });

  it("answers reads while other clients write", async () => {
    const name = mongo.db().databaseName;
    const c = mongo.client.db(name).collection("c");
    await c.insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: i as never, v: i })));
    const [reader, writer] = await clients(2);
    const writes = (async () => {
      const w = writer!.db(name).collection("c");
      for (let i = 200; i < 400; i++) await w.insertOne({ _id: i as never, v: i });
    })();
    let reads = 0;
    let done = false;
    void writes.then(() => {
      done = true;
    });
    while (!done) {
      const n = await reader!
        .db(name)
        .collection("c")
        .countDocuments({ v: { $lt: 200 } });
      expect(n).toBe(200);
      reads++;
    }
    await writes;
    expect(reads).toBeGreaterThan(0);
    expect(await c.countDocuments()).toBe(400);
  });
});
