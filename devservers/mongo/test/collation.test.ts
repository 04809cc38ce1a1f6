/**
 * `collation` on operations (find, count, distinct, update, delete, findAndModify, aggregate,
 * bulk writes) as mongod 7.0 answers them through ICU; the spec's validation errors; and, on
 * collections and indexes, either honoured (mongod) or refused with 238 (this server).
 */
import { type CollationOptions, type Collection, MongoServerError } from "mongodb";
import { describe, expect, it } from "vitest";
import { type AnyDoc, serverError, setupMongo } from "./support";

const mongo = setupMongo();

const caseInsensitive = { locale: "en", strength: 2 };
const baseLetters = { locale: "en", strength: 1 };

async function names(): Promise<Collection<AnyDoc>> {
  const c = mongo.db().collection<AnyDoc>("c");
  await c.insertMany([
    { _id: 1, name: "ann" },
    { _id: 2, name: "Ann" },
    { _id: 3, name: "ANN" },
    { _id: 4, name: "Änn" },
    { _id: 5, name: "bob" },
    { _id: 6, name: "Bob" },
  ]);
  return c;
}

const ids = (docs: AnyDoc[]) => docs.map((d) => d._id);

describe("find", () => {
  it("matches by strength: 1 ignores case and accents, 2 case only, 3 (default) neither", async () => {
    const c = await names();
    const find = (collation: CollationOptions) =>
      c.find({ name: "ann" }, { collation, sort: { _id: 1 } }).toArray();
    expect(ids(await find(baseLetters))).toEqual([1, 2, 3, 4]);
    expect(ids(await find(caseInsensitive))).toEqual([1, 2, 3]);
    expect(ids(await find({ locale: "en" }))).toEqual([1]);
    expect(ids(await find({ locale: "simple" }))).toEqual([1]);
  });

  it("compares ranges and $in through the collation", async () => {
    const c = await names();
    const range = await c
      .find({ name: { $gte: "b" } }, { collation: caseInsensitive, sort: { _id: 1 } })
      .toArray();
    expect(ids(range)).toEqual([5, 6]);
    const binary = await c.find({ name: { $gte: "b" } }, { sort: { _id: 1 } }).toArray();
    expect(ids(binary)).toEqual([4, 5]);
    const inList = await c
      .find({ name: { $in: ["BOB", "änn"] } }, { collation: baseLetters, sort: { _id: 1 } })
      .toArray();
    expect(ids(inList)).toEqual([1, 2, 3, 4, 5, 6]);
    const expr = await c
      .find({ $expr: { $eq: ["$name", "BOB"] } }, { collation: caseInsensitive, sort: { _id: 1 } })
      .toArray();
    expect(ids(expr)).toEqual([5, 6]);
  });

  it("sorts in the locale's order (lowercase first, accents after), unlike binary order", async () => {
    const c = await names();
    const sorted = await c.find({}, { collation: { locale: "en" }, sort: { name: 1 } }).toArray();
    expect(sorted.map((d) => d.name)).toEqual(["ann", "Ann", "ANN", "Änn", "bob", "Bob"]);
    const upperFirst = await c
      .find({}, { collation: { locale: "en", caseFirst: "upper" }, sort: { name: 1 } })
      .toArray();
    expect(upperFirst.map((d) => d.name)).toEqual(["ANN", "Ann", "ann", "Änn", "Bob", "bob"]);
    const binary = await c.find({}, { sort: { name: 1 } }).toArray();
    expect(binary.map((d) => d.name)).toEqual(["ANN", "Ann", "Bob", "ann", "bob", "Änn"]);
  });

  it("numericOrdering compares digit runs as numbers", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.insertMany(["10", "9", "2", "100"].map((v, i) => ({ _id: i, v })));
    const numeric = await c
      .find({}, { collation: { locale: "en", numericOrdering: true }, sort: { v: 1 } })
      .toArray();
    expect(numeric.map((d) => d.v)).toEqual(["2", "9", "10", "100"]);
    const text = await c.find({}, { sort: { v: 1 } }).toArray();
    expect(text.map((d) => d.v)).toEqual(["10", "100", "2", "9"]);
  });

  it("alternate: shifted ignores punctuation and spaces", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.insertMany([
      { _id: 1, v: "e-mail" },
      { _id: 2, v: "e mail" },
      { _id: 3, v: "email" },
    ]);
    const found = await c
      .find({ v: "email" }, { collation: { locale: "en", alternate: "shifted" }, sort: { _id: 1 } })
      .toArray();
    expect(ids(found)).toEqual([1, 2, 3]);
  });

  it("answers the same with an index on the field (a collated query may scan)", async () => {
    const c = await names();
    await c.createIndex({ name: 1 });
    const found = await c.find({ name: "ANN" }, { collation: caseInsensitive, sort: { _id: 1 } }).toArray();
    expect(ids(found)).toEqual([1, 2, 3]);
    const plan = await c.find({ name: "ANN" }).collation(caseInsensitive).explain("queryPlanner");
    expect(JSON.stringify(plan.queryPlanner.winningPlan)).not.toContain("name_1");
  });
});

