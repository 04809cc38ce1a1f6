/**
 * Index correctness: what an index must enforce (unique, sparse, partial, compound, multikey), and
 * that answers through an index equal the answers of a collection scan. Where the server supports
 * `explain`, also that equality, range and sort on an index prefix use the index.
 */
import { type Collection, Decimal128, type Document, Double, Int32, Long, MongoServerError } from "mongodb";
import { describe, expect, it } from "vitest";
import { type AnyDoc, serverError, setupMongo, update } from "./support";

const mongo = setupMongo();

describe("unique indexes", () => {
  it("treat a missing field as null, so only one document may lack it", async () => {
    const c = mongo.db().collection("c");
    await c.createIndex({ email: 1 }, { unique: true });
    await c.insertOne({ name: "a" });
    const err = await serverError(c.insertOne({ name: "b" }));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ email: null });
    const explicitNull = await serverError(c.insertOne({ email: null }));
    expect(explicitNull.code).toBe(11000);
  });

  it("compare numbers by value across types", async () => {
    const c = mongo.db().collection("c");
    await c.createIndex({ n: 1 }, { unique: true });
    await c.insertOne({ n: 1 });
    expect((await serverError(c.insertOne({ n: new Double(1) }))).code).toBe(11000);
    expect((await serverError(c.insertOne({ n: Long.fromNumber(1) }))).code).toBe(11000);
    await c.insertOne({ n: "1" });
  });

  it("sparse unique allows many documents without the field", async () => {
    const c = mongo.db().collection("c");
    await c.createIndex({ handle: 1 }, { unique: true, sparse: true });
    await c.insertMany([{ a: 1 }, { a: 2 }, { handle: "h" }]);
    const err = await serverError(c.insertOne({ handle: "h" }));
    expect(err.code).toBe(11000);
    expect(await c.countDocuments()).toBe(3);
  });

  it("partial unique applies only to documents matching the filter", async () => {
    const c = mongo.db().collection("c");
    await c.createIndex({ slug: 1 }, { unique: true, partialFilterExpression: { status: "live" } });
    await c.insertMany([
      { slug: "s", status: "draft" },
      { slug: "s", status: "draft" },
      { slug: "s", status: "live" },
    ]);
    const err = await serverError(c.insertOne({ slug: "s", status: "live" }));
    expect(err.code).toBe(11000);
    const update = await serverError(c.updateOne({ status: "draft" }, { $set: { status: "live" } }));
    expect(update.code).toBe(11000);
    expect(await c.countDocuments({ status: "live" })).toBe(1);
  });

  it("a partial filter with $type tells int32 from int64, also after an update changes the type", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.createIndex({ k: 1 }, { unique: true, partialFilterExpression: { n: { $type: "long" } } });
    await c.insertMany([
      { _id: 1, k: 1, n: new Int32(1) },
      { _id: 2, k: 1, n: 1.5 },
      { _id: 3, k: 1, n: Long.fromNumber(1) },
    ]);
    expect((await serverError(c.insertOne({ _id: 4, k: 1, n: Long.fromNumber(2) }))).code).toBe(11000);
    await c.insertOne({ _id: 5, k: 1, n: new Double(2) });
    const err = await serverError(c.updateOne({ _id: 1 }, { $set: { n: Long.fromNumber(7) } }));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ k: 1 });
    await c.updateOne({ _id: 3 }, { $set: { n: new Int32(1) } });
    await c.updateOne({ _id: 1 }, { $set: { n: Long.fromNumber(7) } });
    expect(await c.countDocuments({ n: { $type: "long" } })).toBe(1);
  });

  it("a partial filter compares Decimal128 bounds by exact value, as a query does", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.createIndex(
      { k: 1 },
      { unique: true, partialFilterExpression: { d: { $gt: Decimal128.fromString("0.1") } } },
    );
    // Equal to the bound: outside the index, so the same key is allowed twice.
    await c.insertMany([
      { _id: 1, k: 1, d: Decimal128.fromString("0.1") },
      { _id: 2, k: 1, d: Decimal128.fromString("0.100") },
      { _id: 3, k: 1, d: 0.05 },
    ]);
    // The double 0.1 is 0.1000000000000000055…, above the decimal 0.1: it is indexed.
    await c.insertOne({ _id: 4, k: 1, d: 0.1 });
    expect((await serverError(c.insertOne({ _id: 5, k: 1, d: Decimal128.fromString("0.2") }))).code).toBe(
      11000,
    );
    await c.insertOne({ _id: 6, k: 2, d: Decimal128.fromString("0.1000000000000000000000000000000001") });
    expect((await serverError(c.insertOne({ _id: 7, k: 2, d: Long.fromNumber(3) }))).code).toBe(11000);
    expect((await c.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id)).toEqual([
      1, 2, 3, 4, 6,
    ]);
  });

  it("compound unique rejects only the same combination", async () => {
    const c = mongo.db().collection("c");
    await c.createIndex({ tenant: 1, slug: 1 }, { unique: true });
    await c.insertMany([
      { tenant: "a", slug: "x" },
      { tenant: "b", slug: "x" },
      { tenant: "a", slug: "y" },
    ]);
    const err = await serverError(c.insertOne({ tenant: "b", slug: "x" }));
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ tenant: 1, slug: 1 });
    expect(err.keyValue).toEqual({ tenant: "b", slug: "x" });
  });

  it("multikey unique indexes every array element", async () => {
    const c = mongo.db().collection("c");
    await c.createIndex({ tags: 1 }, { unique: true });
    await c.insertOne({ _id: 1, tags: ["a", "b"] } as Document);
    await c.insertOne({ _id: 2, tags: ["c", "c"] } as Document);
    const err = await serverError(c.insertOne({ _id: 3, tags: ["z", "b"] } as Document));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ tags: "b" });
    await c.updateOne({ _id: 1 } as Document, update({ $pull: { tags: "b" } }));
    await c.insertOne({ _id: 3, tags: ["z", "b"] } as Document);
    expect(await c.countDocuments()).toBe(3);
  });

  it("unique on an embedded path", async () => {
    const c = mongo.db().collection("c");
    await c.createIndex({ "profile.handle": 1 }, { unique: true });
    await c.insertOne({ profile: { handle: "h" } });
    const err = await serverError(c.insertOne({ profile: { handle: "h", more: 1 } }));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ "profile.handle": "h" });
  });

  it("a failed write in a batch leaves the index consistent", async () => {
    const c = mongo.db().collection("c");
    await c.createIndex({ k: 1 }, { unique: true });
    await c.insertOne({ k: 1 });
    await serverError(c.insertMany([{ k: 2 }, { k: 1 }, { k: 3 }]));
    expect((await c.find({}, { projection: { _id: 0 }, sort: { k: 1 } }).toArray()).map((d) => d.k)).toEqual([
      1, 2,
    ]);
    await c.insertOne({ k: 3 });
    expect(await c.countDocuments({ k: 3 })).toBe(1);
  });
});

