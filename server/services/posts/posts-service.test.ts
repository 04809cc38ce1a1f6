import { ObjectId } from "mongodb";
import { afterEach, describe, expect, it } from "vitest";
import type { PostDoc, TenantDoc } from "@/server/db";
import { AppError } from "@/server/errors";
import { callerFrom } from "@/server/http/caller";
import { createTestServices, createUser, type TestServices } from "@/test/support/services";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function setup() {
  const t = await createTestServices();
  cleanups.push(t.cleanup);
  const owner = await createUser(t.services, "owner");
  const caller = callerFrom(owner.session, { ip: "203.0.113.7", requestId: "req-posts" });
  const blog = async (slug: string): Promise<TenantDoc> => {
    await t.services.tenants.create({ name: `Blog ${slug}`, slug, theme: "classic" }, caller);
    const tenant = await t.services.tenants.findActiveBySlug(slug);
    if (!tenant) throw new Error(`blog ${slug} not active`);
    return tenant;
  };
  return { ...t, owner, blog };
}

const day = 86_400_000;
const base = Date.UTC(2026, 0, 10);

/** Inserts a post straight into the tenant DB, as the demo seed does (writing comes with the editor). */
async function insertPost(
  t: TestServices,
  tenant: TenantDoc,
  post: Partial<PostDoc> & Pick<PostDoc, "slug">,
): Promise<PostDoc> {
  const at = post.publishedAt ?? new Date(base);
  const doc: PostDoc = {
    _id: new ObjectId(),
    title: `Title of ${post.slug}`,
    content: {
      type: "doc",
      content: [{ type: "paragraph", content: [{ type: "text", text: `Body of ${post.slug}` }] }],
    },
    excerpt: `About ${post.slug}`,
    tags: ["t"],
    status: "published",
    publishAt: null,
    publishedAt: at,
    authorIds: [],
    version: 1,
    syncedVersion: 0,
    createdAt: at,
    updatedAt: at,
    ...post,
  };
  await t.db.forTenant(tenant).posts.insertOne(doc);
  return doc;
}