describe("count, distinct, aggregate", () => {
  it("countDocuments and count", async () => {
    const c = await names();
    expect(await c.countDocuments({ name: "ANN" }, { collation: caseInsensitive })).toBe(3);
    expect(await c.countDocuments({ name: "ANN" })).toBe(1);
    const raw = await mongo.client
      .db(c.dbName)
      .command({ count: c.collectionName, query: { name: "bob" }, collation: caseInsensitive });
    expect(raw.n).toBe(2);
  });

  it("distinct keeps one value per collation-equal group", async () => {
    const c = await names();
    expect(await c.distinct("name", {}, { collation: baseLetters })).toHaveLength(2);
    expect((await c.distinct("name", {}, { collation: caseInsensitive })).length).toBe(3);
    expect((await c.distinct("name")).length).toBe(6);
  });

  it("aggregate: $match, $group keys and $sort", async () => {
    const c = await names();
    const matched = await c
      .aggregate([{ $match: { name: "BOB" } }, { $sort: { _id: 1 } }], { collation: caseInsensitive })
      .toArray();
    expect(ids(matched)).toEqual([5, 6]);
    const groups = await c
      .aggregate(
        [{ $group: { _id: "$name", n: { $sum: 1 } } }, { $sort: { n: -1 } }, { $project: { _id: 0, n: 1 } }],
        {
          collation: baseLetters,
        },
      )
      .toArray();
    expect(groups).toEqual([{ n: 4 }, { n: 2 }]);
  });
});

describe("writes", () => {
  it("updateOne/updateMany and replaceOne", async () => {
    const c = await names();
    const many = await c.updateMany({ name: "ann" }, { $set: { hit: true } }, { collation: caseInsensitive });
    expect(many).toMatchObject({ matchedCount: 3, modifiedCount: 3 });
    const one = await c.replaceOne({ name: "BOB" }, { name: "robert" }, { collation: caseInsensitive });
    expect(one.matchedCount).toBe(1);
    expect(await c.countDocuments({ hit: true })).toBe(3);
  });

  it("deleteOne/deleteMany", async () => {
    const c = await names();
    expect((await c.deleteMany({ name: "ANN" }, { collation: baseLetters })).deletedCount).toBe(4);
    expect((await c.deleteOne({ name: "BOB" }, { collation: caseInsensitive })).deletedCount).toBe(1);
    expect(await c.countDocuments()).toBe(1);
  });

  it("findOneAndUpdate matches and sorts through the collation", async () => {
    const c = await names();
    const before = await c.findOneAndUpdate(
      { name: { $lt: "B" } },
      { $set: { picked: true } },
      { collation: { locale: "en" }, sort: { name: -1 } },
    );
    expect(before?.name).toBe("Änn");
    const deleted = await c.findOneAndDelete(
      { name: "BOB" },
      { collation: caseInsensitive, sort: { _id: -1 } },
    );
    expect(deleted?._id).toBe(6);
  });

  it("bulkWrite with a collation per operation", async () => {
    const c = await names();
    const r = await c.bulkWrite([
      { updateMany: { filter: { name: "ann" }, update: { $set: { x: 1 } }, collation: caseInsensitive } },
      { updateOne: { filter: { name: "ann" }, update: { $set: { y: 1 } } } },
      { deleteMany: { filter: { name: "BOB" }, collation: caseInsensitive } },
    ]);
    expect(r).toMatchObject({ matchedCount: 4, modifiedCount: 4, deletedCount: 2 });
    expect(await c.countDocuments({ x: 1 })).toBe(3);
  });
});

