import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantDoc } from "@/server/db";
import type { Services } from "@/server/services/container";
import { dropPrefixedDatabases, testMongoUri, uniquePrefix, uniqueRedisPrefix } from "@/test/support/mongo";
import {
  type ApiCall,
  ARTICLE_KEYS,
  apiClient,
  COMMENT_KEYS,
  ISO_8601,
  LIST_ARTICLE_KEYS,
  PROFILE_KEYS,
} from "./realworld-testing";

/**
 * The RealWorld API, written from its specification (api/openapi.yml of gothinkster/realworld):
 * every article and comment endpoint, its shapes, codes and error bodies, on the root domain (the
 * network) and on a blog's subdomain (that blog), through the same route handler Next serves.
 */

const ROOT = "localhost:3101";
let api: ApiCall;
let services: Services;

interface Person {
  token: string;
  username: string;
  id: string;
}

let people = 0;
async function register(prefix = "rw"): Promise<Person> {
  const username = `${prefix}${++people}${Math.floor(Math.random() * 1e5)}`.slice(0, 30);
  const res = await api("POST", "/api/users", {
    body: { user: { email: `${username}@example.test`, password: "password123", username } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const user = await services.users.findByUsername(res.body.user.username);
  return { token: res.body.user.token, username: res.body.user.username, id: user?._id.toHexString() ?? "" };
}

async function blogOf(owner: Person, slug: string): Promise<TenantDoc> {
  await services.tenants.create(
    { name: `Blog ${slug}`, slug, theme: "classic" },
    {
      userId: owner.id,
      email: `${owner.username}@example.test`,
      platformAdmin: false,
      ip: null,
      requestId: null,
    },
  );
  const tenant = await services.db.master().tenants.findOne({ slug });
  if (!tenant) throw new Error("no tenant");
  return tenant;
}

const article = (over: Record<string, unknown> = {}) => ({
  article: {
    title: "How to train your dragon",
    description: "Ever wonder how?",
    body: "Very **carefully**.\n\n- one\n- two",
    tagList: ["training", "dragons"],
    ...over,
  },
});

beforeAll(async () => {
  Object.assign(process.env, {
    MONGODB_URI: testMongoUri(),
    MONGODB_DB_PREFIX: uniquePrefix(),
    REDIS_PREFIX: uniqueRedisPrefix(),
    ROOT_DOMAIN: ROOT,
    AUTH_SECRETS: `rwapi:${"a".repeat(40)}`,
    LOG_LEVEL: "silent",
  });
  const { realWorldRoute } = await import("./realworld-routes");
  services = (await import("@/server/services/container")).getServices();
  await services.db.ensureMasterIndexes();
  api = apiClient(realWorldRoute, ROOT);
});

afterAll(async () => {
  if (!services) return;
  await services.queues.dispose({ deleteKeys: true }).catch(() => undefined);
  await dropPrefixedDatabases(services.db);
});

describe("POST /api/articles", () => {
  it("on the root domain publishes into the caller's personal blog, created on first use", async () => {
    const jake = await register("jake_");
    const res = await api("POST", "/api/articles", { token: jake.token, body: article() });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(["article"]);
    const a = res.body.article;
    expect(Object.keys(a).sort()).toEqual(ARTICLE_KEYS);
    const blog = jake.username.replace(/_/g, "-");
    expect(a).toMatchObject({
      slug: `${blog}~how-to-train-your-dragon`,
      title: "How to train your dragon",
      description: "Ever wonder how?",
      body: "Very **carefully**.\n\n- one\n- two",
      tagList: ["dragons", "training"],
      favorited: false,
      favoritesCount: 0,
      author: { username: jake.username, bio: "", image: null, following: false },
    });
    expect(a.createdAt).toMatch(ISO_8601);
    expect(a.updatedAt).toMatch(ISO_8601);

    // The personal blog is a real blog: active, owned by the caller, recorded on the user.
    const tenant = await services.db.master().tenants.findOne({ slug: blog });
    expect(tenant).toMatchObject({ status: "active", ownerId: new ObjectId(jake.id) });
    const user = await services.users.findById(jake.id);
    expect(user?.personalBlogId?.equals(tenant?._id)).toBe(true);

    // The second article goes to the same blog (no second personal blog).
    const again = await api("POST", "/api/articles", {
      token: jake.token,
      body: article({ title: "Second" }),
    });
    expect(again.body.article.slug).toBe(`${blog}~second`);
    expect(await services.db.master().tenants.countDocuments({ ownerId: new ObjectId(jake.id) })).toBe(1);
  });

  it("stores the Markdown as sent, converts it to the studio's document, and fans it out to the feed", async () => {
    const ada = await register();
    const markdown = "## Notes\n\nSome *text* with `code`.\n\n```js\nlet x = 1;\n```\n";
    const res = await api("POST", "/api/articles", {
      token: ada.token,
      body: article({ title: "Fan out", body: markdown, tagList: ["Fan-Out"] }),
    });
    expect(res.status).toBe(201);
    expect(res.body.article.body).toBe(markdown);
    const tenant = await services.db.master().tenants.findOne({ slug: ada.username });
    if (!tenant) throw new Error("no personal blog");

    // The studio's post: Tiptap content, rendered HTML, published, with the description as excerpt.
    const post = await services.db.forTenant(tenant).posts.findOne({ slug: "fan-out" });
    expect(post).toMatchObject({ status: "published", excerpt: "Ever wonder how?", tags: ["fan-out"] });
    expect((post?.content as { type?: string } | undefined)?.type).toBe("doc");
    expect(post?.html).toContain('<h2 id="notes">Notes</h2>');
    expect(post?.html).toContain("<em>text</em>");
    const studio = await services.posts.listForStudio(tenant, { limit: 10 });
    expect(studio.map((p) => p.title)).toContain("Fan out");

    // The reader site serves it, and it is in the network feed at once (fan-out in the request).
    const published = await services.posts.getPublishedBySlug(tenant, "fan-out");
    expect(published?.html).toContain("<code>code</code>");
    const row = await services.db.master().globalFeed.findOne({ tenantId: tenant._id, postId: post?._id });
    expect(row).toMatchObject({
      title: "Fan out",
      slug: "fan-out",
      tags: ["fan-out"],
      tenantSlug: ada.username,
    });
    expect(post?.syncedVersion).toBe(post?.version);
  });

  it("publishes into a blog the request names (`blog`), if the caller is a member", async () => {
    const owner = await register();
    await blogOf(owner, `named-${owner.username}`.slice(0, 40));
    const slug = `named-${owner.username}`.slice(0, 40);
    const res = await api("POST", "/api/articles", {
      token: owner.token,
      body: article({ title: "Named blog", blog: slug }),
    });
    expect(res.status).toBe(201);
    expect(res.body.article.slug).toBe(`${slug}~named-blog`);
    expect(res.body.article).not.toHaveProperty("blog");

    const stranger = await register();
    const refused = await api("POST", "/api/articles", {
      token: stranger.token,
      body: article({ blog: slug }),
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ errors: { body: [expect.any(String)] } });
    const unknown = await api("POST", "/api/articles", {
      token: stranger.token,
      body: article({ blog: "no-such-blog-here" }),
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toEqual({ errors: { blog: ["is not a blog on this network"] } });
  });

  it("on a blog's subdomain publishes into that blog for its members only", async () => {
    const owner = await register();
    const tenant = await blogOf(owner, `sub-${owner.username}`.slice(0, 40));
    const res = await api("POST", "/api/articles", {
      blog: tenant.slug,
      token: owner.token,
      body: article(),
    });
    expect(res.status).toBe(201);
    expect(res.body.article.slug).toBe("how-to-train-your-dragon");

    // An author of the blog may publish too; someone else may not.
    const author = await register();
    await services.memberships.add(tenant._id, author.id, "author", { actor: null });
    const byAuthor = await api("POST", "/api/articles", {
      blog: tenant.slug,
      token: author.token,
      body: article({ title: "By the author" }),
    });
    expect(byAuthor.status).toBe(201);
    const stranger = await register();
    const refused = await api("POST", "/api/articles", {
      blog: tenant.slug,
      token: stranger.token,
      body: article(),
    });
    expect(refused.status).toBe(403);
  });

  it("401 without a valid token; 422 with field errors; 400 for a body that is not JSON", async () => {
    const anonymous = await api("POST", "/api/articles", { body: article() });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ errors: { body: [expect.any(String)] } });
    expect((await api("POST", "/api/articles", { token: "nope", body: article() })).status).toBe(401);
    expect(
      (await api("POST", "/api/articles", { headers: { authorization: "Bearer a.b.c" }, body: article() }))
        .status,
    ).toBe(401);

    const me = await register();
    const blank = await api("POST", "/api/articles", {
      token: me.token,
      body: { article: { title: " ", description: "", tagList: "x" } },
    });
    expect(blank.status).toBe(422);
    expect(blank.body).toEqual({
      errors: {
        title: ["can't be blank"],
        description: ["can't be blank"],
        body: ["can't be blank"],
        tagList: ["must be a list of strings"],
      },
    });
    const tooMany = await api("POST", "/api/articles", {
      token: me.token,
      body: article({ tagList: Array.from({ length: 11 }, (_, i) => `t${i}`) }),
    });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.errors.tagList).toEqual(["has more than 10 tags"]);

    for (const body of [{}, { article: "x" }, [], null, { user: {} }]) {
      const res = await api("POST", "/api/articles", { token: me.token, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body).toEqual({ errors: { article: ["is missing"] } });
    }
    const notJson = await api("POST", "/api/articles", { token: me.token, body: "{not json" });
    expect(notJson.status).toBe(400);
    expect(notJson.body.errors.body[0]).toMatch(/must be JSON/);
  });
});

describe("GET /api/articles and /api/articles/:slug", () => {
  let alice: Person;
  let bob: Person;
  let blogA: TenantDoc;
  let blogB: TenantDoc;

  beforeAll(async () => {
    alice = await register("alice");
    bob = await register("bob");
    blogA = await blogOf(alice, `list-a-${alice.username}`.slice(0, 40));
    blogB = await blogOf(bob, `list-b-${bob.username}`.slice(0, 40));
    for (const [who, blog, title, tags] of [
      [alice, blogA, "Alpha one", ["shared", "alpha"]],
      [bob, blogB, "Bravo one", ["shared", "bravo"]],
      [alice, blogA, "Alpha two", ["alpha"]],
    ] as const) {
      const res = await api("POST", "/api/articles", {
        blog: blog.slug,
        token: who.token,
        body: article({ title, tagList: [...tags] }),
      });
      expect(res.status).toBe(201);
    }
  });

  it("the root domain lists every blog's articles newest first, without bodies, with a total count", async () => {
    const res = await api("GET", `/api/articles?limit=100`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(["articles", "articlesCount"]);
    const slugs = res.body.articles.map((a: { slug: string }) => a.slug);
    const alphaTwo = slugs.indexOf(`${blogA.slug}~alpha-two`);
    const bravo = slugs.indexOf(`${blogB.slug}~bravo-one`);
    const alphaOne = slugs.indexOf(`${blogA.slug}~alpha-one`);
    expect(alphaTwo).toBeGreaterThanOrEqual(0);
    expect(alphaTwo).toBeLessThan(bravo);
    expect(bravo).toBeLessThan(alphaOne);
    expect(res.body.articlesCount).toBe(
      await services.db.master().globalFeed.countDocuments({ removedAt: { $exists: false } }),
    );
    for (const a of res.body.articles) {
      expect(Object.keys(a).sort()).toEqual(LIST_ARTICLE_KEYS);
      expect(Object.keys(a.author).sort()).toEqual(PROFILE_KEYS);
      expect(a.createdAt).toMatch(ISO_8601);
    }
  });

  it("limit and offset page through the same order; invalid values are a 422", async () => {
    const all = (await api("GET", "/api/articles?limit=100")).body.articles.map(
      (a: { slug: string }) => a.slug,
    );
    const first = await api("GET", "/api/articles?limit=2");
    const second = await api("GET", "/api/articles?limit=2&offset=2");
    expect(first.body.articles.map((a: { slug: string }) => a.slug)).toEqual(all.slice(0, 2));
    expect(second.body.articles.map((a: { slug: string }) => a.slug)).toEqual(all.slice(2, 4));
    expect(second.body.articlesCount).toBe(all.length);
    const bad = await api("GET", "/api/articles?limit=0&offset=-1");
    expect(bad.status).toBe(422);
    expect(bad.body).toEqual({ errors: { limit: ["must be at least 1"], offset: ["must be at least 0"] } });
    expect((await api("GET", "/api/articles?limit=abc")).status).toBe(422);
  });

  it("filters by tag and author on the root domain; unknown names give an empty list", async () => {
    const shared = await api("GET", "/api/articles?tag=shared&limit=100");
    expect(shared.body.articles.map((a: { title: string }) => a.title).sort()).toEqual([
      "Alpha one",
      "Bravo one",
    ]);
    expect(shared.body.articlesCount).toBe(2);
    const byAlice = await api("GET", `/api/articles?author=${alice.username}`);
    expect(byAlice.body.articles.map((a: { title: string }) => a.title)).toEqual(["Alpha two", "Alpha one"]);
    expect(byAlice.body.articles[0].tagList).toEqual(["alpha"]);
    for (const q of ["author=johnjacob", "favorited=johnjacob", "tag=no-such-tag"]) {
      const res = await api("GET", `/api/articles?${q}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ articles: [], articlesCount: 0 });
    }
  });

  it("a blog's subdomain lists only that blog's articles, with the post's own slugs", async () => {
    const res = await api("GET", "/api/articles", { blog: blogA.slug });
    expect(res.body.articles.map((a: { slug: string }) => a.slug)).toEqual(["alpha-two", "alpha-one"]);
    expect(res.body.articlesCount).toBe(2);
    const tagged = await api("GET", "/api/articles?tag=shared", { blog: blogA.slug });
    expect(tagged.body.articles.map((a: { slug: string }) => a.slug)).toEqual(["alpha-one"]);
    const byBob = await api("GET", `/api/articles?author=${bob.username}`, { blog: blogA.slug });
    expect(byBob.body).toEqual({ articles: [], articlesCount: 0 });
  });

  it("one article: network slug on both scopes, the post's own slug on its blog, bodies included", async () => {
    const network = `${blogA.slug}~alpha-one`;
    const atRoot = await api("GET", `/api/articles/${network}`);
    expect(atRoot.status).toBe(200);
    expect(Object.keys(atRoot.body.article).sort()).toEqual(ARTICLE_KEYS);
    expect(atRoot.body.article).toMatchObject({
      slug: network,
      title: "Alpha one",
      body: article().article.body,
    });
    const onBlog = await api("GET", `/api/articles/${network}`, { blog: blogA.slug });
    expect(onBlog.body.article.slug).toBe("alpha-one");
    const bare = await api("GET", "/api/articles/alpha-one", { blog: blogA.slug });
    expect(bare.body.article).toEqual(onBlog.body.article);
    expect((await api("GET", `/api/articles/${encodeURIComponent(network)}`)).status).toBe(200);
  });

  it("404 {errors:{article:['not found']}} for what is not a published article of the scope", async () => {
    const draft = await services.posts.create(
      blogA,
      { userId: new ObjectId(alice.id), role: "owner" },
      { title: "Draft" },
    );
    for (const [path, blog] of [
      ["/api/articles/alpha-one", null], // a bare slug is not network-unique
      [`/api/articles/${blogB.slug}~bravo-one`, blogA.slug], // another blog's article
      [`/api/articles/${blogA.slug}~${draft.slug}`, null], // drafts are not articles
      ["/api/articles/no-such-blog~x", null],
      ["/api/articles/nothing-here", blogA.slug],
      ["/api/articles/a~b~c", null],
    ] as const) {
      const res = await api("GET", path, { blog });
      expect(res.status, path).toBe(404);
      expect(res.body).toEqual({ errors: { article: ["not found"] } });
    }
    const noBlog = await api("GET", "/api/articles", { blog: "no-such-blog-x" });
    expect(noBlog.status).toBe(404);
    expect(noBlog.body).toEqual({ errors: { blog: ["not found"] } });
  });

  it("a post written in the studio is an article with its content as Markdown", async () => {
    const actor = { userId: new ObjectId(alice.id), role: "owner" as const };
    const draft = await services.posts.create(blogA, actor, {
      title: "From the studio",
      content: {
        type: "doc",
        content: [
          { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Hello" }] },
          { type: "paragraph", content: [{ type: "text", text: "Bold", marks: [{ type: "bold" }] }] },
        ],
      },
    });
    await services.posts.publish(blogA, actor, draft.id);
    const res = await api("GET", "/api/articles/from-the-studio", { blog: blogA.slug });
    expect(res.body.article.body).toBe("## Hello\n\n**Bold**");
  });
});

describe("PUT and DELETE /api/articles/:slug", () => {
  it("the author updates title, description, body and tags; the slug stays; Markdown stays verbatim", async () => {
    const me = await register();
    const created = await api("POST", "/api/articles", {
      token: me.token,
      body: article({ title: "Editable" }),
    });
    const slug = created.body.article.slug;
    const res = await api("PUT", `/api/articles/${slug}`, {
      token: me.token,
      body: {
        article: {
          title: "Edited title",
          description: "New description",
          body: "With two hands",
          tagList: ["b", "a"],
        },
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.article).toMatchObject({
      slug,
      title: "Edited title",
      description: "New description",
      body: "With two hands",
      tagList: ["a", "b"],
    });
    expect(new Date(res.body.article.updatedAt).getTime()).toBeGreaterThanOrEqual(
      new Date(created.body.article.updatedAt).getTime(),
    );
    const onlyBody = await api("PUT", `/api/articles/${slug}`, {
      token: me.token,
      body: { article: { body: "  *Spaced*  \n" } },
    });
    expect(onlyBody.body.article).toMatchObject({ title: "Edited title", body: "  *Spaced*  \n" });
    // The feed row follows the edit.
    const tenant = await services.db.master().tenants.findOne({ slug: me.username });
    const row = await services.db.master().globalFeed.findOne({ tenantId: tenant?._id, slug: "editable" });
    expect(row?.title).toBe("Edited title");
  });

  it("once the studio edits the body, the Markdown is made from the content again", async () => {
    const me = await register();
    const created = await api("POST", "/api/articles", {
      token: me.token,
      body: article({ title: "Studio edit", body: "Old *text*" }),
    });
    const tenant = await services.db.master().tenants.findOne({ slug: me.username });
    if (!tenant) throw new Error("no blog");
    const post = await services.db.forTenant(tenant).posts.findOne({ slug: "studio-edit" });
    if (!post) throw new Error("no post");
    const saved = await services.posts.save(
      tenant,
      { userId: new ObjectId(me.id), role: "owner" },
      post._id.toHexString(),
      {
        baseVersion: post.version,
        content: {
          type: "doc",
          content: [{ type: "paragraph", content: [{ type: "text", text: "New from the studio" }] }],
        },
      },
    );
    expect(saved.ok).toBe(true);
    const res = await api("GET", `/api/articles/${created.body.article.slug}`);
    expect(res.body.article.body).toBe("New from the studio");
  });

  it("editors change any article of their blog, authors only their own, others nobody's", async () => {
    const owner = await register();
    const tenant = await blogOf(owner, `perm-${owner.username}`.slice(0, 40));
    const author = await register();
    const editor = await register();
    const stranger = await register();
    await services.memberships.add(tenant._id, author.id, "author", { actor: null });
    await services.memberships.add(tenant._id, editor.id, "editor", { actor: null });
    await api("POST", "/api/articles", {
      blog: tenant.slug,
      token: owner.token,
      body: article({ title: "Owned" }),
    });
    const edit = (who: Person) =>
      api("PUT", "/api/articles/owned", {
        blog: tenant.slug,
        token: who.token,
        body: { article: { title: `By ${who.username}` } },
      });
    expect((await edit(author)).status).toBe(403);
    expect((await edit(stranger)).status).toBe(403);
    expect((await edit(editor)).status).toBe(200);
    expect(
      (await api("PUT", "/api/articles/owned", { blog: tenant.slug, body: { article: { title: "x" } } }))
        .status,
    ).toBe(401);
    expect(
      (
        await api("PUT", "/api/articles/missing", {
          blog: tenant.slug,
          token: owner.token,
          body: { article: {} },
        })
      ).status,
    ).toBe(404);
    const invalid = await api("PUT", "/api/articles/owned", {
      blog: tenant.slug,
      token: owner.token,
      body: { article: { title: "" } },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body).toEqual({ errors: { title: ["can't be blank"] } });
    expect(
      (await api("DELETE", "/api/articles/owned", { blog: tenant.slug, token: author.token })).status,
    ).toBe(403);
    expect((await api("DELETE", "/api/articles/owned", { blog: tenant.slug })).status).toBe(401);
  });

  it("DELETE answers 204; the article is gone from the blog, the API and the feed", async () => {
    const me = await register();
    const created = await api("POST", "/api/articles", {
      token: me.token,
      body: article({ title: "Short lived" }),
    });
    const slug = created.body.article.slug;
    const res = await api("DELETE", `/api/articles/${slug}`, { token: me.token });
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
    expect((await api("GET", `/api/articles/${slug}`)).status).toBe(404);
    const tenant = await services.db.master().tenants.findOne({ slug: me.username });
    expect(
      await services.db
        .master()
        .globalFeed.countDocuments({ tenantId: tenant?._id, removedAt: { $exists: false } }),
    ).toBe(0);
    expect((await api("DELETE", `/api/articles/${slug}`, { token: me.token })).status).toBe(404);
  });
});

describe("favorites", () => {
  it("favorite = like: idempotent, per caller, exact counts on both scopes, likes and favorites written", async () => {
    const writer = await register();
    const fan = await register();
    const other = await register();
    const created = await api("POST", "/api/articles", {
      token: writer.token,
      body: article({ title: "Likeable" }),
    });
    const slug = created.body.article.slug;
    const blog = writer.username;

    const first = await api("POST", `/api/articles/${slug}/favorite`, { token: fan.token });
    expect(first.status).toBe(200);
    expect(Object.keys(first.body.article).sort()).toEqual(ARTICLE_KEYS);
    expect(first.body.article).toMatchObject({ favorited: true, favoritesCount: 1 });
    const again = await api("POST", `/api/articles/${slug}/favorite`, { token: fan.token });
    expect(again.body.article).toMatchObject({ favorited: true, favoritesCount: 1 });
    // The same like on the blog's own API (bare slug).
    const onBlog = await api("POST", "/api/articles/likeable/favorite", { blog, token: other.token });
    expect(onBlog.body.article).toMatchObject({ slug: "likeable", favorited: true, favoritesCount: 2 });

    const tenant = await services.db.master().tenants.findOne({ slug: blog });
    if (!tenant) throw new Error("no blog");
    const post = await services.db.forTenant(tenant).posts.findOne({ slug: "likeable" });
    expect(await services.db.forTenant(tenant).likes.countDocuments({ postId: post?._id })).toBe(2);
    expect(
      await services.db.master().favorites.countDocuments({ tenantId: tenant._id, postId: post?._id }),
    ).toBe(2);

    // Flags are the caller's; the count is everyone's.
    const seen = await api("GET", `/api/articles/${slug}`, { token: writer.token });
    expect(seen.body.article).toMatchObject({ favorited: false, favoritesCount: 2 });
    const byFan = await api("GET", `/api/articles?favorited=${fan.username}`, { token: fan.token });
    expect(byFan.body.articles.map((a: { slug: string }) => a.slug)).toEqual([slug]);
    expect(byFan.body.articles[0]).toMatchObject({ favorited: true, favoritesCount: 2 });
    const byFanOnBlog = await api("GET", `/api/articles?favorited=${fan.username}`, { blog });
    expect(byFanOnBlog.body).toMatchObject({
      articlesCount: 1,
      articles: [{ slug: "likeable", favorited: false }],
    });

    const undo = await api("DELETE", `/api/articles/${slug}/favorite`, { token: fan.token });
    expect(undo.body.article).toMatchObject({ favorited: false, favoritesCount: 1 });
    const undoAgain = await api("DELETE", `/api/articles/${slug}/favorite`, { token: fan.token });
    expect(undoAgain.body.article).toMatchObject({ favorited: false, favoritesCount: 1 });
    expect((await api("GET", `/api/articles?favorited=${fan.username}`)).body).toEqual({
      articles: [],
      articlesCount: 0,
    });
    expect(await services.db.master().favorites.countDocuments({ userId: new ObjectId(fan.id) })).toBe(0);

    expect((await api("POST", `/api/articles/${slug}/favorite`)).status).toBe(401);
    expect((await api("POST", "/api/articles/nope~nope/favorite", { token: fan.token })).status).toBe(404);
  });
});

describe("cached lists", () => {
  it("show every finished write at once on both scopes: new, liked, edited and deleted articles, the caller's follows and favourites", async () => {
    const writer = await register();
    const fan = await register();
    const blog = writer.username; // the writer's personal blog
    const titles = (body: { articles: { title: string }[] }) => body.articles.map((a) => a.title);
    const byWriter = () => api("GET", `/api/articles?author=${writer.username}`);
    const onBlog = () => api("GET", "/api/articles", { blog });
    const everything = () => api("GET", "/api/articles?limit=100");
    const find = (body: { articles: { slug: string }[] }, slug: string) =>
      body.articles.find((a) => a.slug === slug);

    const first = await api("POST", "/api/articles", {
      token: writer.token,
      body: article({ title: "One" }),
    });
    const slug = first.body.article.slug;
    // Read every list twice, so the second answer could come from a cache.
    for (let i = 0; i < 2; i++) {
      expect((await byWriter()).body).toMatchObject({ articlesCount: 1, articles: [{ title: "One" }] });
      expect((await onBlog()).body).toMatchObject({ articlesCount: 1, articles: [{ title: "One" }] });
    }
    const total = (await everything()).body.articlesCount;
    expect(find((await everything()).body, slug)).toMatchObject({ favoritesCount: 0 });

    // The caller's flags: warm, then a follow and a favourite show at once (and their undoing).
    const asFan = () => api("GET", `/api/articles?author=${writer.username}`, { token: fan.token });
    for (let i = 0; i < 2; i++) {
      expect((await asFan()).body.articles[0]).toMatchObject({
        favorited: false,
        author: { following: false },
      });
    }
    await api("POST", `/api/profiles/${writer.username}/follow`, { token: fan.token });
    expect((await asFan()).body.articles[0]).toMatchObject({ favorited: false, author: { following: true } });

    // A favourite (API) and a like (the reader's button) count at once everywhere.
    await api("POST", `/api/articles/${slug}/favorite`, { token: fan.token });
    expect((await asFan()).body.articles[0]).toMatchObject({ favorited: true, favoritesCount: 1 });
    expect(
      find((await api("GET", "/api/articles?limit=100", { token: fan.token })).body, slug),
    ).toMatchObject({
      favorited: true,
    });
    await api("DELETE", `/api/profiles/${writer.username}/follow`, { token: fan.token });
    expect((await asFan()).body.articles[0]).toMatchObject({ favorited: true, author: { following: false } });
    expect((await byWriter()).body.articles[0]).toMatchObject({ favoritesCount: 1, favorited: false });
    expect((await onBlog()).body.articles[0]).toMatchObject({ favoritesCount: 1 });
    expect(find((await everything()).body, slug)).toMatchObject({ favoritesCount: 1 });
    expect((await api("GET", `/api/articles?favorited=${fan.username}`, { blog })).body.articlesCount).toBe(
      1,
    );
    const tenant = await services.db.master().tenants.findOne({ slug: blog });
    if (!tenant) throw new Error("no blog");
    const post = await services.db.forTenant(tenant).posts.findOne({ slug: "one" });
    await services.signals.toggleLike(tenant, writer.id, post?._id.toHexString() ?? "");
    expect((await byWriter()).body.articles[0]).toMatchObject({ favoritesCount: 2 });
    expect((await onBlog()).body.articles[0]).toMatchObject({ favoritesCount: 2 });
    await api("DELETE", `/api/articles/${slug}/favorite`, { token: fan.token });
    expect((await byWriter()).body.articles[0]).toMatchObject({ favoritesCount: 1 });
    expect((await asFan()).body.articles[0]).toMatchObject({ favorited: false, favoritesCount: 1 });
    expect((await api("GET", `/api/articles?favorited=${fan.username}`, { blog })).body).toEqual({
      articles: [],
      articlesCount: 0,
    });

    // An edit, a new article, a deletion.
    await api("PUT", `/api/articles/${slug}`, {
      token: writer.token,
      body: { article: { title: "One, edited" } },
    });
    expect(titles((await byWriter()).body)).toEqual(["One, edited"]);
    expect(titles((await onBlog()).body)).toEqual(["One, edited"]);
    expect(find((await everything()).body, slug)).toMatchObject({ title: "One, edited" });
    await api("POST", "/api/articles", { token: writer.token, body: article({ title: "Two" }) });
    expect((await byWriter()).body).toMatchObject({ articlesCount: 2, articles: [{ title: "Two" }, {}] });
    expect((await onBlog()).body).toMatchObject({ articlesCount: 2, articles: [{ title: "Two" }, {}] });
    expect((await everything()).body.articlesCount).toBe(total + 1);
    expect((await api("DELETE", `/api/articles/${slug}`, { token: writer.token })).status).toBe(204);
    expect(titles((await byWriter()).body)).toEqual(["Two"]);
    expect((await onBlog()).body).toMatchObject({ articlesCount: 1, articles: [{ title: "Two" }] });
    const after = (await everything()).body;
    expect(after.articlesCount).toBe(total);
    expect(find(after, slug)).toBeUndefined();
  });
});

describe("GET /api/articles/feed", () => {
  it("lists articles by followed people across blogs (root) or on one blog (subdomain); 401 anonymous", async () => {
    const reader = await register();
    const writer = await register();
    const tenant = await blogOf(writer, `feed-${writer.username}`.slice(0, 40));
    await api("POST", "/api/articles", { token: writer.token, body: article({ title: "Personal post" }) });
    await api("POST", "/api/articles", {
      blog: tenant.slug,
      token: writer.token,
      body: article({ title: "Blog post" }),
    });

    const empty = await api("GET", "/api/articles/feed", { token: reader.token });
    expect(empty.body).toEqual({ articles: [], articlesCount: 0 });
    expect(
      (await api("GET", `/api/profiles/${writer.username}/follow`, { token: reader.token })).status,
    ).toBe(405);
    await api("POST", `/api/profiles/${writer.username}/follow`, { token: reader.token });

    const feed = await api("GET", "/api/articles/feed", { token: reader.token });
    expect(feed.status).toBe(200);
    expect(feed.body.articles.map((a: { title: string }) => a.title)).toEqual(["Blog post", "Personal post"]);
    expect(feed.body.articlesCount).toBe(2);
    expect(feed.body.articles[0].author).toEqual({
      username: writer.username,
      bio: "",
      image: null,
      following: true,
    });
    expect(Object.keys(feed.body.articles[0]).sort()).toEqual(LIST_ARTICLE_KEYS);

    const onBlog = await api("GET", "/api/articles/feed?limit=1", { blog: tenant.slug, token: reader.token });
    expect(onBlog.body).toMatchObject({ articlesCount: 1, articles: [{ slug: "blog-post" }] });
    const paged = await api("GET", "/api/articles/feed?limit=1&offset=1", { token: reader.token });
    expect(paged.body.articles.map((a: { title: string }) => a.title)).toEqual(["Personal post"]);

    expect((await api("GET", "/api/articles/feed")).status).toBe(401);
  });
});

describe("comments", () => {
  it("add, list (anonymous and signed in) and delete comments with integer ids", async () => {
    const writer = await register();
    const commenter = await register();
    const created = await api("POST", "/api/articles", {
      token: writer.token,
      body: article({ title: "Discussed" }),
    });
    const slug = created.body.article.slug;

    const first = await api("POST", `/api/articles/${slug}/comments`, {
      token: commenter.token,
      body: { comment: { body: "Thank you so much!" } },
    });
    expect(first.status).toBe(200);
    expect(Object.keys(first.body)).toEqual(["comment"]);
    expect(Object.keys(first.body.comment).sort()).toEqual(COMMENT_KEYS);
    expect(first.body.comment).toMatchObject({
      id: 1,
      body: "Thank you so much!",
      author: { username: commenter.username, following: false },
    });
    expect(first.body.comment.createdAt).toMatch(ISO_8601);
    const second = await api("POST", "/api/articles/discussed/comments", {
      blog: writer.username,
      token: writer.token,
      body: { comment: { body: "Glad you liked it" } },
    });
    expect(second.body.comment.id).toBe(2);

    // A comment written on the reader site gets its number when the API first lists it.
    const tenant = await services.db.master().tenants.findOne({ slug: writer.username });
    if (!tenant) throw new Error("no blog");
    const post = await services.db.forTenant(tenant).posts.findOne({ slug: "discussed" });
    const reader = await register();
    await services.comments.create(
      tenant,
      { userId: reader.id },
      { postId: post?._id.toHexString() ?? "", body: "From the blog" },
    );

    const listed = await api("GET", `/api/articles/${slug}/comments`);
    expect(listed.status).toBe(200);
    expect(listed.body.comments.map((c: { id: number; body: string }) => [c.id, c.body])).toEqual([
      [1, "Thank you so much!"],
      [2, "Glad you liked it"],
      [3, "From the blog"],
    ]);
    for (const c of listed.body.comments) expect(Object.keys(c).sort()).toEqual(COMMENT_KEYS);
    const again = await api("GET", "/api/articles/discussed/comments", {
      blog: writer.username,
      token: commenter.token,
    });
    expect(again.body.comments.map((c: { id: number }) => c.id)).toEqual([1, 2, 3]);

    // Only its author (or the blog's owners/editors) deletes a comment.
    expect((await api("DELETE", `/api/articles/${slug}/comments/2`, { token: commenter.token })).status).toBe(
      403,
    );
    expect((await api("DELETE", `/api/articles/${slug}/comments/1`)).status).toBe(401);
    const deleted = await api("DELETE", `/api/articles/${slug}/comments/1`, { token: commenter.token });
    expect(deleted.status).toBe(204);
    const byOwner = await api("DELETE", `/api/articles/${slug}/comments/3`, { token: writer.token });
    expect(byOwner.status).toBe(204);
    const after = await api("GET", `/api/articles/${slug}/comments`);
    expect(after.body.comments.map((c: { id: number }) => c.id)).toEqual([2]);
    for (const id of ["1", "99", "abc", "1.5"]) {
      const res = await api("DELETE", `/api/articles/${slug}/comments/${id}`, { token: commenter.token });
      expect(res.status, id).toBe(404);
      expect(res.body).toEqual({ errors: { comment: ["not found"] } });
    }
  });

  it("422 for a blank comment, 401 anonymous, 404 for a missing article", async () => {
    const writer = await register();
    const created = await api("POST", "/api/articles", {
      token: writer.token,
      body: article({ title: "Quiet" }),
    });
    const slug = created.body.article.slug;
    const blank = await api("POST", `/api/articles/${slug}/comments`, {
      token: writer.token,
      body: { comment: { body: "  " } },
    });
    expect(blank.status).toBe(422);
    expect(blank.body).toEqual({ errors: { body: ["can't be blank"] } });
    const missing = await api("POST", `/api/articles/${slug}/comments`, { token: writer.token, body: {} });
    expect(missing.body).toEqual({ errors: { comment: ["is missing"] } });
    expect(
      (await api("POST", `/api/articles/${slug}/comments`, { body: { comment: { body: "hi" } } })).status,
    ).toBe(401);
    expect((await api("GET", "/api/articles/nope~nope/comments")).status).toBe(404);
    expect((await api("GET", `/api/articles/${slug}/comments`)).body).toEqual({ comments: [] });
  });
});

describe("GET /api/tags", () => {
  it("lists a blog's tags on its subdomain and the network's tags at the root", async () => {
    const writer = await register();
    const tenant = await blogOf(writer, `tags-${writer.username}`.slice(0, 40));
    await api("POST", "/api/articles", {
      blog: tenant.slug,
      token: writer.token,
      body: article({ title: "T1", tagList: ["zeta", "Common"] }),
    });
    await api("POST", "/api/articles", {
      blog: tenant.slug,
      token: writer.token,
      body: article({ title: "T2", tagList: ["common"] }),
    });
    const onBlog = await api("GET", "/api/tags", { blog: tenant.slug });
    expect(onBlog.status).toBe(200);
    expect(onBlog.body).toEqual({ tags: ["common", "zeta"] });
    const atRoot = await api("GET", "/api/tags");
    expect(atRoot.status).toBe(200);
    expect(Array.isArray(atRoot.body.tags)).toBe(true);
    expect(atRoot.body.tags.every((t: unknown) => typeof t === "string")).toBe(true);
  });
});

describe("CORS", () => {
  it("answers preflights for every RealWorld path and marks every answer readable from any origin", async () => {
    for (const path of [
      "/api/articles",
      "/api/articles/x~y/favorite",
      "/api/users/login",
      "/api/user",
      "/api/tags",
      "/api/profiles/x/follow",
    ]) {
      const res = await api("OPTIONS", path, {
        blog: "any-blog",
        headers: {
          origin: "http://elsewhere.example",
          "access-control-request-method": "PUT",
          "access-control-request-headers": "authorization,content-type",
        },
      });
      expect(res.status, path).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("access-control-allow-methods")).toContain("PUT");
      expect(res.headers.get("access-control-allow-headers")).toBe("authorization,content-type");
    }
    for (const [method, path] of [
      ["GET", "/api/articles"],
      ["GET", "/api/articles/nope~nope"],
      ["POST", "/api/articles"],
      ["POST", "/api/users/login"],
      ["GET", "/api/user"],
    ] as const) {
      const res = await api(method, path, { body: method === "POST" ? { user: {} } : undefined });
      expect(res.headers.get("access-control-allow-origin"), `${method} ${path}`).toBe("*");
    }
  });

  it("never acts on a browser's session cookie: only the Authorization header signs a request in", async () => {
    const me = await register();
    const res = await api("POST", "/api/articles", {
      body: article(),
      headers: { cookie: `next-auth.session-token=${me.token}` },
    });
    expect(res.status).toBe(401);
  });

  it("treats `Token null` from a signed-out front end as anonymous, and a method the path lacks as 405", async () => {
    expect((await api("GET", "/api/articles", { headers: { authorization: "Token null" } })).status).toBe(
      200,
    );
    const res = await api("PATCH", "/api/articles");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, POST, OPTIONS");
  });
});
