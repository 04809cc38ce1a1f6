import { ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import { type AnyDoc, serverError, setupMongo } from "./support";

const mongo = setupMongo();

type Doc = AnyDoc;

async function seeded() {
  const c = mongo.db().collection<Doc>("c");
  await c.insertMany([
    { _id: 1, k: "a", n: 3 },
    { _id: 2, k: "a", n: 1 },
    { _id: 3, k: "b", n: 2 },
  ]);
  return c;
}

describe("findOneAndUpdate", () => {
  it("returns the document as it was before the update by default", async () => {
    const c = await seeded();
    const before = await c.findOneAndUpdate({ _id: 1 }, { $inc: { n: 10 } });
    expect(before).toEqual({ _id: 1, k: "a", n: 3 });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, k: "a", n: 13 });
  });

  it("returns the updated document with returnDocument: after, projected", async () => {
    const c = await seeded();
    const after = await c.findOneAndUpdate(
      { _id: 2 },
      { $set: { n: 7 } },
      { returnDocument: "after", projection: { n: 1, _id: 0 } },
    );
    expect(after).toEqual({ n: 7 });
  });

  it("picks the first document in sort order", async () => {
    const c = await seeded();
    const asc = await c.findOneAndUpdate({ k: "a" }, { $set: { picked: true } }, { sort: { n: 1 } });
    expect(asc?._id).toBe(2);
    const desc = await c.findOneAndUpdate({}, { $set: { top: true } }, { sort: { n: -1 } });
    expect(desc?._id).toBe(1);
  });

  it("returns null when nothing matches", async () => {
    const c = await seeded();
    expect(await c.findOneAndUpdate({ k: "zz" }, { $set: { n: 0 } })).toBeNull();
  });

  it("upserts: null before, the new document after", async () => {
    const c = mongo.db().collection<Doc>("c");
    expect(await c.findOneAndUpdate({ k: "x" }, { $set: { n: 1 } }, { upsert: true })).toBeNull();
    const after = await c.findOneAndUpdate(
      { k: "y" },
      { $set: { n: 2 }, $setOnInsert: { fresh: true } },
      { upsert: true, returnDocument: "after" },
    );
    expect(after).toMatchObject({ k: "y", n: 2, fresh: true });
    expect(after?._id).toBeInstanceOf(ObjectId);
    expect(await c.countDocuments()).toBe(2);
  });

  it("reports lastErrorObject with includeResultMetadata", async () => {
    const c = await seeded();
    const updated = await c.findOneAndUpdate(
      { _id: 3 },
      { $set: { n: 9 } },
      { includeResultMetadata: true, returnDocument: "after" },
    );
    expect(updated).toMatchObject({
      ok: 1,
      value: { _id: 3, k: "b", n: 9 },
      lastErrorObject: { n: 1, updatedExisting: true },
    });
    const upserted = await c.findOneAndUpdate(
      { _id: 4 },
      { $set: { n: 4 } },
      { includeResultMetadata: true, upsert: true },
    );
    expect(upserted).toMatchObject({
      ok: 1,
      value: null,
      lastErrorObject: { n: 1, updatedExisting: false, upserted: 4 },
    });
    const none = await c.findOneAndUpdate({ _id: 99 }, { $set: { n: 1 } }, { includeResultMetadata: true });
    expect(none).toMatchObject({ ok: 1, value: null, lastErrorObject: { n: 0, updatedExisting: false } });
  });

  it("applies arrayFilters", async () => {
    const c = mongo.db().collection<Doc>("c");
    await c.insertOne({ _id: 1, g: [1, 5, 9] });
    const after = await c.findOneAndUpdate(
      { _id: 1 },
      { $set: { "g.$[big]": 0 } },
      { arrayFilters: [{ big: { $gt: 4 } }], returnDocument: "after" },
    );
    expect(after).toEqual({ _id: 1, g: [1, 0, 0] });
  });

  it("accepts a pipeline update", async () => {
    const c = await seeded();
    const after = await c.findOneAndUpdate({ _id: 1 }, [{ $set: { double: { $multiply: ["$n", 2] } } }], {
      returnDocument: "after",
    });
    expect(after).toEqual({ _id: 1, k: "a", n: 3, double: 6 });
  });

  it("reports errors of the update (66 ImmutableField)", async () => {
    const c = await seeded();
    const err = await serverError(c.findOneAndUpdate({ _id: 1 }, { $set: { _id: 5 } }));
    expect(err.code).toBe(66);
  });
});

describe("findOneAndReplace and findOneAndDelete", () => {
  it("replaces and returns either image", async () => {
    const c = await seeded();
    expect(await c.findOneAndReplace({ _id: 1 }, { k: "r" })).toEqual({ _id: 1, k: "a", n: 3 });
    expect(await c.findOneAndReplace({ _id: 1 }, { k: "s" }, { returnDocument: "after" })).toEqual({
      _id: 1,
      k: "s",
    });
    const up = await c.findOneAndReplace({ _id: 8 }, { k: "new" }, { upsert: true, returnDocument: "after" });
    expect(up).toEqual({ _id: 8, k: "new" });
  });

  it("deletes and returns the deleted document, in sort order", async () => {
    const c = await seeded();
    const gone = await c.findOneAndDelete({ k: "a" }, { sort: { n: -1 } });
    expect(gone).toEqual({ _id: 1, k: "a", n: 3 });
    expect(await c.countDocuments()).toBe(2);
    const meta = await c.findOneAndDelete({ _id: 3 }, { includeResultMetadata: true, projection: { k: 1 } });
    expect(meta).toMatchObject({ ok: 1, value: { _id: 3, k: "b" }, lastErrorObject: { n: 1 } });
    expect(await c.findOneAndDelete({ _id: 3 })).toBeNull();
  });

  it("answers the raw findAndModify command", async () => {
    const c = await seeded();
    const res = await c.db.command({
      findAndModify: "c",
      query: { k: "a" },
      sort: { n: 1 },
      update: { $inc: { n: 100 } },
      new: true,
      fields: { n: 1 },
    });
    expect(res).toMatchObject({
      ok: 1,
      value: { _id: 2, n: 101 },
      lastErrorObject: { n: 1, updatedExisting: true },
    });
    const removed = await c.db.command({ findAndModify: "c", query: { _id: 3 }, remove: true });
    expect(removed).toMatchObject({ ok: 1, value: { _id: 3, k: "b", n: 2 }, lastErrorObject: { n: 1 } });
  });
});
