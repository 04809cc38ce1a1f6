import { afterEach, describe, expect, it } from "vitest";
import { createUser } from "@/test/support/services";
import { doc, heading, para, readerFixture, text } from "./testing";

const fixtures: Awaited<ReturnType<typeof readerFixture>>[] = [];
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.cleanup()));
});
async function setup() {
  const f = await readerFixture();
  fixtures.push(f);
  return f;
}

describe("front server: reader pages", () => {
  it("serves the home page and a post from stored HTML, with SEO, and hands other paths to Next", async () => {
    const f = await setup();
    const tenant = await f.blog("tides", "minimal", "Tide Notes");
    await f.post(tenant, {
      slug: "high-water",
      title: "High water",
      tags: ["sea", "moon"],
      body: doc(heading(2, "Why the moon"), para(text("Twice a day, a little later each time."))),
    });
    await f.post(tenant, { slug: "low-water", title: "Low water", featured: true });
    const front = await f.front();

    const home = await front.get("tides", "/");
    expect(home.status).toBe(200);
    expect(home.headers["content-type"]).toContain("text/html");
    expect(home.body).toContain('data-theme="minimal"');
    expect(home.body).toContain("High water");
    expect(home.body).toContain('href="/low-water"');
    expect(home.headers["content-security-policy"]).toContain("script-src 'self' 'sha256-");

    const post = await front.get("tides", "/high-water");
    expect(post.status).toBe(200);
    expect(post.body).toContain('<h2 id="why-the-moon"><a class="anchor" href="#why-the-moon"');
    expect(post.body).toContain("Twice a day, a little later each time.");
    expect(post.body).toContain('<link rel="canonical" href="http://tides.localhost:3101/high-water">');
    expect(post.body).toContain(
      '<meta property="og:image" content="http://tides.localhost:3101/og/high-water?v=1">',
    );
    expect(post.body).toContain('"@type":"BlogPosting"');
    expect(post.body).toContain('href="/tag/sea"');
    expect(post.body).toContain(">Ada</a>");

    const og = await front.get("tides", "/og/high-water");
    expect(og.headers["x-fallback"]).toBe("next");
    const root = await front.get(null, "/");
    expect(root.headers["x-fallback"]).toBe("next");
  });

  it("answers an old slug with a 301, pages at /<slug>, and unknown paths with the blog's themed 404", async () => {
    const f = await setup();
    const tenant = await f.blog("slugs", "bold");
    await f.post(tenant, { slug: "new-name", previousSlugs: ["old-name"] });
    await f.post(tenant, { slug: "about", title: "About us", type: "page" });
    await f.post(tenant, { slug: "draft", status: "draft", publishedAt: null });
    const front = await f.front();

    const moved = await front.get("slugs", "/old-name");
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe("/new-name");

    const page = await front.get("slugs", "/about");
    expect(page.status).toBe(200);
    expect(page.body).toContain("About us");
    expect(page.body).not.toContain("data-like");
    const home = await front.get("slugs", "/");
    expect(home.body).not.toContain("About us");
    const rss = await front.get("slugs", "/rss.xml");
    expect(rss.body).not.toContain("About us");

    for (const path of ["/draft", "/nope", "/tag/none", "/author/nobody", "/a/b/c"]) {
      const missing = await front.get("slugs", path);
      expect(missing.status, path).toBe(404);
      expect(missing.body).toContain('data-theme="bold"');
      expect(missing.body).toContain("Page not found");
    }
    // A blog that does not exist is the platform's (Next's) 404.
    expect((await front.get("no-such-blog", "/")).headers["x-fallback"]).toBe("next");
  });

  it("caches published pages and purges a blog's pages on every change it publishes", async () => {
    const f = await setup();
    const tenant = await f.blog("cached");
    const p = await f.post(tenant, { slug: "story", title: "First title" });
    const front = await f.front();

    expect((await front.get("cached", "/story")).headers["x-reader-cache"]).toBe("miss");
    const hit = await front.get("cached", "/story");
    expect(hit.headers["x-reader-cache"]).toBe("hit");
    expect(hit.body).toContain("First title");

    await f.db.forTenant(tenant).posts.updateOne({ _id: p._id }, { $set: { title: "Second title" } });
    expect((await front.get("cached", "/story")).body).toContain("First title");
    await f.services.readerPurger.purgeTenant(tenant, "test");
    const fresh = await front.get("cached", "/story");
    expect(fresh.headers["x-reader-cache"]).toBe("miss");
    expect(fresh.body).toContain("Second title");
  });

  it("purges across instances through Redis pub/sub", async () => {
    const f = await setup();
    const tenant = await f.blog("shared");
    const p = await f.post(tenant, { slug: "story", title: "Before" });
    const a = await f.front();
    const b = await f.front();
    await a.get("shared", "/story");
    await b.get("shared", "/story");
    expect((await b.get("shared", "/story")).headers["x-reader-cache"]).toBe("hit");

    await f.db.forTenant(tenant).posts.updateOne({ _id: p._id }, { $set: { title: "After" } });
    // Published by another process: only the Redis message reaches this one.
    await f.redis.publish(
      `${f.redisPrefix}reader:purge`,
      JSON.stringify({ tenantSlug: "shared", reason: "test" }),
    );
    await expect
      .poll(async () => (await b.get("shared", "/story")).body, { timeout: 1_000 })
      .toContain("After");
  });

  it("serves feeds, sitemap and robots on the blog's host", async () => {
    const f = await setup();
    const tenant = await f.blog("feeds");
    await f.post(tenant, { slug: "one", title: "One & only", tags: ["news"] });
    const front = await f.front();
    const rss = await front.get("feeds", "/rss.xml");
    expect(rss.headers["content-type"]).toContain("application/rss+xml");
    expect(rss.body).toContain("http://feeds.localhost:3101/one");
    const json = JSON.parse((await front.get("feeds", "/feed.json")).body) as { items: { title: string }[] };
    expect(json.items[0]?.title).toBe("One & only");
    expect((await front.get("feeds", "/tag/news/atom.xml")).body).toContain("<feed");
    expect((await front.get("feeds", "/sitemap.xml")).body).toContain(
      "<loc>http://feeds.localhost:3101/one</loc>",
    );
    expect((await front.get("feeds", "/robots.txt")).body).toContain(
      "Sitemap: http://feeds.localhost:3101/sitemap.xml",
    );
  });
});

