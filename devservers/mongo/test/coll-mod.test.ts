import { MongoServerError } from "mongodb";
import { describe, expect, it } from "vitest";
import { type AnyDoc, serverError, setupMongo } from "./support";

const mongo = setupMongo();

async function withIndexes() {
  const db = mongo.db();
  const events = db.collection<AnyDoc>("events");
  await events.insertOne({ _id: 1, at: new Date(), kind: "a" });
  await events.createIndex({ at: 1 }, { expireAfterSeconds: 3600 });
  await events.createIndex({ kind: 1 });
  return { db, events };
}

describe("collMod", () => {
  it("changes a TTL index's expireAfterSeconds by key pattern or name, answering old and new", async () => {
    const { db, events } = await withIndexes();
    const reply = await db.command({
      collMod: "events",
      index: { keyPattern: { at: 1 }, expireAfterSeconds: 60 },
    });
    expect(reply).toEqual({ expireAfterSeconds_old: 3600, expireAfterSeconds_new: 60, ok: 1 });
    expect((await events.indexes()).find((i) => i.name === "at_1")?.expireAfterSeconds).toBe(60);

    const again = await db.command({ collMod: "events", index: { name: "at_1", expireAfterSeconds: 120 } });
    expect(again).toEqual({ expireAfterSeconds_old: 60, expireAfterSeconds_new: 120, ok: 1 });
    expect((await events.indexes()).find((i) => i.name === "at_1")?.expireAfterSeconds).toBe(120);
  });

  it("makes a plain single-field index a TTL index (no _old field)", async () => {
    const { db, events } = await withIndexes();
    const reply = await db.command({ collMod: "events", index: { name: "kind_1", expireAfterSeconds: 10 } });
    expect(reply).toEqual({ expireAfterSeconds_new: 10, ok: 1 });
    expect((await events.indexes()).find((i) => i.name === "kind_1")?.expireAfterSeconds).toBe(10);
  });

  it("hides and unhides an index; an unhidden index carries no hidden field", async () => {
    const { db, events } = await withIndexes();
    const hide = await db.command({ collMod: "events", index: { name: "kind_1", hidden: true } });
    expect(hide).toEqual({ hidden_old: false, hidden_new: true, ok: 1 });
    expect((await events.indexes()).find((i) => i.name === "kind_1")).toMatchObject({ hidden: true });
    const show = await db.command({ collMod: "events", index: { keyPattern: { kind: 1 }, hidden: false } });
    expect(show).toEqual({ hidden_old: true, hidden_new: false, ok: 1 });
    expect((await events.indexes()).find((i) => i.name === "kind_1")).not.toHaveProperty("hidden");
  });

  it("a hidden index is not planned nor hintable; unhidden it serves queries again", async () => {
    const { db, events } = await withIndexes();
    const winning = async () =>
      JSON.stringify((await events.find({ kind: "a" }).explain("queryPlanner")).queryPlanner.winningPlan);
    expect(await winning()).toContain("kind_1");
    await db.command({ collMod: "events", index: { name: "kind_1", hidden: true } });
    expect(await winning()).not.toContain("kind_1");
    expect(await winning()).toContain("COLLSCAN");
    const hinted = await serverError(events.find({ kind: "a" }).hint("kind_1").toArray());
    expect(hinted.code).toBe(2);
    expect(await events.countDocuments({ kind: "a" })).toBe(1);
    await db.command({ collMod: "events", index: { name: "kind_1", hidden: false } });
    expect(await winning()).toContain("kind_1");
  });

  it("answers 27 for an unknown index and 72 for a request that changes nothing", async () => {
    const { db } = await withIndexes();
    const missing = await serverError(
      db.command({ collMod: "events", index: { name: "nope", hidden: true } }),
    );
    expect(missing.code).toBe(27);
    expect(missing.codeName).toBe("IndexNotFound");
    expect(missing.message).toBe(`cannot find index nope for ns ${db.databaseName}.events`);

    const nothing = await serverError(db.command({ collMod: "events", index: { name: "kind_1" } }));
    expect(nothing.code).toBe(72);
    expect(nothing.message).toBe("no expireAfterSeconds, hidden, unique, or prepareUnique field");

    const both = await serverError(
      db.command({ collMod: "events", index: { name: "kind_1", keyPattern: { kind: 1 }, hidden: true } }),
    );
    expect(both.code).toBe(72);
    expect(both.message).toBe("Cannot specify both key pattern and name.");
  });

  it("honours a validator or refuses it, never ignores it", async () => {
    const { db, events } = await withIndexes();
    let outcome: unknown;
    try {
      outcome = await db.command({ collMod: "events", validator: { kind: { $type: "string" } } });
    } catch (error) {
      if (!(error instanceof MongoServerError)) throw error;
      expect(error.code).toBe(238);
      expect(error.message).toContain("validator");
      return;
    }
    expect(outcome).toMatchObject({ ok: 1 });
    expect((await serverError(events.insertOne({ kind: 5 }))).code).toBe(121);
  });
});
