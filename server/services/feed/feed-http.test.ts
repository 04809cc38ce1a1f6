import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createCaller } from "@/server/routers";
import { contextFor } from "@/test/support/services";
import { feedFrontRoute } from "./feed-http";
import { feedTestbed } from "./test-kit";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(route: ReturnType<typeof feedFrontRoute>): Promise<string> {
  const server: Server = createServer((req, res) => {
    void route(req, res).then((handled) => {
      if (!handled) {
        res.writeHead(404);
        res.end("next");
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(() => new Promise((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("GET /api/feed (front server route, same function as Next's route handler)", () => {
  it("answers the contract's shape, 400 with a message for bad parameters, and leaves other paths alone", async () => {
    const t = await feedTestbed();
    cleanups.push(t.cleanup);
    const tenant = await t.blog("http-feed");
    const a = await t.insertPost(tenant, {
      slug: "one",
      tags: ["x"],
      publishedAt: new Date(Date.now() - 2_000),
    });
    const b = await t.insertPost(tenant, {
      slug: "two",
      tags: ["x", "y"],
      publishedAt: new Date(Date.now() - 1_000),
    });
    for (const p of [a, b]) await t.feed.sync.syncPost(tenant, p._id);
    const base = await serve(feedFrontRoute(() => t.feed, t.log));

    const res = await fetch(`${base}/api/feed?tag=x&sort=new&limit=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const page = (await res.json()) as { items: Record<string, unknown>[]; nextCursor: string };
    expect(page.items).toHaveLength(1);
    expect(Object.keys(page.items[0] ?? {})).toEqual(
      expect.arrayContaining([
        "tenantId",
        "tenantSlug",
        "slug",
        "title",
        "excerpt",
        "tags",
        "authorName",
        "publishedAt",
        "hotScore",
        "url",
      ]),
    );
    expect(page.items[0]).toMatchObject({ slug: "two", url: "http://http-feed.localhost:3101/two" });
    const next = await fetch(`${base}/api/feed?tag=x&sort=new&limit=1&cursor=${page.nextCursor}`);
    expect(((await next.json()) as { items: { slug: string }[] }).items.map((i) => i.slug)).toEqual(["one"]);

    for (const [query, message] of [
      ["sort=popular", "sort must be one of hot, new, top"],
      ["limit=51", "limit must be at most 50"],
      ["cursor=bm9wZQ", "That page cursor is not valid."],
      ["sort=new&sort=hot", "sort must be one of hot, new, top"],
      ["unknown=1", "Unknown parameter: unknown"],
    ] as const) {
      const bad = await fetch(`${base}/api/feed?${query}`);
      expect(bad.status, query).toBe(400);
      expect(await bad.json()).toEqual({ error: { code: "BAD_REQUEST", message } });
    }
    expect((await fetch(`${base}/api/feeds`)).status).toBe(404);
    expect((await fetch(`${base}/api/feed`, { method: "POST" })).status).toBe(404);
  });

  it("tRPC feed.list: the same page, and a BAD_REQUEST for bad input", async () => {
    const t = await feedTestbed();
    cleanups.push(t.cleanup);
    const tenant = await t.blog("trpc-feed");
    const p = await t.insertPost(tenant, { slug: "hello", tags: ["z"] });
    await t.services.feed.sync.syncPost(tenant, p._id);
    const caller = createCaller(await contextFor(t.services));
    const page = await caller.feed.list({ tag: "z", sort: "new" });
    expect(page.items.map((i) => i.slug)).toEqual(["hello"]);
    await expect(caller.feed.list({ limit: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    // Platform admins only.
    await expect(caller.feed.workerStatus()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