describe("front server: reader API", () => {
  it("likes (signed in only), records a view once per reader per day, and reports counts", async () => {
    const f = await setup();
    const tenant = await f.blog("likes");
    const p = await f.post(tenant, { slug: "story" });
    const reader = await createUser(f.services, "Reader");
    const front = await f.front();
    const postId = p._id.toHexString();

    expect((await front.api("likes", "like", { postId })).status).toBe(401);
    const first = JSON.parse((await front.api("likes", "like", { postId }, reader.token)).body);
    expect(first).toEqual({ liked: true, likes: 1 });

    await front.api("likes", "visit", { postId }, reader.token);
    const visit = JSON.parse((await front.api("likes", "visit", { postId }, reader.token)).body);
    expect(visit.viewer).toMatchObject({ id: reader.user._id.toHexString(), name: "Reader" });
    expect(visit.post).toMatchObject({ liked: true, likes: 1, views: 1, canModerate: false });

    const again = JSON.parse((await front.api("likes", "like", { postId }, reader.token)).body);
    expect(again).toEqual({ liked: false, likes: 0 });
    expect((await front.api("likes", "like", { postId: "nope" }, reader.token)).status).toBe(400);
    expect((await front.api("likes", "visit", "[]")).status).toBe(400);
  });

  it("comments: post, reply, edit own, moderators hide; the page shows them after a purge", async () => {
    const f = await setup();
    const tenant = await f.blog("talk");
    const p = await f.post(tenant, { slug: "story" });
    const reader = await createUser(f.services, "Reader");
    const front = await f.front();
    const postId = p._id.toHexString();
    await front.get("talk", "/story"); // cached before the comment

    const created = await front.api(
      "talk",
      "comments",
      { postId, body: "First! see https://example.com/x" },
      reader.token,
    );
    expect(created.status).toBe(200);
    const answer = JSON.parse(created.body) as { html: string; count: number };
    expect(answer.count).toBe(1);
    expect(answer.html).toContain('<a href="https://example.com/x" rel="nofollow ugc noopener noreferrer"');
    const id = /data-comment-id="([0-9a-f]{24})"/.exec(answer.html)?.[1] ?? "";

    const reply = JSON.parse(
      (await front.api("talk", "comments", { postId, parentId: id, body: "A reply" }, f.owner.token)).body,
    ) as { count: number; html: string };
    expect(reply.count).toBe(2);
    expect(reply.html).toContain('class="reply-list"');

    const page = await front.get("talk", "/story");
    expect(page.headers["x-reader-cache"]).toBe("miss");
    expect(page.body).toContain("First! see");
    expect(page.body).toContain("A reply");

    expect(
      (await front.api("talk", "comments/edit", { postId, id, body: "Edited" }, f.owner.token)).status,
    ).toBe(403);
    expect(
      (await front.api("talk", "comments/edit", { postId, id, body: "Edited" }, reader.token)).status,
    ).toBe(200);
    expect(
      (await front.api("talk", "comments/hide", { postId, id, hidden: true }, reader.token)).status,
    ).toBe(403);
    const hidden = JSON.parse(
      (await front.api("talk", "comments/hide", { postId, id, hidden: true }, f.owner.token)).body,
    ) as { html: string; count: number };
    expect(hidden.html).toContain("This comment was removed.");
    expect(hidden.html).not.toContain("Edited");
    expect(hidden.count).toBe(1);
    expect((await front.api("talk", "comments", { postId, body: "   " }, reader.token)).status).toBe(400);
    expect((await front.api("talk", "comments", { postId, body: "x" })).status).toBe(401);
  });
});
