import { ObjectId } from "mongodb";
import { afterEach, describe, expect, it } from "vitest";
import type { Session } from "@/server/auth/session";
import type { TenantDoc } from "@/server/db";
import { AppError } from "@/server/errors";
import { callerFrom } from "@/server/http/caller";
import { createTestServices, createUser, type TestServices } from "@/test/support/services";
import type { Caller } from "./tenants-service";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function setup(opts: Parameters<typeof createTestServices>[0] = {}) {
  const t = await createTestServices(opts);
  cleanups.push(t.cleanup);
  const owner = await createUser(t.services, "owner");
  return { ...t, owner, caller: asCaller(owner.session) };
}

function asCaller(session: Session, requestId = `req-${Math.random()}`): Caller {
  return callerFrom(session, { ip: "203.0.113.7", requestId });
}

async function tenantRecord(t: TestServices, slug: string): Promise<TenantDoc | null> {
  return t.db.master().tenants.findOne({ slug });
}

async function rejection(work: Promise<unknown>): Promise<AppError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("TenantsService provisioning", () => {
  it("creates an active tenant with its own database, indexes, settings and owner membership", async () => {
    const t = await setup();
    const dto = await t.services.tenants.create(
      { name: "Ronin Notes", slug: "ronin", theme: "bold" },
      t.caller,
    );

    expect(dto).toMatchObject({
      name: "Ronin Notes",
      slug: "ronin",
      theme: "bold",
      status: "active",
      databaseName: `${t.prefix}_tenant_${dto.id}`,
      url: "http://ronin.localhost:3101",
      role: "owner",
    });
    const record = await tenantRecord(t, "ronin");
    expect(record?.status).toBe("active");
    expect(record?.databaseName).toBe(dto.databaseName);

    const tdb = t.db.forTenant(record!);
    const collections = (await tdb.db.listCollections().toArray()).map((c) => c.name).sort();
    expect(collections).toEqual(expect.arrayContaining(["comments", "posts", "settings"]));
    const postIndexes = await tdb.posts.indexes();
    expect(postIndexes.find((i) => i.key.slug === 1)?.unique).toBe(true);
    expect(postIndexes.map((i) => i.key)).toEqual(
      expect.arrayContaining([{ status: 1, publishedAt: -1 }, { status: 1, publishAt: 1 }, { tags: 1 }]),
    );
    expect((await tdb.comments.indexes()).map((i) => i.key)).toContainEqual({ postId: 1, createdAt: 1 });
    expect(await tdb.settings.findOne({ _id: "blog" })).toMatchObject({
      title: "Ronin Notes",
      theme: "bold",
    });

    expect(await t.services.memberships.roleOf(record!._id, t.owner.session.user.id)).toBe("owner");
    expect(await t.services.tenants.findActiveBySlug("ronin")).not.toBeNull();
  });

  it("normalises the slug and defaults the theme", async () => {
    const t = await setup();
    const dto = await t.services.tenants.create({ name: "Caps", slug: "  My-Blog " }, t.caller);
    expect(dto.slug).toBe("my-blog");
    expect(dto.theme).toBe("classic");
  });

  it("leaves `failed` with the reason when provisioning fails, never serves it, and completes on retry", async () => {
    let failNext = true;
    const t = await setup({
      provisioner: async (tenant) => {
        if (failNext) {
          failNext = false;
          throw new Error("disk full (injected)");
        }
        return t.db.provisionTenantDatabase(tenant);
      },
    });
    const error = await rejection(
      t.services.tenants.create({ name: "Flaky", slug: "flaky", theme: "minimal" }, t.caller),
    );
    expect(error.code).toBe("UNAVAILABLE");

    const failed = await tenantRecord(t, "flaky");
    expect(failed).toMatchObject({ status: "failed", failureReason: "disk full (injected)" });
    expect(failed?.databaseName).toBeUndefined();
    // Not served anywhere while not active.
    expect(await t.services.tenants.findActiveBySlug("flaky")).toBeNull();
    expect((await t.services.tenants.directory()).map((d) => d.slug)).not.toContain("flaky");
    // The creator sees it (to retry), and the slug stays theirs.
    const mine = await t.services.tenants.mine(t.owner.session.user.id);
    expect(mine).toEqual([expect.objectContaining({ slug: "flaky", status: "failed", role: "owner" })]);
    expect(await t.services.tenants.checkSlug("flaky")).toEqual({
      available: false,
      reason: "That address is taken",
    });

    // Someone else can't retry it.
    const other = await createUser(t.services, "other");
    expect((await rejection(t.services.tenants.retry("flaky", asCaller(other.session)))).code).toBe(
      "FORBIDDEN",
    );

    const retried = await t.services.tenants.retry("flaky", t.caller);
    expect(retried).toMatchObject({ slug: "flaky", status: "active", role: "owner" });
    const active = await tenantRecord(t, "flaky");
    expect(active?.status).toBe("active");
    expect(active?.failureReason).toBeUndefined();
    expect(await t.services.tenants.findActiveBySlug("flaky")).not.toBeNull();
    expect(await t.services.memberships.roleOf(active!._id, t.owner.session.user.id)).toBe("owner");
    // Retrying an active blog is a no-op.
    expect((await t.services.tenants.retry("flaky", t.caller)).status).toBe("active");
  });

  it("is idempotent when a retry finds part of the work already done", async () => {
    let calls = 0;
    const t = await setup({
      provisioner: async (tenant) => {
        calls += 1;
        const name = await t.db.provisionTenantDatabase(tenant);
        if (calls === 1) throw new Error("crashed after creating the database");
        return name;
      },
    });
    await rejection(t.services.tenants.create({ name: "Half", slug: "half", theme: "classic" }, t.caller));
    const dto = await t.services.tenants.retry("half", t.caller);
    expect(dto.status).toBe("active");
    const tdb = t.db.forTenant((await tenantRecord(t, "half"))!);
    expect(await tdb.settings.countDocuments()).toBe(1);
  });

  it("lets a retry take over a provisioning that crashed while `pending`, but not a fresh one", async () => {
    let clock = new Date("2026-01-01T00:00:00Z");
    const t = await setup({ now: () => clock });
    // What a process killed right after claiming the slug leaves behind.
    const tenantId = new ObjectId();
    await t.db.master().tenants.insertOne({
      _id: tenantId,
      name: "Crashed",
      slug: "crashed",
      theme: "classic",
      status: "pending",
      ownerId: new ObjectId(t.owner.session.user.id),
      createdAt: clock,
      updatedAt: clock,
    });
    expect(await t.services.tenants.findActiveBySlug("crashed")).toBeNull();
    expect((await rejection(t.services.tenants.retry("crashed", t.caller))).code).toBe("CONFLICT");

    clock = new Date(clock.getTime() + 61_000);
    expect(await t.services.tenants.retry("crashed", t.caller)).toMatchObject({
      status: "active",
      role: "owner",
    });
    expect(await t.services.tenants.findActiveBySlug("crashed")).not.toBeNull();
  });

  it("lets exactly one of ten concurrent creates of one slug win", async () => {
    const t = await setup();
    const users = await Promise.all(
      Array.from({ length: 10 }, (_, i) => createUser(t.services, `racer${i}`)),
    );
    const results = await Promise.allSettled(
      users.map((u) =>
        t.services.tenants.create({ name: "Race", slug: "race", theme: "classic" }, asCaller(u.session)),
      ),
    );
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(9);
    for (const r of lost)
      expect(r.reason).toMatchObject({ code: "CONFLICT", message: "That address is taken" });
    expect(await t.db.master().tenants.countDocuments({ slug: "race" })).toBe(1);
  });
});

