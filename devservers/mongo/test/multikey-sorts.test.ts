/**
 * Compound indexes whose first field is multikey (`{tags: 1, publishedAt: -1}`), as the feed
 * uses them: an equality on the array field plus a sort on the next field is answered by the index
 * scan alone; `$in` on the array field is a SORT_MERGE of one scan per value; mongod's bounds rules
 * for ranges on multikey fields. `explain` must show what mongod 7.0 shows, so a test can tell an
 * index-ordered plan from an in-memory SORT.
 */
import type { Collection, Document } from "mongodb";
import { describe, expect, it } from "vitest";
import { type AnyDoc, setupMongo } from "./support";

const mongo = setupMongo();

const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n));

/** 40 posts: tags cycle through combinations, several posts share a date (keyset ties). */
async function posts(): Promise<Collection<AnyDoc>> {
  const c = mongo.db().collection<AnyDoc>("posts");
  const tagSets = [["x"], ["x", "y"], ["y"], ["y", "z", "x"], ["z"], []];
  const docs = Array.from({ length: 40 }, (_, i) => ({
    _id: i,
    tags: tagSets[i % tagSets.length],
    publishedAt: day(Math.floor(i / 2)),
    hotScore: (i * 37) % 23,
    title: `post ${String(i).padStart(2, "0")}`,
  }));
  await c.insertMany(docs);
  return c;
}

/** Every stage object in a plan, depth first. */
function stages(plan: unknown): Document[] {
  const out: Document[] = [];
  const walk = (v: unknown) => {
    if (!v || typeof v !== "object") return;
    const o = v as Document;
    if (typeof o.stage === "string") out.push(o);
    if (o.inputStage) walk(o.inputStage);
    if (Array.isArray(o.inputStages)) o.inputStages.forEach(walk);
  };
  walk(plan);
  return out;
}

function stageNames(plan: unknown): string[] {
  return stages(plan).map((s) => s.stage as string);
}

const winning = (e: Document) => e.queryPlanner.winningPlan as Document;

/** What mongod returns for the same query: filter in JS, sort by the field, ties by insertion. */
function expected(
  docs: Document[],
  keep: (d: Document) => boolean,
  key: (d: Document) => number,
  dir: 1 | -1,
) {
  return docs
    .filter(keep)
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (key(a.d) - key(b.d)) * dir || 0)
    .map((x) => x.d._id);
}

describe("equality on a multikey field + sort on the next field", () => {
  it("is one index scan with no SORT stage, in either direction", async () => {
    const c = await posts();
    await c.createIndex({ tags: 1, publishedAt: -1 });
    const all = await c.find().toArray();
    const hasX = (d: Document) => (d.tags as string[]).includes("x");
    for (const dir of [-1, 1] as const) {
      const got = await c
        .find({ tags: "x" }, { sort: { publishedAt: dir }, projection: { _id: 1 } })
        .toArray();
      const dates = got.map((d) => all.find((a) => a._id === d._id)!.publishedAt.getTime());
      expect(dates).toEqual([...dates].sort((a, b) => (a - b) * dir));
      expect(new Set(got.map((d) => d._id))).toEqual(new Set(all.filter(hasX).map((d) => d._id)));
      const plan = winning(await c.find({ tags: "x" }).sort({ publishedAt: dir }).explain("queryPlanner"));
      expect(stageNames(plan)).toEqual(["FETCH", "IXSCAN"]);
      const ixscan = stages(plan)[1]!;
      expect(ixscan).toMatchObject({
        indexName: "tags_1_publishedAt_-1",
        keyPattern: { tags: 1, publishedAt: -1 },
        isMultiKey: true,
        multiKeyPaths: { tags: ["tags"], publishedAt: [] },
        direction: dir === -1 ? "forward" : "backward",
        indexBounds: {
          tags: ['["x", "x"]'],
          publishedAt: [dir === -1 ? "[MaxKey, MinKey]" : "[MinKey, MaxKey]"],
        },
      });
    }
  });

  it("stops after the limit: keys and documents examined equal the documents returned", async () => {
    const c = await posts();
    await c.createIndex({ tags: 1, publishedAt: -1 });
    const e = await c.find({ tags: "y" }).sort({ publishedAt: -1 }).limit(4).explain("executionStats");
    expect(stageNames(winning(e))).toEqual(["LIMIT", "FETCH", "IXSCAN"]);
    expect(e.executionStats).toMatchObject({ nReturned: 4, totalKeysExamined: 4, totalDocsExamined: 4 });
  });

  it("serves a score sort the same way ({tags: 1, hotScore: -1})", async () => {
    const c = await posts();
    await c.createIndex({ tags: 1, hotScore: -1 });
    const all = await c.find().toArray();
    const got = await c
      .find({ tags: "z" }, { sort: { hotScore: -1 }, projection: { _id: 0, hotScore: 1 } })
      .toArray();
    const want = all
      .filter((d) => (d.tags as string[]).includes("z"))
      .map((d) => d.hotScore as number)
      .sort((a, b) => b - a);
    expect(got.map((d) => d.hotScore)).toEqual(want);
    expect(
      stageNames(winning(await c.find({ tags: "z" }).sort({ hotScore: -1 }).explain("queryPlanner"))),
    ).toEqual(["FETCH", "IXSCAN"]);
  });

  it("a sort that includes the multikey field itself needs a SORT stage", async () => {
    const c = await posts();
    await c.createIndex({ tags: 1, publishedAt: -1 });
    const plan = winning(
      await c.find({ tags: "x" }).sort({ tags: 1, publishedAt: -1 }).explain("queryPlanner"),
    );
    expect(stageNames(plan)[0]).toBe("SORT");
  });

  it("reports isMultiKey only once an array was indexed, single-element arrays included", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.createIndex({ tags: 1, at: 1 });
    await c.insertMany([
      { _id: 1, tags: "solo", at: 1 },
      { _id: 2, tags: "solo", at: 2 },
    ]);
    const ixscan = async () => stages(winning(await c.find({ tags: "solo" }).explain("queryPlanner")))[1]!;
    expect(await ixscan()).toMatchObject({ isMultiKey: false, multiKeyPaths: { tags: [], at: [] } });
    await c.insertOne({ _id: 3, tags: ["solo"], at: 3 });
    expect(await ixscan()).toMatchObject({ isMultiKey: true, multiKeyPaths: { tags: ["tags"], at: [] } });
  });
});

