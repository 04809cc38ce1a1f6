/**
 * `let` (query variables) on find, aggregate, update, delete, findAndModify and bulk writes, as
 * mongod 7.0 answers: `$$name` resolves in `$expr`, in pipeline updates and in aggregation
 * stages; each value is an expression evaluated once; names and undefined variables are checked.
 */
import { Double } from "mongodb";
import { describe, expect, it } from "vitest";
import { type AnyDoc, serverError, setupMongo } from "./support";

const mongo = setupMongo();

async function two() {
  const c = mongo.db().collection<AnyDoc>("coll0");
  await c.insertMany([{ _id: 1 }, { _id: 2 }]);
  return c;
}

const byId = { $expr: { $eq: ["$_id", "$$id"] } };

describe("reads", () => {
  it("find: $$name in $expr", async () => {
    const c = await two();
    expect(await c.find(byId, { let: { id: 1 } }).toArray()).toEqual([{ _id: 1 }]);
    expect(
      await c.find({ $expr: { $gt: ["$_id", { $add: ["$$base", 0.5] }] } }, { let: { base: 1 } }).toArray(),
    ).toEqual([{ _id: 2 }]);
  });

  it("aggregate: values are expressions evaluated once ($literal, $rand), usable in any stage", async () => {
    const c = await two();
    const out = await c
      .aggregate([{ $match: byId }, { $project: { _id: 0, x: "$$x", y: "$$y", rand: "$$rand" } }], {
        let: { id: 1, x: "foo", y: { $literal: "$bar" }, rand: { $rand: {} } },
        promoteValues: false,
      })
      .toArray();
    expect(out).toHaveLength(1);
    expect(Object.keys(out[0]!)).toEqual(["x", "y", "rand"]);
    expect(out[0]).toMatchObject({ x: "foo", y: "$bar" });
    expect(out[0]!.rand).toBeInstanceOf(Double);
    const sum = await c
      .aggregate([{ $group: { _id: null, total: { $sum: { $multiply: ["$_id", "$$factor"] } } } }], {
        let: { factor: 10 },
      })
      .toArray();
    expect(sum).toEqual([{ _id: null, total: 30 }]);
  });

  it("aggregate: $lookup sub-pipelines see the command's variables next to their own", async () => {
    const db = mongo.db();
    await db.collection<AnyDoc>("a").insertMany([{ _id: 1, k: "x" }]);
    await db.collection<AnyDoc>("b").insertMany([
      { _id: 1, k: "x", n: 1 },
      { _id: 2, k: "x", n: 5 },
      { _id: 3, k: "y", n: 9 },
    ]);
    const out = await db
      .collection("a")
      .aggregate(
        [
          {
            $lookup: {
              from: "b",
              let: { key: "$k" },
              pipeline: [
                { $match: { $expr: { $and: [{ $eq: ["$k", "$$key"] }, { $gte: ["$n", "$$min"] }] } } },
                { $project: { _id: 1 } },
              ],
              as: "m",
            },
          },
        ],
        { let: { min: 2 } },
      )
      .toArray();
    expect(out).toEqual([{ _id: 1, k: "x", m: [{ _id: 2 }] }]);
  });
});

describe("writes", () => {
  it("updateOne: $$name in the filter and in a pipeline update", async () => {
    const c = await two();
    const r = await c.updateOne(byId, [{ $set: { x: "$$x" } }], { let: { id: 1, x: "foo" } });
    expect(r).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect(await c.find({}, { sort: { _id: 1 } }).toArray()).toEqual([{ _id: 1, x: "foo" }, { _id: 2 }]);
  });

  it("updateMany and replaceOne; an operator update stores '$$x' as a plain string", async () => {
    const c = await two();
    await c.updateMany(
      { $expr: { $gte: ["$_id", "$$from"] } },
      [{ $set: { y: { $add: ["$_id", "$$step"] } } }],
      {
        let: { from: 1, step: 100 },
      },
    );
    await c.updateOne(byId, { $set: { literal: "$$id" } }, { let: { id: 2 } });
    await c.replaceOne(byId, { replaced: true }, { let: { id: 1 } });
    expect(await c.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 1, replaced: true },
      { _id: 2, y: 102, literal: "$$id" },
    ]);
  });

  it("deleteOne and deleteMany", async () => {
    const c = await two();
    expect((await c.deleteOne(byId, { let: { id: 1 } })).deletedCount).toBe(1);
    expect(await c.find().toArray()).toEqual([{ _id: 2 }]);
    expect(
      (await c.deleteMany({ $expr: { $in: ["$_id", "$$ids"] } }, { let: { ids: [2, 3] } })).deletedCount,
    ).toBe(1);
  });

  it("findOneAndUpdate, findOneAndReplace, findOneAndDelete", async () => {
    const c = await two();
    expect(await c.findOneAndUpdate(byId, [{ $set: { x: "$$x" } }], { let: { id: 1, x: "foo" } })).toEqual({
      _id: 1,
    });
    expect(
      await c.findOneAndReplace(byId, { x: "bar" }, { let: { id: 2 }, returnDocument: "after" }),
    ).toEqual({
      _id: 2,
      x: "bar",
    });
    expect(await c.findOneAndDelete(byId, { let: { id: 1 } })).toEqual({ _id: 1, x: "foo" });
    expect(await c.find().toArray()).toEqual([{ _id: 2, x: "bar" }]);
  });

  it("bulkWrite: the command's let applies to every statement", async () => {
    const c = await two();
    const r = await c.bulkWrite(
      [
        { updateOne: { filter: byId, update: [{ $set: { x: "$$x" } }] } },
        { deleteOne: { filter: { $expr: { $eq: ["$_id", "$$other"] } } } },
      ],
      { let: { id: 1, x: "foo", other: 2 } },
    );
    expect(r).toMatchObject({ matchedCount: 1, modifiedCount: 1, deletedCount: 1 });
    expect(await c.find().toArray()).toEqual([{ _id: 1, x: "foo" }]);
  });
});

describe("errors as mongod", () => {
  it("an undefined variable is 17276", async () => {
    const c = await two();
    const err = await serverError(c.find({ $expr: { $eq: ["$_id", "$$missing"] } }).toArray());
    expect(err.code).toBe(17276);
    expect(err.message).toContain("Use of undefined variable: missing");
  });

  it("user variable names start with a lowercase letter and hold letters, digits or _", async () => {
    const c = await two();
    const upper = await serverError(c.find({}, { let: { Id: 1 } }).toArray());
    expect(upper.code).toBe(16867);
    expect(upper.message).toBe("'Id' starts with an invalid character for a user variable name");
    const dash = await serverError(c.find({}, { let: { "a-b": 1 } }).toArray());
    expect(dash.code).toBe(16868);
    expect(dash.message).toBe("'a-b' contains an invalid character for a variable name: '-'");
  });

  it("let must be a document", async () => {
    const c = await two();
    const err = await serverError(mongo.client.db(c.dbName).command({ find: c.collectionName, let: 5 }));
    expect(err.code).toBe(14);
  });
});