describe("TenantsService slug rules", () => {
  it.each([
    ["ab", "Use 3–63"],
    ["a".repeat(64), "Use 3–63"],
    ["-lead", "Use 3–63"],
    ["trail-", "Use 3–63"],
    ["under_score", "Use 3–63"],
    ["dots.here", "Use 3–63"],
    ["www", "That name is reserved"],
    ["admin", "That name is reserved"],
    ["conduit", "That name is reserved"],
  ])("rejects %s", async (slug, reason) => {
    const t = await setup();
    const check = await t.services.tenants.checkSlug(slug);
    expect(check.available).toBe(false);
    expect(check.reason).toContain(reason);
    const error = await rejection(t.services.tenants.create({ name: "X", slug, theme: "classic" }, t.caller));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toContain(reason);
  });

  it("accepts 3 and 63 characters and reports availability", async () => {
    const t = await setup();
    expect(await t.services.tenants.checkSlug("abc")).toEqual({ available: true, reason: null });
    expect(await t.services.tenants.checkSlug("a".repeat(63))).toEqual({ available: true, reason: null });
    await t.services.tenants.create({ name: "Abc", slug: "abc", theme: "classic" }, t.caller);
    expect(await t.services.tenants.checkSlug("ABC")).toEqual({
      available: false,
      reason: "That address is taken",
    });
  });

  it("rejects a bad theme and an empty name", async () => {
    const t = await setup();
    const badTheme = { name: "X", slug: "themed", theme: "neon" } as unknown as {
      name: string;
      slug: string;
    };
    expect((await rejection(t.services.tenants.create(badTheme, t.caller))).code).toBe("BAD_REQUEST");
    expect(
      (await rejection(t.services.tenants.create({ name: "  ", slug: "named" }, t.caller))).message,
    ).toContain("name");
  });
});