/** 300 documents with the same values in an indexed and an unindexed field. */
async function twin(): Promise<Collection> {
  const c = mongo.db().collection("c");
  const cities = ["Oslo", "Bergen", "Tromsø", "Bodø", null, undefined];
  const docs = Array.from({ length: 300 }, (_, i) => {
    const city = cities[i % cities.length];
    const d: Document = { _id: i, n: (i * 37) % 101, plain_n: (i * 37) % 101, tags: [i % 3, i % 5] };
    d.plain_tags = d.tags;
    if (city !== undefined) {
      d.city = city;
      d.plain_city = city;
    }
    if (i % 50 === 0) {
      d.n = `s${i}`;
      d.plain_n = d.n;
    }
    return d;
  });
  await c.insertMany(docs);
  await c.createIndex({ n: 1 });
  await c.createIndex({ city: 1, n: -1 });
  await c.createIndex({ tags: 1 });
  return c;
}

const indexedQueries: [string, Document, Document, Document?][] = [
  ["equality", { n: 42 }, { plain_n: 42 }],
  ["$in", { n: { $in: [1, 2, 3, "s50"] } }, { plain_n: { $in: [1, 2, 3, "s50"] } }],
  ["range", { n: { $gte: 10, $lt: 20 } }, { plain_n: { $gte: 10, $lt: 20 } }],
  ["string range", { n: { $gt: "s1" } }, { plain_n: { $gt: "s1" } }],
  ["compound prefix", { city: "Oslo" }, { plain_city: "Oslo" }],
  ["null", { city: null }, { plain_city: null }],
  ["compound both", { city: "Bergen", n: { $lt: 50 } }, { plain_city: "Bergen", plain_n: { $lt: 50 } }],
  ["multikey", { tags: 4 }, { plain_tags: 4 }],
  ["multikey range", { tags: { $gt: 2, $lt: 4 } }, { plain_tags: { $gt: 2, $lt: 4 } }],
  ["$ne", { n: { $ne: 42 } }, { plain_n: { $ne: 42 } }],
  ["$exists false", { city: { $exists: false } }, { plain_city: { $exists: false } }],
];