describe("$in on the multikey prefix + sort", () => {
  it("merges one index scan per value (SORT_MERGE), each document once", async () => {
    const c = await posts();
    await c.createIndex({ tags: 1, publishedAt: -1 });
    const all = await c.find().toArray();
    const inXorZ = (d: Document) => (d.tags as string[]).some((t) => t === "x" || t === "z");
    for (const dir of [-1, 1] as const) {
      const got = await c
        .find({ tags: { $in: ["z", "x"] } }, { sort: { publishedAt: dir, _id: 1 }, projection: { _id: 1 } })
        .toArray();
      expect(got.map((d) => d._id)).toEqual(
        expected(all, inXorZ, (d) => d.publishedAt.getTime() * 100 + (d._id as number) * dir, dir),
      );
      const plan = winning(
        await c
          .find({ tags: { $in: ["z", "x"] } })
          .sort({ publishedAt: dir })
          .explain("queryPlanner"),
      );
      expect(stageNames(plan)).toEqual(["FETCH", "SORT_MERGE", "IXSCAN", "IXSCAN"]);
      const [merge, a, b] = stages(plan).slice(1);
      expect(merge!.sortPattern).toEqual({ publishedAt: dir });
      expect([a!.indexBounds, b!.indexBounds]).toEqual([
        { tags: ['["x", "x"]'], publishedAt: [dir === -1 ? "[MaxKey, MinKey]" : "[MinKey, MaxKey]"] },
        { tags: ['["z", "z"]'], publishedAt: [dir === -1 ? "[MaxKey, MinKey]" : "[MinKey, MaxKey]"] },
      ]);
      expect(a!.direction).toBe(dir === -1 ? "forward" : "backward");
    }
    const limited = await c
      .find({ tags: { $in: ["x", "z"] } })
      .sort({ publishedAt: -1 })
      .limit(3)
      .toArray();
    expect(limited.map((d) => d._id)).toEqual(
      expected(all, inXorZ, (d) => d.publishedAt.getTime(), -1).slice(0, 3),
    );
  });

  it("sorts in memory when the sort is not the field after the points", async () => {
    const c = await posts();
    await c.createIndex({ tags: 1, publishedAt: -1 });
    const plan = winning(
      await c
        .find({ tags: { $in: ["x", "z"] } })
        .sort({ title: 1 })
        .explain("queryPlanner"),
    );
    expect(stageNames(plan)).toEqual(["SORT", "FETCH", "IXSCAN"]);
    expect(stages(plan)[2]!.indexBounds).toEqual({
      tags: ['["x", "x"]', '["z", "z"]'],
      publishedAt: ["[MaxKey, MinKey]"],
    });
  });

  it("sorts in memory past 200 values (mongod's limit on exploded scans)", async () => {
    const c = await posts();
    await c.createIndex({ tags: 1, publishedAt: -1 });
    const values = ["x", ...Array.from({ length: 200 }, (_, i) => `t${i}`)];
    const plan = winning(
      await c
        .find({ tags: { $in: values } })
        .sort({ publishedAt: -1 })
        .explain("queryPlanner"),
    );
    expect(stageNames(plan)).toEqual(["SORT", "FETCH", "IXSCAN"]);
    const fewer = winning(
      await c
        .find({ tags: { $in: values.slice(0, 200) } })
        .sort({ publishedAt: -1 })
        .explain("queryPlanner"),
    );
    expect(stageNames(fewer).slice(0, 2)).toEqual(["FETCH", "SORT_MERGE"]);
  });
});

