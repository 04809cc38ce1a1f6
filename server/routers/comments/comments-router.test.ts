import { afterEach, describe, expect, it } from "vitest";
import { readerFixture } from "@/server/front/testing";
import { createCaller } from "@/server/routers";
import { contextFor, createUser } from "@/test/support/services";

const fixtures: Awaited<ReturnType<typeof readerFixture>>[] = [];
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.cleanup()));
});

describe("comments and signals routers (studio)", () => {
  it("lists comments with names and titles for members; only editors and owners moderate", async () => {
    const f = await readerFixture();
    fixtures.push(f);
    const tenant = await f.blog("studio-comments");
    const post = await f.post(tenant, { slug: "story", title: "The story" });
    const reader = await createUser(f.services, "reader");
    const c = await f.services.comments.create(
      tenant,
      { userId: reader.user._id.toHexString() },
      { postId: post._id.toHexString(), body: "Nice" },
    );
    const owner = createCaller(
      await contextFor(f.services, { token: f.owner.token, tenantSlug: "studio-comments" }),
    );
    const outsider = createCaller(
      await contextFor(f.services, { token: reader.token, tenantSlug: "studio-comments" }),
    );

    const list = await owner.comments.list({});
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      id: c.id,
      body: "Nice",
      authorName: "reader",
      postTitle: "The story",
      postSlug: "story",
    });
    await expect(outsider.comments.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(outsider.comments.setHidden({ id: c.id, hidden: true })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });

    await owner.comments.setHidden({ id: c.id, hidden: true });
    expect((await owner.comments.list({}))[0]?.hidden).toBe(true);
    await owner.comments.delete({ id: c.id });
    expect(await owner.comments.list({})).toEqual([]);

    await f.services.signals.toggleLike(tenant, reader.user._id.toHexString(), post._id.toHexString());
    const counts = await owner.signals.counts({ postIds: [post._id.toHexString()] });
    expect(counts[post._id.toHexString()]).toEqual({ views: 0, likes: 1, comments: 0 });
    await expect(owner.signals.counts({ postIds: ["x"] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