describe("TenantsService lifecycle", () => {
  it("updates name and theme (owner only) and mirrors them into the blog settings", async () => {
    const t = await setup();
    await t.services.tenants.create({ name: "Old", slug: "lifecycle", theme: "classic" }, t.caller);
    const updated = await t.services.tenants.update(
      { slug: "lifecycle", name: "New", theme: "minimal" },
      t.caller,
    );
    expect(updated).toMatchObject({ name: "New", theme: "minimal" });
    const record = await tenantRecord(t, "lifecycle");
    expect(record).toMatchObject({ name: "New", theme: "minimal" });
    expect(await t.db.forTenant(record!).settings.findOne({ _id: "blog" })).toMatchObject({
      title: "New",
      theme: "minimal",
    });

    const editor = await createUser(t.services, "editor");
    await t.services.tenants.setRole("lifecycle", editor.session.user.id, "editor", t.caller);
    expect(await t.services.tenants.get("lifecycle", asCaller(editor.session))).toMatchObject({
      role: "editor",
    });
    const denied = await rejection(
      t.services.tenants.update({ slug: "lifecycle", name: "Hijack" }, asCaller(editor.session)),
    );
    expect(denied.code).toBe("FORBIDDEN");
    expect((await rejection(t.services.tenants.delete("lifecycle", asCaller(editor.session)))).code).toBe(
      "FORBIDDEN",
    );
  });

  it("soft-deletes: not served, slug stays taken, data kept until a platform admin drops it", async () => {
    const t = await setup();
    const dto = await t.services.tenants.create({ name: "Gone", slug: "gone", theme: "classic" }, t.caller);
    const record = (await tenantRecord(t, "gone"))!;
    await t.db.forTenant(record).posts.insertOne({ _id: new ObjectId(), slug: "p" } as never);

    await t.services.tenants.delete("gone", t.caller);
    expect((await tenantRecord(t, "gone"))?.status).toBe("deleted");
    expect(await t.services.tenants.findActiveBySlug("gone")).toBeNull();
    expect(await t.services.tenants.mine(t.owner.session.user.id)).toEqual([]);
    expect((await t.services.tenants.directory()).map((d) => d.slug)).not.toContain("gone");
    expect(await t.services.tenants.checkSlug("gone")).toMatchObject({ available: false });
    expect((await rejection(t.services.tenants.get("gone", t.caller))).code).toBe("NOT_FOUND");
    expect(await t.db.forTenant(record).posts.countDocuments()).toBe(1);

    // The owner is not a platform admin.
    expect((await rejection(t.services.tenants.dropDatabase("gone", t.caller))).code).toBe("FORBIDDEN");
    const admin = await createUser(t.services, "admin", { platformAdmin: true });
    await t.services.tenants.dropDatabase("gone", asCaller(admin.session));
    const names = (await t.db.client().db("admin").admin().listDatabases({ nameOnly: true })).databases.map(
      (d) => d.name,
    );
    expect(names).not.toContain(dto.databaseName);
    expect((await tenantRecord(t, "gone"))?.databaseDroppedAt).toBeInstanceOf(Date);
  });

  it("refuses to drop the database of a live blog", async () => {
    const t = await setup();
    await t.services.tenants.create({ name: "Live", slug: "live", theme: "classic" }, t.caller);
    const admin = await createUser(t.services, "admin", { platformAdmin: true });
    expect((await rejection(t.services.tenants.dropDatabase("live", asCaller(admin.session)))).code).toBe(
      "CONFLICT",
    );
  });

  it("lists the directory newest first with active blogs only", async () => {
    const t = await setup();
    await t.services.tenants.create({ name: "First", slug: "first", theme: "classic" }, t.caller);
    await new Promise((r) => setTimeout(r, 5));
    await t.services.tenants.create({ name: "Second", slug: "second", theme: "classic" }, t.caller);
    await t.services.tenants.delete("first", t.caller);
    await new Promise((r) => setTimeout(r, 5));
    await t.services.tenants.create({ name: "Third", slug: "third", theme: "classic" }, t.caller);
    expect((await t.services.tenants.directory()).map((d) => d.slug)).toEqual(["third", "second"]);
  });
});

