/**
 * Answers that differ between server versions and must be mongod 7.0's (the server reports 7.0):
 * `sort` on update/replace statements is an 8.0 feature (7.0's parser refuses the field), a
 * pipeline update replaces the document the way a replacement does (an absent `_id` is kept, an
 * equal one accepted, only a changed one is 66), and an `_id` holding `$`-prefixed fields cannot
 * be stored.
 */
import { Int32 } from "mongodb";
import { describe, expect, it } from "vitest";
import { type AnyDoc, serverError, setupMongo } from "./support";

const mongo = setupMongo();

async function seeded() {
  const c = mongo.db().collection<AnyDoc>("c");
  await c.insertMany([
    { _id: 1, x: 11, t: { u: { v: 1 } } },
    { _id: 2, x: 22 },
    { _id: 3, x: 33 },
  ]);
  return c;
}

describe("update and replace with a sort option (8.0 only)", () => {
  it("updateOne: 40415, nothing changed", async () => {
    const c = await seeded();
    const err = await serverError(
      c.updateOne({ _id: { $gt: 1 } }, { $inc: { x: 1 } }, { sort: { _id: -1 } }),
    );
    expect(err.code).toBe(40415);
    expect(err.message).toBe("BSON field 'update.updates.sort' is an unknown field.");
    expect(await c.find({}, { projection: { _id: 0, x: 1 } }).toArray()).toEqual([
      { x: 11 },
      { x: 22 },
      { x: 33 },
    ]);
  });

  it("replaceOne: 40415, nothing changed", async () => {
    const c = await seeded();
    const err = await serverError(c.replaceOne({ _id: { $gt: 1 } }, { x: 1 }, { sort: { _id: -1 } }));
    expect(err.code).toBe(40415);
    expect((await c.findOne({ _id: 3 }))?.x).toBe(33);
  });

  it("bulkWrite: the whole command is refused, earlier statements included", async () => {
    const c = await seeded();
    const err = await serverError(
      c.bulkWrite([
        { updateOne: { filter: { _id: 1 }, update: { $set: { x: 0 } } } },
        { updateOne: { filter: { _id: { $gt: 1 } }, update: { $set: { x: 0 } }, sort: { _id: -1 } } },
      ]),
    );
    expect(err.code).toBe(40415);
    expect(await c.countDocuments({ x: 0 })).toBe(0);
  });

  it("findOneAndUpdate keeps its sort (findAndModify has always had one)", async () => {
    const c = await seeded();
    const before = await c.findOneAndUpdate({}, { $inc: { x: 1 } }, { sort: { x: -1 } });
    expect(before?._id).toBe(3);
  });
});

describe("pipeline updates and _id", () => {
  it("a pipeline whose output has no _id keeps the original one", async () => {
    const c = await seeded();
    const r = await c.updateOne({ _id: 1 }, [
      { $replaceRoot: { newRoot: "$t" } },
      { $addFields: { foo: 1 } },
    ]);
    expect(r).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, u: { v: 1 }, foo: 1 });
    const unset = await c.updateOne({ _id: 2 }, [{ $unset: "_id" }]);
    expect(unset.matchedCount).toBe(1);
    expect(await c.findOne({ _id: 2 })).toEqual({ _id: 2, x: 22 });
  });

  it("setting _id to its current value is accepted", async () => {
    const c = await seeded();
    const same = await c.updateOne({ _id: 2 }, [{ $set: { _id: "$_id", y: 1 } }]);
    expect(same).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    const literal = await c.updateMany({ _id: 3 }, [{ $set: { _id: 3 } }]);
    expect(literal).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
    const found = await c.findOneAndUpdate({ _id: 1 }, [{ $replaceWith: { _id: "$_id", z: 1 } }], {
      returnDocument: "after",
    });
    expect(found).toEqual({ _id: 1, z: 1 });
    expect(await c.findOne({ _id: 2 })).toEqual({ _id: 2, x: 22, y: 1 });
  });

  it("changing _id is 66 ImmutableField, reported as for a replacement", async () => {
    const c = await seeded();
    const err = await serverError(c.updateOne({ _id: 2 }, [{ $set: { _id: { $add: ["$_id", 10] } } }]));
    expect(err.code).toBe(66);
    expect(err.message).toBe(
      "After applying the update, the (immutable) field '_id' was found to have been altered to _id: 12",
    );
    expect(await c.findOne({ _id: 2 })).toEqual({ _id: 2, x: 22 });
  });
});

describe("_id with $-prefixed fields", () => {
  it("is refused on insert with 52 DollarPrefixedFieldName", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    const err = await serverError(c.insertOne({ _id: { $a: 1 } }));
    expect(err.code).toBe(52);
    expect(err.message).toBe("_id fields may not contain '$'-prefixed fields: $a is not valid for storage.");
    expect(await c.countDocuments()).toBe(0);
  });

  it("fails only that document of a batch; dotted names and $ keys elsewhere are fine", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    const err = await serverError(
      c.insertMany([{ _id: { "a.b": 1 } }, { _id: { $x: 1 } }, { _id: 3, a: { $b: 1 } }], { ordered: false }),
    );
    expect(err.code).toBe(52);
    const ids = (await c.find({}, { sort: { _id: 1 } }).toArray()).map((d) => d._id);
    expect(ids).toEqual([3, { "a.b": 1 }]);
  });
});

describe("counting pipelines", () => {
  it("answer an int32 count, honour skip and limit, and produce no document for nothing counted", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.insertMany(Array.from({ length: 30 }, (_, i) => ({ _id: i, even: i % 2 === 0 })));
    expect(await c.countDocuments({ even: true })).toBe(15);
    expect(await c.countDocuments({ even: true }, { skip: 10, limit: 3 })).toBe(3);
    expect(await c.countDocuments({ even: true }, { skip: 14 })).toBe(1);
    expect(await c.countDocuments({ nothing: 1 })).toBe(0);
    const raw = await c
      .aggregate([{ $match: { even: false } }, { $group: { _id: 1, n: { $sum: 1 } } }], {
        promoteValues: false,
      })
      .toArray();
    expect(raw).toEqual([{ _id: new Int32(1), n: new Int32(15) }]);
    const counted = await c
      .aggregate([{ $match: { _id: { $gte: 25 } } }, { $count: "left" }], { promoteValues: false })
      .toArray();
    expect(counted).toEqual([{ left: new Int32(5) }]);
    expect(await c.aggregate([{ $match: { _id: -1 } }, { $count: "none" }]).toArray()).toEqual([]);
  });
});