describe("keyset pagination on a tag feed", () => {
  it("pages through {tags, publishedAt, _id} with index scans only, ties broken by _id", async () => {
    const c = await posts();
    await c.createIndex({ tags: 1, publishedAt: -1, _id: -1 });
    const all = await c.find().toArray();
    const want = all
      .filter((d) => (d.tags as string[]).includes("x"))
      .sort(
        (a, b) => b.publishedAt.getTime() - a.publishedAt.getTime() || (b._id as number) - (a._id as number),
      )
      .map((d) => d._id);
    const sort = { publishedAt: -1, _id: -1 } as const;
    const pages: unknown[] = [];
    let filter: Document = { tags: "x" };
    for (;;) {
      const page = await c.find(filter, { sort, limit: 4 }).toArray();
      const plan = winning(await c.find(filter).sort(sort).limit(4).explain("queryPlanner"));
      expect(stageNames(plan)).not.toContain("SORT");
      expect(stageNames(plan)).not.toContain("COLLSCAN");
      expect(
        stages(plan)
          .filter((s) => s.stage === "IXSCAN")
          .map((s) => s.indexName),
      ).toContain("tags_1_publishedAt_-1__id_-1");
      if (page.length === 0) break;
      pages.push(...page.map((d) => d._id));
      const last = page[page.length - 1]!;
      filter = {
        tags: "x",
        $or: [
          { publishedAt: { $lt: last.publishedAt } },
          { publishedAt: last.publishedAt, _id: { $lt: last._id } },
        ],
      };
    }
    expect(pages).toEqual(want);
  });

  it("needs a SORT stage when the index lacks the tie-breaker field", async () => {
    const c = await posts();
    await c.createIndex({ tags: 1, publishedAt: -1 });
    const plan = winning(
      await c.find({ tags: "x" }).sort({ publishedAt: -1, _id: -1 }).explain("queryPlanner"),
    );
    expect(stageNames(plan)[0]).toBe("SORT");
  });
});

describe("bounds on multikey fields", () => {
  it("a range on a multikey field is not intersected: different elements may satisfy each side", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.createIndex({ tags: 1 });
    await c.insertMany([
      { _id: 1, tags: ["a", "e"] },
      { _id: 2, tags: ["c"] },
      { _id: 3, tags: ["a"] },
      { _id: 4, tags: ["e", "f"] },
    ]);
    const got = await c.find({ tags: { $gt: "b", $lt: "d" } }, { sort: { _id: 1 } }).toArray();
    expect(got.map((d) => d._id)).toEqual([1, 2]);
    const ixscan = stages(
      winning(await c.find({ tags: { $gt: "b", $lt: "d" } }).explain("queryPlanner")),
    ).find((s) => s.stage === "IXSCAN")!;
    expect([['("b", {})'], ['["", "d")']]).toContainEqual(ixscan.indexBounds.tags);
    // $elemMatch asks for one element satisfying both: the bounds intersect.
    const elem = await c
      .find({ tags: { $elemMatch: { $gt: "b", $lt: "d" } } }, { sort: { _id: 1 } })
      .toArray();
    expect(elem.map((d) => d._id)).toEqual([2]);
    const elemScan = stages(
      winning(await c.find({ tags: { $elemMatch: { $gt: "b", $lt: "d" } } }).explain("queryPlanner")),
    ).find((s) => s.stage === "IXSCAN")!;
    expect(elemScan.indexBounds.tags).toEqual(['("b", "d")']);
  });

  it("a range on a plain field is intersected and type-bracketed", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.createIndex({ n: 1 });
    await c.insertMany([{ n: 1 }, { n: 3 }, { n: "4" }, { n: 7 }]);
    const plan = winning(await c.find({ n: { $gt: 2, $lt: 5 } }).explain("queryPlanner"));
    expect(stages(plan).find((s) => s.stage === "IXSCAN")!.indexBounds).toEqual({ n: ["(2, 5)"] });
    const upper = winning(await c.find({ n: { $lt: 5 } }).explain("queryPlanner"));
    expect(stages(upper).find((s) => s.stage === "IXSCAN")!.indexBounds).toEqual({ n: ["[-inf.0, 5)"] });
    expect((await c.find({ n: { $lt: 5 } }).toArray()).map((d) => d.n)).toEqual([1, 3]);
  });

  it("fields under the same array are not compounded", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.createIndex({ "comments.author": 1, "comments.at": 1 });
    await c.insertMany([
      {
        _id: 1,
        comments: [
          { author: "a", at: 1 },
          { author: "b", at: 10 },
        ],
      },
      { _id: 2, comments: [{ author: "a", at: 20 }] },
      { _id: 3, comments: [{ author: "b", at: 1 }] },
    ]);
    const filter = { "comments.author": "a", "comments.at": { $gt: 5 } };
    expect((await c.find(filter, { sort: { _id: 1 } }).toArray()).map((d) => d._id)).toEqual([1, 2]);
    const ixscan = stages(winning(await c.find(filter).explain("queryPlanner"))).find(
      (s) => s.stage === "IXSCAN",
    )!;
    expect(ixscan.multiKeyPaths).toEqual({ "comments.author": ["comments"], "comments.at": ["comments"] });
    expect(ixscan.indexBounds).toEqual({
      "comments.author": ['["a", "a"]'],
      "comments.at": ["[MinKey, MaxKey]"],
    });
  });

  it("a range on the multikey prefix cannot give the sort on the next field", async () => {
    const c = await posts();
    await c.createIndex({ tags: 1, publishedAt: -1 });
    const plan = winning(
      await c
        .find({ tags: { $gte: "x" } })
        .sort({ publishedAt: -1 })
        .explain("queryPlanner"),
    );
    expect(stageNames(plan)[0]).toBe("SORT");
    const all = await c.find().toArray();
    const got = await c.find({ tags: { $gte: "x" } }, { sort: { publishedAt: -1, _id: 1 } }).toArray();
    expect(got.map((d) => d._id)).toEqual(
      expected(
        all,
        (d) => (d.tags as string[]).some((t) => t >= "x"),
        (d) => d.publishedAt.getTime() * 100 - (d._id as number),
        -1,
      ),
    );
  });
});