describe("PostsService.listPublished", () => {
  it("lists only published posts, newest publishedAt first", async () => {
    const t = await setup();
    const a = await t.blog("alpha");
    await insertPost(t, a, { slug: "old", publishedAt: new Date(base - 3 * day) });
    await insertPost(t, a, { slug: "new", publishedAt: new Date(base - day) });
    await insertPost(t, a, { slug: "mid", publishedAt: new Date(base - 2 * day) });
    await insertPost(t, a, { slug: "draft", status: "draft", publishedAt: null });
    await insertPost(t, a, {
      slug: "later",
      status: "scheduled",
      publishedAt: null,
      publishAt: new Date(base + day),
    });
    await insertPost(t, a, { slug: "gone", status: "archived", publishedAt: new Date(base) });

    const page = await t.services.posts.listPublished(a, { limit: 10 });
    expect(page.items.map((p) => p.slug)).toEqual(["new", "mid", "old"]);
    expect(page.nextCursor).toBeNull();
    expect(page.items[0]).toMatchObject({
      title: "Title of new",
      excerpt: "About new",
      tags: ["t"],
      status: "published",
      publishedAt: new Date(base - day),
    });
    expect(page.items[0]).not.toHaveProperty("content");
  });

  it("pages with a keyset cursor, ties on publishedAt broken by id, no post twice or missed", async () => {
    const t = await setup();
    const a = await t.blog("alpha");
    const slugs: string[] = [];
    for (let i = 0; i < 7; i++) {
      // Pairs share a timestamp, so the cursor must break ties.
      await insertPost(t, a, { slug: `p${i}`, publishedAt: new Date(base - Math.floor(i / 2) * day) });
      slugs.push(`p${i}`);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await t.services.posts.listPublished(a, { limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((p) => p.slug));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);

    expect(pages).toBe(3);
    expect([...seen].sort()).toEqual([...slugs].sort());
    expect(new Set(seen).size).toBe(7);
    const times = seen.map((s) => Number(s.slice(1)));
    // Newest first: p0/p1 (base), p2/p3 (base-1d), …
    expect(times.map((i) => Math.floor(i / 2))).toEqual([0, 0, 1, 1, 2, 2, 3]);
  });

  it("rejects a forged cursor with a 400-style error", async () => {
    const t = await setup();
    const a = await t.blog("alpha");
    const error = await t.services.posts
      .listPublished(a, { limit: 5, cursor: "not-a-cursor" })
      .catch((e) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("BAD_REQUEST");
  });

  it("never returns another blog's posts", async () => {
    const t = await setup();
    const a = await t.blog("alpha");
    const b = await t.blog("bravo");
    await insertPost(t, a, { slug: "from-a" });
    await insertPost(t, b, { slug: "from-b" });
    await insertPost(t, b, { slug: "shared-slug" });

    expect((await t.services.posts.listPublished(a, { limit: 10 })).items.map((p) => p.slug)).toEqual([
      "from-a",
    ]);
    expect((await t.services.posts.listPublished(b, { limit: 10 })).items.map((p) => p.slug).sort()).toEqual([
      "from-b",
      "shared-slug",
    ]);
    expect(await t.services.posts.getPublishedBySlug(a, "from-b")).toBeNull();
    expect(await t.services.posts.getPublishedBySlug(a, "shared-slug")).toBeNull();
    expect((await t.services.posts.countsByStatus(a)).published).toBe(1);
    expect((await t.services.posts.listForStudio(a, { limit: 10 })).map((p) => p.slug)).toEqual(["from-a"]);
  });
});

describe("PostsService.getPublishedBySlug", () => {
  it("returns a published post with its body as plain-text blocks", async () => {
    const t = await setup();
    const a = await t.blog("alpha");
    const author = t.owner.user._id;
    await insertPost(t, a, {
      slug: "hello",
      title: "Hello",
      authorIds: [author],
      content: {
        type: "doc",
        content: [
          { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Intro" }] },
          { type: "paragraph", content: [{ type: "text", text: "First words." }] },
        ],
      },
    });
    const post = await t.services.posts.getPublishedBySlug(a, "hello");
    expect(post).toMatchObject({
      slug: "hello",
      title: "Hello",
      authorIds: [author.toHexString()],
      blocks: [
        { kind: "heading", level: 2, text: "Intro" },
        { kind: "paragraph", text: "First words." },
      ],
    });
  });

  it("hides drafts, scheduled and archived posts and unknown slugs", async () => {
    const t = await setup();
    const a = await t.blog("alpha");
    await insertPost(t, a, { slug: "d", status: "draft", publishedAt: null });
    await insertPost(t, a, { slug: "s", status: "scheduled", publishedAt: null });
    await insertPost(t, a, { slug: "x", status: "archived" });
    for (const slug of ["d", "s", "x", "nope"]) {
      expect(await t.services.posts.getPublishedBySlug(a, slug)).toBeNull();
    }
  });

  it("derives an excerpt from the body when the post has none", async () => {
    const t = await setup();
    const a = await t.blog("alpha");
    await insertPost(t, a, { slug: "bare", excerpt: "" });
    expect((await t.services.posts.getPublishedBySlug(a, "bare"))?.excerpt).toBe("Body of bare");
    const long = "word ".repeat(80).trim();
    await insertPost(t, a, {
      slug: "long",
      excerpt: "",
      content: {
        type: "doc",
        content: [
          { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Skipped heading" }] },
          { type: "paragraph", content: [{ type: "text", text: long }] },
        ],
      },
    });
    const listed = (await t.services.posts.listPublished(a, { limit: 10 })).items.find(
      (p) => p.slug === "long",
    );
    expect(listed?.excerpt.startsWith("word word")).toBe(true);
    expect(listed?.excerpt.endsWith("word…")).toBe(true);
    expect(listed?.excerpt.length).toBeLessThanOrEqual(221);
  });
});

describe("PostsService studio reads", () => {
  it("counts posts by status, zeros included", async () => {
    const t = await setup();
    const a = await t.blog("alpha");
    expect(await t.services.posts.countsByStatus(a)).toEqual({
      draft: 0,
      scheduled: 0,
      published: 0,
      archived: 0,
    });
    await insertPost(t, a, { slug: "p1" });
    await insertPost(t, a, { slug: "p2" });
    await insertPost(t, a, { slug: "d1", status: "draft", publishedAt: null });
    await insertPost(t, a, { slug: "a1", status: "archived" });
    expect(await t.services.posts.countsByStatus(a)).toEqual({
      draft: 1,
      scheduled: 0,
      published: 2,
      archived: 1,
    });
  });

  it("lists every status, most recently updated first, up to the limit", async () => {
    const t = await setup();
    const a = await t.blog("alpha");
    await insertPost(t, a, { slug: "p", updatedAt: new Date(base - 2 * day) });
    await insertPost(t, a, { slug: "d", status: "draft", publishedAt: null, updatedAt: new Date(base) });
    await insertPost(t, a, { slug: "x", status: "archived", updatedAt: new Date(base - day) });
    const all = await t.services.posts.listForStudio(a, { limit: 10 });
    expect(all.map((p) => [p.slug, p.status])).toEqual([
      ["d", "draft"],
      ["x", "archived"],
      ["p", "published"],
    ]);
    expect((await t.services.posts.listForStudio(a, { limit: 2 })).map((p) => p.slug)).toEqual(["d", "x"]);
  });
});
