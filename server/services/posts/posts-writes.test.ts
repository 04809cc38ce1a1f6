import { ObjectId } from "mongodb";
import { afterEach, describe, expect, it } from "vitest";
import type { Role, TenantDoc } from "@/server/db";
import type { AppError } from "@/server/errors";
import { callerFrom } from "@/server/http/caller";
import { createTestServices, createUser, memoryLogger } from "@/test/support/services";
import { RevisionsService } from "../revisions/revisions-service";
import type { PostFanout, PostWriteEvent } from "./fanout";
import type { PostActor } from "./permissions";
import { PostsService } from "./posts-service";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

class RecordingFanout implements PostFanout {
  events: PostWriteEvent[] = [];
  fail = false;
  async afterWrite(event: PostWriteEvent): Promise<void> {
    this.events.push(event);
    if (this.fail) throw new Error("feed is down");
  }
}

const text = (t: string) => ({ type: "text", text: t });
const doc = (...paragraphs: string[]) => ({
  type: "doc",
  content: paragraphs.map((p) => ({ type: "paragraph", content: [text(p)] })),
});

/** A blog with an owner, an editor and two authors, and a PostsService on a clock the test moves. */
async function setup() {
  const t = await createTestServices();
  cleanups.push(t.cleanup);
  let clock = Date.UTC(2026, 5, 1, 9, 0, 0);
  const now = () => new Date(clock);
  const advance = (ms: number) => {
    clock += ms;
  };
  const fanout = new RecordingFanout();
  const { log, lines } = memoryLogger();
  const revisions = new RevisionsService({ db: t.db, now });
  const posts = new PostsService({ db: t.db, log, revisions, fanout, now });
  const owner = await createUser(t.services, "owner");
  await t.services.tenants.create(
    { name: "Blog", slug: "blog", theme: "classic" },
    callerFrom(owner.session, { ip: null, requestId: null }),
  );
  const tenant = (await t.services.tenants.findActiveBySlug("blog")) as TenantDoc;
  const member = async (name: string, role: Role): Promise<PostActor> => {
    const u = await createUser(t.services, name);
    await t.services.memberships.add(tenant._id, u.user._id.toHexString(), role, { actor: null });
    return { userId: u.user._id, role };
  };
  const actors = {
    owner: { userId: owner.user._id, role: "owner" as const },
    editor: await member("editor", "editor"),
    author: await member("author", "author"),
    other: await member("other", "author"),
  };
  return { t, posts, revisions, fanout, tenant, actors, advance, now, logLines: lines };
}

const errorOf = async (work: Promise<unknown>) =>
  work.then(
    () => null,
    (e: unknown) => e as AppError,
  );