describe("choosing between candidate indexes", () => {
  it("prefers the selective index and sorts its few matches over scanning the sort index", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.insertMany(Array.from({ length: 500 }, (_, i) => ({ _id: i, author: `a${i % 100}`, at: i })));
    await c.createIndex({ author: 1 });
    await c.createIndex({ at: -1 });
    const plan = await c.find({ author: "a7" }).sort({ at: -1 }).explain("queryPlanner");
    expect(stageNames(winning(plan))).toEqual(["SORT", "FETCH", "IXSCAN"]);
    expect(stages(winning(plan))[2]!.indexName).toBe("author_1");
    expect(plan.queryPlanner.rejectedPlans.length).toBeGreaterThan(0);
    const got = await c.find({ author: "a7" }, { sort: { at: -1 } }).toArray();
    expect(got.map((d) => d.at)).toEqual([407, 307, 207, 107, 7]);
  });

  it("follows a hint, scanning a hinted index the filter does not bound whole", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: i, a: i % 5, b: i })));
    await c.createIndex({ a: 1 });
    await c.createIndex({ b: 1 });
    const byHint = stages(
      winning(
        await c
          .find({ a: 3, b: { $gt: 10 } })
          .hint("b_1")
          .explain("queryPlanner"),
      ),
    );
    expect(byHint.find((s) => s.stage === "IXSCAN")).toMatchObject({
      indexName: "b_1",
      indexBounds: { b: ["(10, inf.0]"] },
    });
    const whole = stages(winning(await c.find({ a: 3 }).hint({ b: 1 }).explain("queryPlanner")));
    expect(whole.find((s) => s.stage === "IXSCAN")).toMatchObject({
      indexName: "b_1",
      indexBounds: { b: ["[MinKey, MaxKey]"] },
    });
    const got = await c.find({ a: 3 }).hint({ b: 1 }).toArray();
    expect(got.map((d) => d._id)).toEqual([3, 8, 13, 18, 23, 28, 33, 38, 43, 48]);
  });
});

describe("$or", () => {
  it("a rooted $or whose branches all use an index is an OR of index scans under SUBPLAN", async () => {
    const c = mongo.db().collection<AnyDoc>("c");
    await c.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: i, a: i % 5, b: i })));
    await c.createIndex({ a: 1 });
    await c.createIndex({ b: 1 });
    const filter = { $or: [{ a: 4 }, { b: { $lt: 3 } }] };
    expect(stageNames(winning(await c.find(filter).explain("queryPlanner")))).toEqual([
      "SUBPLAN",
      "FETCH",
      "OR",
      "IXSCAN",
      "IXSCAN",
    ]);
    const got = await c.find(filter, { sort: { _id: 1 } }).toArray();
    expect(got.map((d) => d._id)).toEqual([0, 1, 2, 4, 9, 14, 19, 24, 29, 34, 39, 44, 49]);
    const unindexed = { $or: [{ a: 4 }, { plain: 1 }] };
    expect(stageNames(winning(await c.find(unindexed).explain("queryPlanner")))).toEqual([
      "SUBPLAN",
      "COLLSCAN",
    ]);
  });
});
