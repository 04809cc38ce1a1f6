import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantDoc } from "@/server/db";
import { createTestServices, createUser, type TestServices } from "@/test/support/services";
import { FollowsService } from "./follows-service";

let t: TestServices;
let follows: FollowsService;

beforeAll(async () => {
  t = await createTestServices();
  follows = new FollowsService({ db: t.db, feed: t.services.feed });
});

afterAll(async () => {
  await t?.cleanup();
});

async function blogWithPosts(owner: Awaited<ReturnType<typeof createUser>>, slug: string, titles: string[]) {
  await t.services.tenants.create(
    { name: `Blog ${slug}`, slug, theme: "minimal" },
    {
      userId: owner.session.user.id,
      email: owner.user.email,
      platformAdmin: false,
      ip: null,
      requestId: null,
    },
  );
  const tenant = (await t.db.master().tenants.findOne({ slug })) as TenantDoc;
  const actor = { userId: owner.user._id, role: "owner" as const };
  for (const title of titles) {
    const draft = await t.services.posts.create(tenant, actor, { title });
    await t.services.posts.publish(tenant, actor, draft.id);
  }
  return tenant;
}

describe("FollowsService", () => {
  it("follows once, unfollows, and answers flags for many people in one call", async () => {
    const a = await createUser(t.services, "fa");
    const b = await createUser(t.services, "fb");
    const c = await createUser(t.services, "fc");
    await follows.follow(a.user._id, b.user._id);
    await follows.follow(a.user._id, b.user._id);
    await Promise.all([follows.follow(a.user._id, c.user._id), follows.follow(a.user._id, c.user._id)]);
    expect(await t.db.master().follows.countDocuments({ followerId: a.user._id })).toBe(2);
    const flags = await follows.followedAmong(a.user._id, [b.user._id, c.user._id, a.user._id]);
    expect([...flags].sort()).toEqual([b.user._id.toHexString(), c.user._id.toHexString()].sort());
    expect(await follows.counts(b.user._id)).toEqual({ followers: 1, following: 0 });
    await follows.unfollow(a.user._id, b.user._id);
    expect(await follows.isFollowing(a.user._id, b.user._id)).toBe(false);
    expect(await follows.isFollowing(a.user._id, c.user._id)).toBe(true);
    await expect(follows.follow(a.user._id, a.user._id)).rejects.toMatchObject({ code: "UNPROCESSABLE" });
    expect(await follows.followedAmong(null, [b.user._id])).toEqual(new Set());
  });

  it("the Following feed: posts of followed people across their blogs, newest first, in pages", async () => {
    const reader = await createUser(t.services, "reader");
    const writer = await createUser(t.services, "writer");
    const stranger = await createUser(t.services, "stranger");
    const empty = await follows.followingFeed(reader.user._id, { limit: 10 });
    expect(empty).toEqual({ items: [], nextCursor: null, following: 0 });

    await blogWithPosts(writer, `fw-one-${writer.user.username}`.slice(0, 40), ["W1", "W2"]);
    await blogWithPosts(writer, `fw-two-${writer.user.username}`.slice(0, 40), ["W3"]);
    await blogWithPosts(stranger, `fs-${stranger.user.username}`.slice(0, 40), ["S1"]);
    await follows.follow(reader.user._id, writer.user._id);

    const first = await follows.followingFeed(reader.user._id, { limit: 2 });
    expect(first.following).toBe(1);
    expect(first.items.map((i) => i.title)).toEqual(["W3", "W2"]);
    expect(first.items[0]).toMatchObject({
      blogName: `Blog fw-two-${writer.user.username}`.slice(0, 45),
      blogTheme: "minimal",
      url: expect.stringMatching(/^http:\/\/fw-two-.+\.localhost:3101\/w3$/),
    });
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await follows.followingFeed(reader.user._id, { limit: 2, cursor: first.nextCursor });
    expect(second.items.map((i) => i.title)).toEqual(["W1"]);
    expect(second.nextCursor).toBeNull();
    await expect(
      follows.followingFeed(reader.user._id, { limit: 2, cursor: "garbage" }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect((await follows.followingFeed(new ObjectId(), { limit: 5 })).items).toEqual([]);
  });
});