describe("answers through an index equal a collection scan", () => {
  for (const [label, indexed, plain] of indexedQueries) {
    it(label, async () => {
      const c = await twin();
      const a = await c.find(indexed, { projection: { _id: 1 }, sort: { _id: 1 } }).toArray();
      const b = await c.find(plain, { projection: { _id: 1 }, sort: { _id: 1 } }).toArray();
      expect(a.length).toBeGreaterThan(0);
      expect(a).toEqual(b);
    });
  }

  it("sort on an indexed field with limit", async () => {
    const c = await twin();
    for (const dir of [1, -1] as const) {
      const a = await c.find({}, { sort: { n: dir, _id: 1 }, limit: 25, projection: { _id: 1 } }).toArray();
      const b = await c
        .find({}, { sort: { plain_n: dir, _id: 1 }, limit: 25, projection: { _id: 1 } })
        .toArray();
      expect(a).toEqual(b);
      const fullA = await c.find({}, { sort: { n: dir } }).toArray();
      const values = fullA.map((d) => d.n);
      const strings = values.filter((v) => typeof v === "string");
      const numbers = values.filter((v) => typeof v === "number");
      expect(values).toEqual(dir === 1 ? [...numbers, ...strings] : [...strings, ...numbers]);
    }
  });

  it("range + sort on the compound index", async () => {
    const c = await twin();
    const a = await c
      .find({ city: "Oslo", n: { $gt: 20 } }, { sort: { n: -1 }, limit: 10, projection: { _id: 0, n: 1 } })
      .toArray();
    const b = await c
      .find(
        { plain_city: "Oslo", plain_n: { $gt: 20 } },
        { sort: { plain_n: -1 }, limit: 10, projection: { _id: 0, plain_n: 1 } },
      )
      .toArray();
    expect(a.map((d) => d.n)).toEqual(b.map((d) => d.plain_n));
  });

  it("hint forces an existing index and gives the same answer", async () => {
    const c = await twin();
    const a = await c
      .find({ n: { $lt: 30 } })
      .hint({ n: 1 })
      .sort({ _id: 1 })
      .toArray();
    const b = await c
      .find({ n: { $lt: 30 } })
      .hint("n_1")
      .sort({ _id: 1 })
      .toArray();
    const d = await c
      .find({ plain_n: { $lt: 30 } })
      .sort({ _id: 1 })
      .toArray();
    expect(a).toEqual(d);
    expect(b).toEqual(d);
  });

  it("index stays correct after updates and deletes", async () => {
    const c = await twin();
    await c.updateMany({ n: { $lt: 10 } }, { $inc: { n: 1000, plain_n: 1000 } });
    await c.deleteMany({ n: { $gte: 1005 } });
    await c.updateMany({ city: "Oslo" }, { $set: { city: "Stavanger", plain_city: "Stavanger" } });
    for (const [indexed, plain] of [
      [{ n: { $gte: 1000 } }, { plain_n: { $gte: 1000 } }],
      [{ n: { $lt: 10 } }, { plain_n: { $lt: 10 } }],
      [{ city: "Oslo" }, { plain_city: "Oslo" }],
      [{ city: "Stavanger" }, { plain_city: "Stavanger" }],
    ] as const) {
      const a = await c.find(indexed, { sort: { _id: 1 }, projection: { _id: 1 } }).toArray();
      const b = await c.find(plain, { sort: { _id: 1 }, projection: { _id: 1 } }).toArray();
      expect(a).toEqual(b);
    }
  });
});

/** The index names mentioned by a plan, found anywhere in the explain output. */
function indexNamesIn(plan: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (o.stage === "IXSCAN" && typeof o.indexName === "string") found.push(o.indexName);
      Object.values(o).forEach(walk);
    }
  };
  walk(plan);
  return found;
}

describe("index use (where explain is supported)", () => {
  it("plans IXSCAN for equality, range and sort on an index prefix", async (ctx) => {
    const c = await twin();
    let explain: Document;
    try {
      explain = await c.find({ n: 42 }).explain("queryPlanner");
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 59) return ctx.skip();
      throw error;
    }
    const winning = (e: Document) => e.queryPlanner?.winningPlan;
    expect(indexNamesIn(winning(explain))).toContain("n_1");
    expect(indexNamesIn(winning(await c.find({ n: { $gt: 5, $lt: 9 } }).explain("queryPlanner")))).toContain(
      "n_1",
    );
    expect(indexNamesIn(winning(await c.find({ city: "Oslo" }).explain("queryPlanner")))).toContain(
      "city_1_n_-1",
    );
    expect(indexNamesIn(winning(await c.find({}).sort({ n: 1 }).limit(5).explain("queryPlanner")))).toContain(
      "n_1",
    );
    expect(indexNamesIn(winning(await c.find({ plain_n: 42 }).explain("queryPlanner")))).toEqual([]);
  });
});

describe("index use (where serverStatus reports documents examined)", () => {
  it("examines only the matching documents for indexed equality, $in and range", async (ctx) => {
    const c = await twin();
    const examined = async () => {
      const status = await mongo.client.db("admin").command({ serverStatus: 1 });
      return status.metrics?.queryExecutor?.scannedObjects as number | undefined;
    };
    if ((await examined()) === undefined) return ctx.skip();
    const cost = async (filter: Document) => {
      const before = (await examined())!;
      const n = (await c.find(filter).toArray()).length;
      return { n, examined: (await examined())! - before };
    };
    for (const filter of [
      { n: 42 },
      { n: { $in: [1, 2, 3] } },
      { n: { $gte: 10, $lt: 13 } },
      { city: "Oslo" },
    ]) {
      const { n, examined: docs } = await cost(filter);
      expect(n).toBeGreaterThan(0);
      expect(docs, JSON.stringify(filter)).toBeLessThanOrEqual(n + 2);
    }
    const scan = await cost({ plain_n: 42 });
    expect(scan.examined).toBeGreaterThanOrEqual(300);
  });
});