describe("PostsService: drafts and optimistic versions", () => {
  it("creates a draft with rendered fields and saves changes, bumping the version", async () => {
    const { posts, tenant, actors, t } = await setup();
    const post = await posts.create(tenant, actors.author, { title: "Hello, World!" });
    expect(post).toMatchObject({ slug: "hello-world", status: "draft", type: "post", version: 1 });
    expect(post.authorIds).toEqual([actors.author.userId.toHexString()]);

    const saved = await posts.save(tenant, actors.author, post.id, {
      baseVersion: 1,
      content: doc("First words of the post.", "Second paragraph."),
    });
    expect(saved).toMatchObject({ ok: true, post: { version: 2, wordCount: 7, readingMinutes: 1 } });
    const stored = await t.db.forTenant(tenant).posts.findOne({ _id: new ObjectId(post.id) });
    expect(stored).toMatchObject({
      version: 2,
      html: "<p>First words of the post.</p><p>Second paragraph.</p>",
      text: "First words of the post.\n\nSecond paragraph.",
      wordCount: 7,
      excerpt: "First words of the post. Second paragraph.",
    });
  });

  it("answers a save from an older version with the current post instead of overwriting it", async () => {
    const { posts, tenant, actors, t } = await setup();
    const post = await posts.create(tenant, actors.author, { title: "Two tabs" });
    const first = await posts.save(tenant, actors.author, post.id, {
      baseVersion: 1,
      content: doc("From tab one"),
    });
    expect(first.ok).toBe(true);
    const second = await posts.save(tenant, actors.author, post.id, {
      baseVersion: 1,
      content: doc("From tab two"),
    });
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.conflict.version).toBe(2);
    expect(second.conflict.content).toEqual(doc("From tab one"));
    const stored = await t.db.forTenant(tenant).posts.findOne({ _id: new ObjectId(post.id) });
    expect(stored?.text).toBe("From tab one");
    // Resolving: save again on top of the version the conflict showed.
    const resolved = await posts.save(tenant, actors.author, post.id, {
      baseVersion: 2,
      content: doc("Merged"),
    });
    expect(resolved).toMatchObject({ ok: true, post: { version: 3 } });
  });

  it("builds a save on the post its last save left only while the stored post still is that post", async () => {
    const { posts, tenant, actors, fanout, t } = await setup();
    const stored = t.db.forTenant(tenant).posts;
    const post = await posts.create(tenant, actors.author, { title: "Remembered" });
    const first = await posts.save(tenant, actors.author, post.id, { baseVersion: 1, content: doc("one") });
    if (!first.ok) throw new Error("conflict");

    // Changed behind this process's back without a version bump: the next save reads it afresh.
    const publishedAt = new Date(Date.UTC(2026, 0, 1));
    await stored.updateOne({ _id: new ObjectId(post.id) }, { $set: { status: "published", publishedAt } });
    const second = await posts.save(tenant, actors.author, post.id, { baseVersion: 2, content: doc("two") });
    expect(second).toMatchObject({ ok: true, post: { version: 3 } });
    // Published now, so the save fans out (a remembered draft would have stayed quiet).
    expect(fanout.events.map((e) => [e.kind, e.version])).toEqual([["updated", 3]]);

    // An author dropped from the post can't save on the strength of what was remembered.
    await stored.updateOne({ _id: new ObjectId(post.id) }, { $set: { authorIds: [actors.other.userId] } });
    const refused = await errorOf(
      posts.save(tenant, actors.author, post.id, { baseVersion: 3, content: doc("x") }),
    );
    expect(refused?.code).toBe("FORBIDDEN");

    // A save from elsewhere (another instance) moved the version: the stale base is a conflict.
    await stored.updateOne(
      { _id: new ObjectId(post.id) },
      { $set: { authorIds: [actors.author.userId], title: "Elsewhere" }, $inc: { version: 1 } },
    );
    const stale = await posts.save(tenant, actors.author, post.id, { baseVersion: 3, content: doc("y") });
    expect(stale).toMatchObject({ ok: false, conflict: { version: 4, title: "Elsewhere" } });
    const fresh = await posts.save(tenant, actors.author, post.id, { baseVersion: 4, content: doc("z") });
    expect(fresh).toMatchObject({ ok: true, post: { version: 5 } });
    expect(await stored.findOne({ _id: new ObjectId(post.id) })).toMatchObject({
      title: "Elsewhere",
      text: "z",
    });
  });

  it("lets exactly one of two concurrent saves of the same version win", async () => {
    const { posts, tenant, actors } = await setup();
    const post = await posts.create(tenant, actors.author, { title: "Race" });
    const results = await Promise.all(
      ["a", "b", "c"].map((w) =>
        posts.save(tenant, actors.author, post.id, { baseVersion: 1, content: doc(w) }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toHaveLength(2);
  });

  it("refuses content that is not a valid document with a 400 and keeps the post", async () => {
    const { posts, tenant, actors } = await setup();
    const post = await posts.create(tenant, actors.author, { title: "Bad" });
    const error = await errorOf(
      posts.save(tenant, actors.author, post.id, {
        baseVersion: 1,
        content: { type: "doc", content: [{ type: "script" }] },
      }),
    );
    expect(error?.code).toBe("BAD_REQUEST");
    expect((await posts.getForEditor(tenant, actors.author, post.id)).version).toBe(1);
  });

  it("normalises tags, keeps a custom excerpt, and goes back to the automatic one when cleared", async () => {
    const { posts, tenant, actors } = await setup();
    const post = await posts.create(tenant, actors.author, { title: "Tags" });
    await posts.save(tenant, actors.author, post.id, {
      baseVersion: 1,
      tags: ["  Java Script ", "#javascript", "java   script", "Rust", "", "rust"],
      excerpt: "  My own   words. ",
      content: doc("Body text."),
      coverUrl: "https://img.test/c.png",
      featured: true,
    });
    let got = await posts.getForEditor(tenant, actors.author, post.id);
    expect(got).toMatchObject({
      tags: ["java script", "javascript", "rust"],
      excerpt: "My own words.",
      customExcerpt: true,
      coverUrl: "https://img.test/c.png",
      featured: true,
    });
    await posts.save(tenant, actors.author, post.id, { baseVersion: 2, content: doc("New body.") });
    expect((await posts.getForEditor(tenant, actors.author, post.id)).excerpt).toBe("My own words.");
    await posts.save(tenant, actors.author, post.id, { baseVersion: 3, excerpt: "" });
    got = await posts.getForEditor(tenant, actors.author, post.id);
    expect(got).toMatchObject({ excerpt: "New body.", customExcerpt: false });
    const bad = await errorOf(
      posts.save(tenant, actors.author, post.id, { baseVersion: 4, coverUrl: "javascript:alert(1)" }),
    );
    expect(bad?.code).toBe("BAD_REQUEST");
  });
});

describe("PostsService: slugs", () => {
  it("follows the title while a draft, stays put once set by hand, and is unique in the blog", async () => {
    const { posts, tenant, actors } = await setup();
    const a = await posts.create(tenant, actors.owner, { title: "Same title" });
    const b = await posts.create(tenant, actors.owner, { title: "Same title" });
    expect([a.slug, b.slug]).toEqual(["same-title", "same-title-2"]);
    const renamed = await posts.save(tenant, actors.owner, b.id, { baseVersion: 1, title: "A better title" });
    expect(renamed.ok && renamed.post.slug).toBe("a-better-title");
    await posts.save(tenant, actors.owner, b.id, { baseVersion: 2, slug: "my-slug" });
    const retitled = await posts.save(tenant, actors.owner, b.id, { baseVersion: 3, title: "Yet another" });
    expect(retitled.ok && retitled.post.slug).toBe("my-slug");
    const taken = await errorOf(
      posts.save(tenant, actors.owner, b.id, { baseVersion: 4, slug: "same-title" }),
    );
    expect(taken?.code).toBe("CONFLICT");
    const reserved = await errorOf(posts.save(tenant, actors.owner, b.id, { baseVersion: 4, slug: "tag" }));
    expect(reserved?.code).toBe("BAD_REQUEST");
  });

  it("keeps a published post's old slugs as redirects, and a slug reused elsewhere stops redirecting", async () => {
    const { posts, tenant, actors } = await setup();
    const post = await posts.create(tenant, actors.owner, { title: "Original" });
    await posts.publish(tenant, actors.owner, post.id);
    // Published: the title no longer moves the slug.
    const r = await posts.save(tenant, actors.owner, post.id, { baseVersion: 2, title: "Renamed" });
    expect(r.ok && r.post.slug).toBe("original");
    await posts.save(tenant, actors.owner, post.id, { baseVersion: 3, slug: "renamed" });
    expect(await posts.resolvePublishedSlug(tenant, "original")).toEqual({
      kind: "redirect",
      slug: "renamed",
    });
    expect((await posts.resolvePublishedSlug(tenant, "renamed"))?.kind).toBe("post");
    await posts.save(tenant, actors.owner, post.id, { baseVersion: 4, slug: "third" });
    expect(await posts.resolvePublishedSlug(tenant, "original")).toEqual({ kind: "redirect", slug: "third" });
    expect(await posts.resolvePublishedSlug(tenant, "renamed")).toEqual({ kind: "redirect", slug: "third" });

    // Another post takes "original": it is served, no longer a redirect.
    const other = await posts.create(tenant, actors.owner, { title: "Other" });
    await posts.save(tenant, actors.owner, other.id, { baseVersion: 1, slug: "original" });
    await posts.publish(tenant, actors.owner, other.id);
    const resolved = await posts.resolvePublishedSlug(tenant, "original");
    expect(resolved?.kind === "post" && resolved.post.id).toBe(other.id);
    expect((await posts.getForEditor(tenant, actors.owner, post.id)).previousSlugs).toEqual(["renamed"]);
    expect(await posts.resolvePublishedSlug(tenant, "nothing")).toBeNull();
  });
});

describe("PostsService: status transitions and the fan-out record", () => {
  it("publishes, updates, unpublishes, schedules, reschedules, cancels, archives and deletes with one event each", async () => {
    const { posts, tenant, actors, fanout, t, advance, now } = await setup();
    const scheduled = t.db.master().scheduledPosts;
    const post = await posts.create(tenant, actors.author, { title: "Lifecycle" });
    const id = new ObjectId(post.id);

    const published = await posts.publish(tenant, actors.author, post.id, 1);
    expect(published).toMatchObject({ status: "published", version: 2 });
    const firstPublishedAt = published.publishedAt;
    await posts.save(tenant, actors.author, post.id, { baseVersion: 2, content: doc("Edited live") });
    await posts.unpublish(tenant, actors.author, post.id);
    const at = new Date(now().getTime() + 3_600_000);
    await posts.schedule(tenant, actors.author, post.id, at);
    expect(await scheduled.findOne({ postId: id })).toMatchObject({ publishAt: at, tenantId: tenant._id });
    const later = new Date(at.getTime() + 3_600_000);
    await posts.schedule(tenant, actors.author, post.id, later);
    expect(await scheduled.findOne({ postId: id })).toMatchObject({ publishAt: later });
    await posts.cancelSchedule(tenant, actors.author, post.id);
    expect(await scheduled.findOne({ postId: id })).toBeNull();
    await posts.archive(tenant, actors.author, post.id);
    await posts.unarchive(tenant, actors.author, post.id);
    advance(1000);
    const republished = await posts.publish(tenant, actors.author, post.id);
    expect(republished.publishedAt).toEqual(firstPublishedAt);
    await posts.delete(tenant, actors.author, post.id);

    expect(fanout.events.map((e) => [e.kind, e.version, e.status])).toEqual([
      ["published", 2, "published"],
      ["updated", 3, "published"],
      ["unpublished", 4, "draft"],
      ["scheduled", 5, "scheduled"],
      ["rescheduled", 6, "scheduled"],
      ["unscheduled", 7, "draft"],
      ["archived", 8, "archived"],
      ["saved", 9, "draft"],
      ["published", 10, "published"],
      ["deleted", 11, "published"],
    ]);
    for (const e of fanout.events) {
      expect(e.tenantId.equals(tenant._id)).toBe(true);
      expect(e.tenantSlug).toBe("blog");
      expect(e.postId.equals(id)).toBe(true);
    }
    const tomb = await t.db.forTenant(tenant).posts.findOne({ _id: id });
    expect(tomb).toMatchObject({ version: 11, syncedVersion: 1, deletedAt: now() });
    expect(tomb?.version).toBeGreaterThan(tomb?.syncedVersion ?? 0);
    // Deleted: gone from every read, slug free again.
    expect(await posts.listForStudio(tenant, { limit: 10 })).toEqual([]);
    expect(await posts.getPublishedBySlug(tenant, "lifecycle")).toBeNull();
    expect((await errorOf(posts.getForEditor(tenant, actors.author, post.id)))?.code).toBe("NOT_FOUND");
    expect((await posts.create(tenant, actors.author, { title: "Lifecycle" })).slug).toBe("lifecycle");
  });

  it("hands nothing downstream for a draft that was never published, and marks its saves synced", async () => {
    const { posts, tenant, actors, fanout, t, now } = await setup();
    const stored = (id: string) => t.db.forTenant(tenant).posts.findOne({ _id: new ObjectId(id) });
    const post = await posts.create(tenant, actors.author, { title: "Quiet draft" });
    let version = post.version;
    for (const words of ["One", "One two", "One two three"]) {
      const saved = await posts.save(tenant, actors.author, post.id, {
        baseVersion: version,
        content: doc(words),
      });
      if (!saved.ok) throw new Error("conflict");
      version = saved.post.version;
    }
    expect(fanout.events).toEqual([]);
    // Nothing for the worker's re-drive to catch up on either (it looks for syncedVersion < version).
    expect(await stored(post.id)).toMatchObject({ version: 4, syncedVersion: 4 });

    // Once it went live, every later write fans out, drafts included.
    await posts.publish(tenant, actors.author, post.id);
    await posts.unpublish(tenant, actors.author, post.id);
    await posts.save(tenant, actors.author, post.id, { baseVersion: 6, content: doc("Back to draft") });
    expect(fanout.events.map((e) => [e.kind, e.version, e.status])).toEqual([
      ["published", 5, "published"],
      ["unpublished", 6, "draft"],
      ["saved", 7, "draft"],
    ]);
    expect((await stored(post.id))?.syncedVersion).toBe(4);

    // A scheduled draft has a job downstream: its saves fan out too.
    const later = await posts.create(tenant, actors.author, { title: "Scheduled draft" });
    const state = await posts.schedule(
      tenant,
      actors.author,
      later.id,
      new Date(now().getTime() + 3_600_000),
    );
    await posts.save(tenant, actors.author, later.id, { baseVersion: state.version, content: doc("Edited") });
    expect(fanout.events.slice(3).map((e) => [e.kind, e.status])).toEqual([
      ["scheduled", "scheduled"],
      ["saved", "scheduled"],
    ]);
  });

  it("refuses transitions that don't apply and schedules only in the future", async () => {
    const { posts, tenant, actors, now } = await setup();
    const post = await posts.create(tenant, actors.owner, { title: "Rules" });
    expect((await errorOf(posts.unpublish(tenant, actors.owner, post.id)))?.code).toBe("CONFLICT");
    expect((await errorOf(posts.cancelSchedule(tenant, actors.owner, post.id)))?.code).toBe("CONFLICT");
    expect(
      (await errorOf(posts.schedule(tenant, actors.owner, post.id, new Date(now().getTime() - 1))))?.code,
    ).toBe("BAD_REQUEST");
    expect((await errorOf(posts.publish(tenant, actors.owner, post.id, 7)))?.code).toBe("CONFLICT");
    await posts.publish(tenant, actors.owner, post.id);
    // Publishing twice changes nothing.
    expect((await posts.publish(tenant, actors.owner, post.id)).version).toBe(2);
  });

  it("publishes a scheduled post when it is due, once, for the scheduler", async () => {
    const { posts, tenant, actors, advance, now, fanout } = await setup();
    const post = await posts.create(tenant, actors.owner, { title: "Later" });
    await posts.schedule(tenant, actors.owner, post.id, new Date(now().getTime() + 60_000));
    expect(await posts.publishDue(tenant, post.id)).toBeNull();
    expect(await posts.getPublishedBySlug(tenant, "later")).toBeNull();
    advance(61_000);
    expect(await posts.publishDue(tenant, post.id)).toMatchObject({ status: "published" });
    expect(await posts.publishDue(tenant, post.id)).toBeNull();
    expect(fanout.events.at(-1)).toMatchObject({ kind: "published", actorId: null });
    expect(await posts.getPublishedBySlug(tenant, "later")).not.toBeNull();
  });

  it("keeps pages out of the published list but serves them by slug", async () => {
    const { posts, tenant, actors } = await setup();
    const page = await posts.create(tenant, actors.owner, { type: "page", title: "About" });
    const post = await posts.create(tenant, actors.owner, { title: "A post" });
    await posts.publish(tenant, actors.owner, page.id);
    await posts.publish(tenant, actors.owner, post.id);
    expect((await posts.listPublished(tenant, { limit: 10 })).items.map((p) => p.slug)).toEqual(["a-post"]);
    expect((await posts.getPublishedBySlug(tenant, "about"))?.type).toBe("page");
    expect((await posts.listForStudio(tenant, { limit: 10, type: "page" })).map((p) => p.slug)).toEqual([
      "about",
    ]);
    expect(await posts.countsByStatus(tenant, { type: "post" })).toMatchObject({ published: 1 });
  });

  it("never fails a write when the fan-out fails, and logs it with the version to re-drive", async () => {
    const { posts, tenant, actors, fanout, t, logLines } = await setup();
    fanout.fail = true;
    const post = await posts.create(tenant, actors.owner, { title: "Resilient" });
    const published = await posts.publish(tenant, actors.owner, post.id);
    expect(published.status).toBe("published");
    const stored = await t.db.forTenant(tenant).posts.findOne({ _id: new ObjectId(post.id) });
    expect(stored).toMatchObject({ status: "published", version: 2, syncedVersion: 1 });
    const warnings = logLines().filter((l) => String(l.msg).includes("fan-out failed"));
    expect(warnings.map((w) => [w.kind, w.version])).toEqual([["published", 2]]);
  });

  it("searches titles, filters by status and bulk-archives and deletes", async () => {
    const { posts, tenant, actors } = await setup();
    const a = await posts.create(tenant, actors.owner, { title: "Cooking pasta" });
    const b = await posts.create(tenant, actors.owner, { title: "Pasta (fresh) [1]" });
    const c = await posts.create(tenant, actors.owner, { title: "Bread" });
    await posts.publish(tenant, actors.owner, c.id);
    expect((await posts.listForStudio(tenant, { limit: 10, q: "PASTA" })).map((p) => p.id).sort()).toEqual(
      [a.id, b.id].sort(),
    );
    expect((await posts.listForStudio(tenant, { limit: 10, q: "(fresh) [" })).map((p) => p.id)).toEqual([
      b.id,
    ]);
    expect((await posts.listForStudio(tenant, { limit: 10, status: "published" })).map((p) => p.id)).toEqual([
      c.id,
    ]);
    const results = await posts.bulk(tenant, actors.owner, [a.id, c.id], "archive");
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await posts.countsByStatus(tenant)).toEqual({ draft: 1, scheduled: 0, published: 0, archived: 2 });
    await posts.bulk(tenant, actors.owner, [a.id, b.id], "delete");
    expect(await posts.countsByStatus(tenant)).toEqual({ draft: 0, scheduled: 0, published: 0, archived: 1 });
  });
});

describe("PostsService: roles", () => {
  it("lets authors change only their own posts and editors and owners every post", async () => {
    const { posts, tenant, actors } = await setup();
    const mine = await posts.create(tenant, actors.author, { title: "Mine" });
    const theirs = await posts.create(tenant, actors.other, { title: "Theirs" });

    const denied = [
      posts.save(tenant, actors.author, theirs.id, { baseVersion: 1, content: doc("x") }),
      posts.publish(tenant, actors.author, theirs.id),
      posts.schedule(tenant, actors.author, theirs.id, new Date(Date.UTC(2030, 0, 1))),
      posts.archive(tenant, actors.author, theirs.id),
      posts.delete(tenant, actors.author, theirs.id),
      posts.createPreviewLink(tenant, actors.author, theirs.id),
    ];
    for (const work of denied) expect((await errorOf(work))?.code).toBe("FORBIDDEN");
    expect((await posts.getForEditor(tenant, actors.author, theirs.id)).canEdit).toBe(false);
    expect((await posts.getForEditor(tenant, actors.author, mine.id)).canEdit).toBe(true);

    expect(
      (await posts.save(tenant, actors.author, mine.id, { baseVersion: 1, content: doc("ok") })).ok,
    ).toBe(true);
    expect(
      (await posts.save(tenant, actors.editor, theirs.id, { baseVersion: 1, content: doc("edited") })).ok,
    ).toBe(true);
    expect((await posts.publish(tenant, actors.owner, theirs.id)).status).toBe("published");
  });

  it("takes co-authors only from the blog's members; a co-author may then edit, an author can't drop themself", async () => {
    const { posts, tenant, actors } = await setup();
    const post = await posts.create(tenant, actors.author, { title: "Together" });
    const stranger = new ObjectId().toHexString();
    const bad = await errorOf(
      posts.save(tenant, actors.author, post.id, {
        baseVersion: 1,
        authorIds: [actors.author.userId.toHexString(), stranger],
      }),
    );
    expect(bad?.code).toBe("BAD_REQUEST");
    const drop = await errorOf(
      posts.save(tenant, actors.author, post.id, {
        baseVersion: 1,
        authorIds: [actors.other.userId.toHexString()],
      }),
    );
    expect(drop?.code).toBe("FORBIDDEN");
    const both = [actors.author.userId.toHexString(), actors.other.userId.toHexString()];
    expect((await posts.save(tenant, actors.author, post.id, { baseVersion: 1, authorIds: both })).ok).toBe(
      true,
    );
    expect((await posts.save(tenant, actors.other, post.id, { baseVersion: 2, content: doc("co") })).ok).toBe(
      true,
    );
  });
});

describe("PostsService: revisions", () => {
  it("coalesces an author's autosaves into one revision per window, and opens a new one after it", async () => {
    const { posts, tenant, actors, advance, revisions } = await setup();
    const post = await posts.create(tenant, actors.author, { title: "Drafting" });
    let v = 1;
    for (let i = 0; i < 20; i++) {
      advance(10_000);
      const r = await posts.save(tenant, actors.author, post.id, {
        baseVersion: v,
        content: doc(`take ${i}`),
      });
      if (r.ok) v = r.post.version;
    }
    let list = await posts.listRevisions(tenant, post.id);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ reason: "autosave", version: 21, authorName: "author" });
    const rev = await revisions.get(tenant, new ObjectId(post.id), list[0]!.id);
    expect(rev.content).toEqual(doc("take 19"));

    advance(6 * 60_000);
    await posts.save(tenant, actors.author, post.id, { baseVersion: v++, content: doc("after a break") });
    // Someone else's save opens their own revision.
    await posts.save(tenant, actors.editor, post.id, { baseVersion: v++, content: doc("editor's touch") });
    await posts.publish(tenant, actors.author, post.id);
    list = await posts.listRevisions(tenant, post.id);
    expect(list.map((r) => [r.reason, r.authorName])).toEqual([
      ["publish", "author"],
      ["autosave", "editor"],
      ["autosave", "author"],
      ["autosave", "author"],
    ]);
  });

  it("diffs a revision against the current text and restores it as a new revision", async () => {
    const { posts, tenant, actors, advance } = await setup();
    const post = await posts.create(tenant, actors.author, { title: "History" });
    await posts.save(tenant, actors.author, post.id, { baseVersion: 1, content: doc("The quick brown fox") });
    advance(10 * 60_000);
    await posts.save(tenant, actors.author, post.id, { baseVersion: 2, content: doc("The slow brown fox") });
    const [, older] = await posts.listRevisions(tenant, post.id);
    expect(older).toBeDefined();
    const diff = await posts.revisionDiff(tenant, post.id, older!.id);
    expect(diff.parts.filter((p) => p.kind === "removed").map((p) => p.text.trim())).toEqual(["quick"]);
    expect(diff.parts.filter((p) => p.kind === "added").map((p) => p.text.trim())).toEqual(["slow"]);

    const stale = await posts.restoreRevision(tenant, actors.author, post.id, older!.id, 1);
    expect(stale.ok).toBe(false);
    const restored = await posts.restoreRevision(tenant, actors.author, post.id, older!.id, 3);
    expect(restored).toMatchObject({ ok: true, post: { version: 4 } });
    const current = await posts.getForEditor(tenant, actors.author, post.id);
    expect(current.content).toEqual(doc("The quick brown fox"));
    expect(current.html).toBe("<p>The quick brown fox</p>");
    const list = await posts.listRevisions(tenant, post.id);
    expect(list[0]).toMatchObject({ reason: "restore", version: 4 });
    expect(list).toHaveLength(3);
  });

  it("keeps storage bounded for a post edited for days", async () => {
    const { posts, tenant, actors, advance, t } = await setup();
    const post = await posts.create(tenant, actors.author, { title: "Marathon" });
    let v = 1;
    // Three days of saves every 30 minutes: each opens a revision (the window is 5 minutes).
    for (let i = 0; i < 144; i++) {
      advance(30 * 60_000);
      const r = await posts.save(tenant, actors.author, post.id, { baseVersion: v, content: doc(`v${i}`) });
      if (r.ok) v = r.post.version;
    }
    const count = await t.db.forTenant(tenant).revisions.countDocuments({ postId: new ObjectId(post.id) });
    // 10 newest + one per hour for the last day + one per day before.
    expect(count).toBeLessThanOrEqual(35);
    expect(count).toBeGreaterThanOrEqual(25);
    const list = await posts.listRevisions(tenant, post.id);
    expect(list[0]?.version).toBe(v);
  });
});

