import type { Document } from "mongodb";
import { afterEach, describe, expect, it } from "vitest";
import type { TenantDoc } from "@/server/db";
import { type FeedTestbed, feedTestbed } from "./test-kit";

/**
 * Every filter × sort of the feed reads one index in sort order: an IXSCAN on the index whose
 * fields are (filter field, sort key, _id), and no SORT stage — at the first page and with a
 * cursor. Tag and author filters are multikey (tags and authorIds are arrays), which needs the
 * server to serve a sort from a multikey index as mongod does (issue 14, point 1).
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function setup() {
  const t = await feedTestbed();
  cleanups.push(t.cleanup);
  return t;
}

async function seedPosts(t: FeedTestbed, tenant: TenantDoc, n: number, tags: string[][]) {
  for (let i = 0; i < n; i++) {
    const p = await t.insertPost(tenant, {
      slug: `${tenant.slug}-p${i}`,
      publishedAt: new Date(Date.now() - 86_400_000 + i * 60_000),
      tags: tags[i % tags.length],
    });
    await t.feed.sync.syncPost(tenant, p._id);
  }
}

/** Every stage of a winning plan, depth first. */
function stages(plan: Document): Document[] {
  const out: Document[] = [plan];
  for (const key of ["inputStage", "queryPlan"]) if (plan[key]) out.push(...stages(plan[key]));
  for (const child of plan.inputStages ?? []) out.push(...stages(child));
  return out;
}

describe("FeedService: every filter × sort is an index scan with no in-memory sort", () => {
  it.each([
    ["new", {}, "publishedAt"],
    ["hot", {}, "hotScore"],
    ["top", { period: "all" }, "signalScore"],
  ] as const)("%s", async (sort, extra, field) => {
    const t = await setup();
    const tenant = await t.blog(`q-ix-${sort}`);
    await seedPosts(t, tenant, 30, [["ix"], ["ix", "other"]]);
    const filters: [string, Record<string, unknown>, string | null][] = [
      ["no filter", {}, null],
      ["tag", { tag: "ix" }, "tags"],
      ["two tags", { tag: ["ix", "other"] }, "tags"],
      ["author", { author: t.owner.user.username }, "authorIds"],
      ["blog", { tenant: tenant.slug }, "tenantId"],
    ];
    for (const [label, filter, first] of filters) {
      const input = { sort, ...extra, ...filter, limit: 5 };
      const next = (await t.feed.list(input)).nextCursor;
      for (const cursor of [undefined, next]) {
        const plans = await t.feed.explain({ ...input, ...(cursor ? { cursor } : {}) });
        expect(plans.length, label).toBeGreaterThan(0);
        for (const plan of plans) {
          const all = stages(plan.queryPlanner.winningPlan);
          const what = `${label}${cursor ? " (page 2)" : ""}: ${JSON.stringify(plan.queryPlanner.winningPlan)}`;
          expect(
            all.map((s) => s.stage),
            what,
          ).not.toContain("SORT");
          const scan = all.find((s) => s.stage === "IXSCAN");
          expect(scan, what).toBeDefined();
          const keys = Object.keys(scan?.keyPattern ?? {});
          expect(keys, what).toEqual(first ? [first, field, "_id"] : [field, "_id"]);
        }
      }
    }
  });
});