describe("validation as mongod", () => {
  const attempt = async (collation: unknown) => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.insertOne({ _id: 1 });
    return serverError(c.find({}, { collation: collation as never }).toArray());
  };

  it("rejects malformed specs with mongod's codes", async () => {
    expect((await attempt({ strength: 2 })).code).toBe(4);
    const badLocale = await attempt({ locale: "xx" });
    expect(badLocale.code).toBe(2);
    expect(badLocale.message).toContain("Field 'locale' is invalid in: { locale: \"xx\" }");
    const strength = await attempt({ locale: "en", strength: 0 });
    expect(strength.code).toBe(9);
    expect(strength.message).toBe("Field 'strength' must be an integer 1 through 5. Got: 0");
    expect((await attempt({ locale: "en", colour: "red" })).code).toBe(9);
    expect((await attempt({ locale: "simple", strength: 1 })).code).toBe(9);
    expect((await attempt({ locale: "en", caseFirst: "sideways" })).code).toBe(9);
    expect((await attempt({ locale: "en", strength: 1, caseFirst: "upper" })).code).toBe(2);
    expect((await attempt({ locale: "en", strength: "2" })).code).toBe(14);
  });
});

describe("where a collation is honoured by mongod and refused here (238), never ignored", () => {
  async function honouredOrRefused<T>(op: () => Promise<T>, honoured: (value: T) => Promise<void>) {
    try {
      const value = await op();
      await honoured(value);
    } catch (error) {
      if (!(error instanceof MongoServerError)) throw error;
      expect(error.code).toBe(238);
    }
  }

  it("an index with a collation", async () => {
    const c = await names();
    await honouredOrRefused(
      () => c.createIndex({ name: 1 }, { collation: caseInsensitive }),
      async () => {
        expect((await c.indexes()).find((i) => i.name === "name_1")?.collation?.locale).toBe("en");
      },
    );
  });

  it("a collection with a default collation", async () => {
    const db = mongo.db();
    await honouredOrRefused(
      () => db.createCollection("people", { collation: caseInsensitive }),
      async () => {
        await db.collection<AnyDoc>("people").insertMany([{ name: "ann" }, { name: "ANN" }]);
        expect(await db.collection("people").countDocuments({ name: "Ann" })).toBe(2);
      },
    );
  });

  it("strengths 4 and 5, and normalization", async () => {
    const c = await names();
    for (const collation of [
      { locale: "en", strength: 4 },
      { locale: "en", strength: 5 },
      { locale: "en", normalization: true },
    ]) {
      await honouredOrRefused(
        () => c.find({ name: "ann" }, { collation }).toArray(),
        async (docs) => {
          expect(ids(docs)).toEqual([1]);
        },
      );
    }
  });

  it("a simple collation on an index or a collection is the default, accepted everywhere", async () => {
    const db = mongo.db();
    await db.createCollection("plain", { collation: { locale: "simple" } });
    await db.collection("plain").createIndex({ a: 1 }, { collation: { locale: "simple" } });
    expect((await db.collection("plain").indexes()).map((i) => i.name)).toEqual(["_id_", "a_1"]);
  });
});