describe("PostsService: preview links", () => {
  it("opens the draft with a valid token, and not once revoked, forged or for another blog", async () => {
    const { posts, tenant, actors, now, advance } = await setup();
    const post = await posts.create(tenant, actors.author, { title: "Secret draft" });
    await posts.save(tenant, actors.author, post.id, { baseVersion: 1, content: doc("Not public yet") });
    const { token, expiresAt } = await posts.createPreviewLink(tenant, actors.author, post.id);
    expect(expiresAt.getTime() - now().getTime()).toBe(7 * 86_400_000);
    expect((await posts.getByPreviewToken(tenant, token))?.html).toBe("<p>Not public yet</p>");
    expect(await posts.getByPreviewToken({ _id: new ObjectId() }, token)).toBeNull();
    expect(await posts.getByPreviewToken(tenant, `${token.slice(0, -2)}xx`)).toBeNull();
    expect(await posts.getByPreviewToken(tenant, "not-a-token")).toBeNull();
    await posts.revokePreviewLinks(tenant, actors.author, post.id);
    expect(await posts.getByPreviewToken(tenant, token)).toBeNull();
    const again = await posts.createPreviewLink(tenant, actors.author, post.id);
    expect(await posts.getByPreviewToken(tenant, again.token)).not.toBeNull();
    expect(await posts.getByPreviewToken(tenant, token)).toBeNull();
    // Links expire on their own.
    advance(7 * 86_400_000 + 1_000);
    expect(await posts.getByPreviewToken(tenant, again.token)).toBeNull();
  });
});
