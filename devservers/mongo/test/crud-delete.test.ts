import { describe, expect, it } from "vitest";
import { setupMongo } from "./support";

const mongo = setupMongo();

type Doc = { _id: number; k: string; n?: number };

async function seeded() {
  const c = mongo.db().collection<Doc>("c");
  await c.insertMany([
    { _id: 1, k: "a", n: 1 },
    { _id: 2, k: "b", n: 2 },
    { _id: 3, k: "a", n: 3 },
    { _id: 4, k: "a", n: 4 },
    { _id: 5, k: "c" },
  ]);
  return c;
}

describe("delete", () => {
  it("deleteOne removes exactly one matching document", async () => {
    const c = await seeded();
    expect(await c.deleteOne({ k: "a" })).toEqual({ acknowledged: true, deletedCount: 1 });
    expect(await c.countDocuments({ k: "a" })).toBe(2);
    expect(await c.countDocuments()).toBe(4);
  });

  it("deleteMany removes every matching document", async () => {
    const c = await seeded();
    expect(await c.deleteMany({ n: { $gte: 2 } })).toEqual({ acknowledged: true, deletedCount: 3 });
    expect((await c.find().toArray()).map((d) => d._id)).toEqual([1, 5]);
  });

  it("reports zero when nothing matches", async () => {
    const c = await seeded();
    expect(await c.deleteOne({ k: "zzz" })).toEqual({ acknowledged: true, deletedCount: 0 });
    expect(await c.deleteMany({ n: { $gt: 100 } })).toEqual({ acknowledged: true, deletedCount: 0 });
    expect(await c.countDocuments()).toBe(5);
  });

  it("deleteMany with an empty filter empties the collection but keeps it and its indexes", async () => {
    const c = await seeded();
    await c.createIndex({ k: 1 });
    expect((await c.deleteMany({})).deletedCount).toBe(5);
    expect(await c.countDocuments()).toBe(0);
    expect(await c.estimatedDocumentCount()).toBe(0);
    expect((await c.indexes()).map((i) => i.name)).toEqual(["_id_", "k_1"]);
    expect(await c.db.listCollections({ name: "c" }, { nameOnly: true }).toArray()).toHaveLength(1);
  });

  it("frees unique keys of deleted documents", async () => {
    const c = mongo.db().collection<{ _id: number; email: string }>("c");
    await c.createIndex({ email: 1 }, { unique: true });
    await c.insertOne({ _id: 1, email: "a@x" });
    await c.deleteOne({ _id: 1 });
    await c.insertOne({ _id: 2, email: "a@x" });
    expect(await c.find().toArray()).toEqual([{ _id: 2, email: "a@x" }]);
  });

  it("answers the raw delete command with n, per statement limits", async () => {
    const c = await seeded();
    const res = await c.db.command({
      delete: "c",
      deletes: [
        { q: { k: "a" }, limit: 1 },
        { q: { k: "b" }, limit: 0 },
      ],
    });
    expect(res).toMatchObject({ n: 2, ok: 1 });
    expect(await c.countDocuments()).toBe(3);
  });

  it("deletes from a collection that does not exist without error", async () => {
    const c = mongo.db().collection("nope");
    expect(await c.deleteMany({})).toEqual({ acknowledged: true, deletedCount: 0 });
  });
});
