import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/routers";
import { contextFor, createTestServices, createUser, type TestServices } from "@/test/support/services";

let t: TestServices;
let owner: Awaited<ReturnType<typeof createUser>>;
let stranger: Awaited<ReturnType<typeof createUser>>;

beforeAll(async () => {
  t = await createTestServices();
  [owner, stranger] = await Promise.all([
    createUser(t.services, "owner"),
    createUser(t.services, "stranger"),
  ]);
  await (await as(owner.token)).tenants.create({ name: "Blog", slug: "blog", theme: "classic" });
  await (await as(stranger.token)).tenants.create({ name: "Other", slug: "other", theme: "classic" });
});

afterAll(async () => {
  await t?.cleanup();
});

async function as(token: string | undefined, tenantSlug?: string) {
  return createCaller(await contextFor(t.services, { token, tenantSlug }));
}

async function codeOf(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return (error as TRPCError).code;
}

const doc = (s: string) => ({
  type: "doc" as const,
  content: [{ type: "paragraph", content: [{ type: "text", text: s }] }],
});

describe("posts router", () => {
  it("creates, autosaves, conflicts and publishes through the editor's procedures", async () => {
    const api = await as(owner.token, "blog");
    const post = await api.posts.create({ type: "post", title: "Through tRPC" });
    const saved = await api.posts.save({ id: post.id, baseVersion: 1, content: doc("Hello"), tags: ["A"] });
    expect(saved).toMatchObject({ ok: true, post: { version: 2, tags: ["a"], wordCount: 1 } });
    const conflict = await api.posts.save({ id: post.id, baseVersion: 1, content: doc("Stale tab") });
    expect(conflict.ok).toBe(false);
    expect(!conflict.ok && conflict.conflict.html).toBe("<p>Hello</p>");
    expect(await api.posts.publish({ id: post.id, baseVersion: 2 })).toMatchObject({ status: "published" });
    const list = await api.posts.list({ status: "published" });
    expect(list.items.map((p) => p.id)).toEqual([post.id]);
    expect(list.counts.published).toBe(1);
    const { path } = await api.posts.createPreviewLink({ id: post.id });
    expect(path).toMatch(new RegExp(`^/studio/blog/posts/${post.id}/share\\?token=`));
  });

  it("answers malformed input with BAD_REQUEST, not a 500", async () => {
    const api = await as(owner.token, "blog");
    const post = await api.posts.create({ type: "post" });
    expect(await codeOf(api.posts.save({ id: "nope", baseVersion: 1 }))).toBe("BAD_REQUEST");
    expect(await codeOf(api.posts.save({ id: post.id, baseVersion: 0 }))).toBe("BAD_REQUEST");
    expect(
      await codeOf(
        api.posts.save({
          id: post.id,
          baseVersion: 1,
          content: { type: "doc", content: [{ type: "evil" }] },
        }),
      ),
    ).toBe("BAD_REQUEST");
    expect(await codeOf(api.posts.save({ id: post.id, baseVersion: 1, slug: "Not A Slug!" }))).toBe(
      "BAD_REQUEST",
    );
    expect(await codeOf(api.posts.schedule({ id: post.id, publishAt: new Date("nope") }))).toBe(
      "BAD_REQUEST",
    );
    expect(await codeOf(api.posts.embed({ url: "http://127.0.0.1/" }))).toBe("BAD_REQUEST");
  });

  it("lets no one outside the blog in, and binds the blog to the host, not the input", async () => {
    const mine = await (await as(owner.token, "blog")).posts.create({ type: "post", title: "Private" });
    expect(await codeOf((await as(undefined, "blog")).posts.list({}))).toBe("UNAUTHORIZED");
    expect(await codeOf((await as(stranger.token, "blog")).posts.list({}))).toBe("FORBIDDEN");
    expect(await codeOf((await as(stranger.token, "blog")).posts.get({ id: mine.id }))).toBe("FORBIDDEN");
    // Stranger on their own blog asking for Blog's post id: it isn't in their database.
    expect(await codeOf((await as(stranger.token, "other")).posts.get({ id: mine.id }))).toBe("NOT_FOUND");
    expect(await codeOf((await as(owner.token)).posts.list({}))).toBe("NOT_FOUND");
  });
});
