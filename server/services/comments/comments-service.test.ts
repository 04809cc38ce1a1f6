import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "@/server/errors";
import { readerFixture } from "@/server/front/testing";
import { createUser } from "@/test/support/services";

const fixtures: Awaited<ReturnType<typeof readerFixture>>[] = [];
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.cleanup()));
});
async function setup() {
  const f = await readerFixture();
  fixtures.push(f);
  const tenant = await f.blog("comments");
  const story = await f.post(tenant, { slug: "story" });
  const reader = await createUser(f.services, "reader");
  return { ...f, tenant, story, reader, who: { userId: reader.user._id.toHexString() } };
}
const codeOf = (e: unknown) => (e instanceof AppError ? e.code : String(e));

describe("CommentsService", () => {
  it("keeps one level of replies: a reply to a reply joins the same thread", async () => {
    const t = await setup();
    const postId = t.story._id.toHexString();
    const top = await t.services.comments.create(t.tenant, t.who, { postId, body: "top" });
    const reply = await t.services.comments.create(t.tenant, t.who, {
      postId,
      parentId: top.id,
      body: "reply",
    });
    const deeper = await t.services.comments.create(t.tenant, t.who, {
      postId,
      parentId: reply.id,
      body: "deeper",
    });
    expect(deeper.parentId).toBe(top.id);
    const thread = await t.services.comments.listForPost(t.tenant, t.story._id);
    expect(thread).toHaveLength(1);
    expect(thread[0]?.replies.map((r) => r.body)).toEqual(["reply", "deeper"]);
    expect((await t.services.signals.counts(t.tenant, postId)).comments).toBe(3);
  });

  it("stores plain text trimmed, refuses empty or too long bodies and unpublished posts", async () => {
    const t = await setup();
    const postId = t.story._id.toHexString();
    const c = await t.services.comments.create(t.tenant, t.who, { postId, body: "  <b>hi</b>\r\n  " });
    expect(c.body).toBe("<b>hi</b>");
    expect(
      codeOf(await t.services.comments.create(t.tenant, t.who, { postId, body: " " }).catch((e) => e)),
    ).toBe("BAD_REQUEST");
    expect(
      codeOf(
        await t.services.comments
          .create(t.tenant, t.who, { postId, body: "x".repeat(5_001) })
          .catch((e) => e),
      ),
    ).toBe("BAD_REQUEST");
    const draft = await t.post(t.tenant, { slug: "draft", status: "draft", publishedAt: null });
    expect(
      codeOf(
        await t.services.comments
          .create(t.tenant, t.who, { postId: draft._id.toHexString(), body: "hello" })
          .catch((e) => e),
      ),
    ).toBe("NOT_FOUND");
  });

  it("rate-limits each user", async () => {
    const t = await setup();
    const postId = t.story._id.toHexString();
    for (let i = 0; i < 5; i++) await t.services.comments.create(t.tenant, t.who, { postId, body: `c${i}` });
    const error = await t.services.comments
      .create(t.tenant, t.who, { postId, body: "one too many" })
      .catch((e) => e);
    expect(codeOf(error)).toBe("TOO_MANY_REQUESTS");
    // Another reader is not affected.
    await expect(
      t.services.comments.create(
        t.tenant,
        { userId: t.owner.user._id.toHexString() },
        { postId, body: "mine" },
      ),
    ).resolves.toMatchObject({ body: "mine" });
  });

  it("lets authors edit and delete their own; owners and editors hide or delete any; others nothing", async () => {
    const t = await setup();
    const postId = t.story._id.toHexString();
    const stranger = { userId: (await createUser(t.services, "stranger")).user._id.toHexString() };
    const owner = { userId: t.owner.user._id.toHexString() };
    const c = await t.services.comments.create(t.tenant, t.who, { postId, body: "first" });
    expect(
      codeOf(await t.services.comments.edit(t.tenant, stranger, { id: c.id, body: "x" }).catch((e) => e)),
    ).toBe("FORBIDDEN");
    expect(codeOf(await t.services.comments.delete(t.tenant, stranger, { id: c.id }).catch((e) => e))).toBe(
      "FORBIDDEN",
    );
    expect(
      codeOf(
        await t.services.comments.setHidden(t.tenant, t.who, { id: c.id, hidden: true }).catch((e) => e),
      ),
    ).toBe("FORBIDDEN");
    expect(
      (await t.services.comments.edit(t.tenant, t.who, { id: c.id, body: "edited" })).editedAt,
    ).toBeInstanceOf(Date);

    await t.services.comments.setHidden(t.tenant, owner, { id: c.id, hidden: true });
    expect(await t.services.comments.listForPost(t.tenant, t.story._id)).toEqual([]);
    expect((await t.services.comments.listForStudio(t.tenant))[0]).toMatchObject({
      hidden: true,
      body: "edited",
    });
    expect((await t.services.signals.counts(t.tenant, postId)).comments).toBe(0);
    await t.services.comments.setHidden(t.tenant, owner, { id: c.id, hidden: false });
    expect((await t.services.signals.counts(t.tenant, postId)).comments).toBe(1);

    await t.services.comments.delete(t.tenant, owner, { id: c.id });
    expect(await t.services.comments.listForPost(t.tenant, t.story._id)).toEqual([]);
    expect((await t.services.signals.counts(t.tenant, postId)).comments).toBe(0);
    expect(codeOf(await t.services.comments.delete(t.tenant, t.who, { id: c.id }).catch((e) => e))).toBe(
      "NOT_FOUND",
    );
  });

  it("shows a removed comment with replies as a placeholder, keeping the thread", async () => {
    const t = await setup();
    const postId = t.story._id.toHexString();
    const top = await t.services.comments.create(t.tenant, t.who, { postId, body: "top" });
    await t.services.comments.create(t.tenant, t.who, { postId, parentId: top.id, body: "reply" });
    await t.services.comments.delete(t.tenant, t.who, { id: top.id });
    const [thread] = await t.services.comments.listForPost(t.tenant, t.story._id);
    expect(thread).toMatchObject({ deleted: true, body: "" });
    expect(thread?.replies.map((r) => r.body)).toEqual(["reply"]);
  });

  it("marks the tenant dirty for the hot score and purges the blog's cached pages", async () => {
    const t = await setup();
    const purged: string[] = [];
    const { onPurge } = await import("@/server/services/reader-cache/purge-bus");
    const stop = onPurge((e) => purged.push(`${e.tenantSlug}:${e.reason}`));
    await t.services.comments.create(t.tenant, t.who, { postId: t.story._id.toHexString(), body: "hi" });
    stop();
    expect(purged).toContain("comments:comment");
    expect(await t.redis.sismember(`${t.redisPrefix}hot:dirty`, t.tenant._id.toHexString())).toBe(1);
  });
});