describe("audit trail of tenant actions", () => {
  it("records create, delete and role changes with actor, ip and request id, in audit_log and as master log lines", async () => {
    const t = await setup();
    const created = await t.services.tenants.create(
      { name: "Audited", slug: "audited", theme: "classic" },
      callerFrom(t.owner.session, { ip: "198.51.100.1", requestId: "req-create" }),
    );
    const member = await createUser(t.services, "member");
    await t.services.tenants.setRole(
      "audited",
      member.session.user.id,
      "author",
      callerFrom(t.owner.session, { ip: "198.51.100.2", requestId: "req-add" }),
    );
    await t.services.tenants.setRole(
      "audited",
      member.session.user.id,
      "editor",
      callerFrom(t.owner.session, { ip: "198.51.100.3", requestId: "req-role" }),
    );
    await t.services.tenants.delete(
      "audited",
      callerFrom(t.owner.session, { ip: "198.51.100.4", requestId: "req-delete" }),
    );

    const entries = await t.db.master().auditLog.find({ "target.id": created.id }).sort({ at: 1 }).toArray();
    expect(entries.map((e) => [e.action, e.requestId, e.ip])).toEqual([
      ["tenant.create", "req-create", "198.51.100.1"],
      ["membership.add", "req-add", "198.51.100.2"],
      ["membership.role_change", "req-role", "198.51.100.3"],
      ["tenant.delete", "req-delete", "198.51.100.4"],
    ]);
    for (const e of entries) {
      expect(e.actorEmail).toBe(t.owner.user.email);
      expect(e.actorId?.toHexString()).toBe(t.owner.session.user.id);
    }
    expect(entries[2]?.details).toMatchObject({ from: "author", to: "editor" });

    const masterLines = t.logLines().filter((l) => l.level === 35);
    expect(masterLines.map((l) => l.action)).toEqual([
      "tenant.create",
      "membership.add",
      "membership.role_change",
      "tenant.delete",
    ]);
    expect(masterLines[0]).toMatchObject({
      actor: t.owner.user.email,
      ip: "198.51.100.1",
      requestId: "req-create",
    });
  });
});
