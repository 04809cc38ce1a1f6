import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/routers";
import { contextFor, createTestServices, createUser, type TestServices } from "@/test/support/services";

/**
 * Alice owns blog A, Bob owns blog B. Every tenants/audit/admin procedure is called as Alice
 * against B (by input slug or by host header); none may read or change B.
 */
let t: TestServices;
let alice: Awaited<ReturnType<typeof createUser>>;
let bob: Awaited<ReturnType<typeof createUser>>;
let admin: Awaited<ReturnType<typeof createUser>>;

beforeAll(async () => {
  t = await createTestServices();
  [alice, bob, admin] = await Promise.all([
    createUser(t.services, "alice"),
    createUser(t.services, "bob"),
    createUser(t.services, "admin", { platformAdmin: true }),
  ]);
  await (await callerAs(alice.token)).tenants.create({ name: "Blog A", slug: "blog-a", theme: "classic" });
  await (await callerAs(bob.token)).tenants.create({ name: "Blog B", slug: "blog-b", theme: "bold" });
});

afterAll(async () => {
  await t?.cleanup();
});

async function callerAs(token: string | undefined, tenantSlug?: string) {
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

async function blogB() {
  return t.db.master().tenants.findOne({ slug: "blog-b" });
}

describe("tenant isolation through tRPC", () => {
  it("Alice sees only her own blogs", async () => {
    const mine = await (await callerAs(alice.token)).tenants.mine();
    expect(mine.map((m) => m.slug)).toEqual(["blog-a"]);
    expect(mine[0]?.role).toBe("owner");
  });

  it("Alice cannot read, update, delete or retry blog B", async () => {
    const asAlice = await callerAs(alice.token);
    expect(await codeOf(asAlice.tenants.get({ slug: "blog-b" }))).toBe("FORBIDDEN");
    expect(await codeOf(asAlice.tenants.update({ slug: "blog-b", name: "Pwned" }))).toBe("FORBIDDEN");
    expect(await codeOf(asAlice.tenants.delete({ slug: "blog-b" }))).toBe("FORBIDDEN");
    expect(await codeOf(asAlice.tenants.retry({ slug: "blog-b" }))).toBe("FORBIDDEN");
    expect(await blogB()).toMatchObject({ name: "Blog B", status: "active" });
  });

  it("Alice cannot give herself a role on blog B", async () => {
    const asAlice = await callerAs(alice.token);
    const code = await codeOf(
      asAlice.admin.setRole({ slug: "blog-b", userId: alice.session.user.id, role: "owner" }),
    );
    expect(code).toBe("FORBIDDEN");
    const b = await blogB();
    expect(await t.services.memberships.roleOf(b!._id, alice.session.user.id)).toBeNull();
  });

  it("Alice cannot use the platform-admin procedures", async () => {
    const asAlice = await callerAs(alice.token);
    expect(await codeOf(asAlice.audit.list({}))).toBe("FORBIDDEN");
    expect(await codeOf(asAlice.admin.tenants({}))).toBe("FORBIDDEN");
    expect(await codeOf(asAlice.admin.dropTenantDatabase({ slug: "blog-b" }))).toBe("FORBIDDEN");
  });

  it("the host's tenant comes from the header, and only an active tenant resolves", async () => {
    expect((await (await callerAs(alice.token, "blog-b")).tenants.current()).slug).toBe("blog-b");
    // Alice is a reader on B's host: she sees the public blog, with no role.
    expect((await (await callerAs(alice.token, "blog-b")).tenants.current()).role).toBeUndefined();
    expect((await (await callerAs(bob.token, "blog-b")).tenants.current()).role).toBe("owner");
    expect(await codeOf((await callerAs(undefined, "no-such-blog")).tenants.current())).toBe("NOT_FOUND");
    expect(await codeOf((await callerAs(undefined)).tenants.current())).toBe("NOT_FOUND");
  });

  it("anonymous callers get UNAUTHORIZED for everything but public procedures", async () => {
    const anon = await callerAs(undefined);
    expect(await codeOf(anon.tenants.mine())).toBe("UNAUTHORIZED");
    expect(await codeOf(anon.tenants.create({ name: "X", slug: "anon-blog", theme: "classic" }))).toBe(
      "UNAUTHORIZED",
    );
    expect(await codeOf(anon.audit.list({}))).toBe("UNAUTHORIZED");
    expect(await anon.tenants.checkSlug({ slug: "blog-a" })).toEqual({
      available: false,
      reason: "That address is taken",
    });
    expect((await anon.tenants.directory()).map((d) => d.slug).sort()).toEqual(["blog-a", "blog-b"]);
  });

  it("a forged token is anonymous", async () => {
    const [header, payload] = alice.token.split(".");
    const forged = `${header}.${payload}.${"A".repeat(43)}`;
    expect(await codeOf((await callerAs(forged)).tenants.mine())).toBe("UNAUTHORIZED");
  });

  it("input errors are BAD_REQUEST, service conflicts keep their code", async () => {
    const asAlice = await callerAs(alice.token);
    expect(await codeOf(asAlice.tenants.create({ name: "X", slug: "www", theme: "classic" }))).toBe(
      "BAD_REQUEST",
    );
    expect(await codeOf(asAlice.tenants.create({ name: "X", slug: "blog-b", theme: "classic" }))).toBe(
      "CONFLICT",
    );
    expect(await codeOf(asAlice.admin.setRole({ slug: "blog-a", userId: "not-an-id", role: "editor" }))).toBe(
      "BAD_REQUEST",
    );
  });

  it("a platform admin can list the audit trail, with filters and paging", async () => {
    const asAdmin = await callerAs(admin.token);
    const creates = await asAdmin.audit.list({ action: "tenant.create" });
    expect(creates.items.map((i) => i.target.label).sort()).toEqual(["blog-a", "blog-b"]);
    const byBob = await asAdmin.audit.list({ actorEmail: bob.user.email.toUpperCase() });
    expect(byBob.items.map((i) => i.target.label)).toEqual(["blog-b"]);

    const first = await asAdmin.audit.list({ limit: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = await asAdmin.audit.list({ limit: 1, cursor: first.nextCursor! });
    expect(second.items[0]?.id).not.toBe(first.items[0]?.id);
    expect(await codeOf(asAdmin.audit.list({ cursor: "garbage" }))).toBe("BAD_REQUEST");
  });

  it("the owner can hand out roles, and a new editor still cannot delete", async () => {
    const asBob = await callerAs(bob.token);
    await asBob.admin.setRole({ slug: "blog-b", userId: alice.session.user.id, role: "editor" });
    const asAlice = await callerAs(alice.token);
    expect((await asAlice.tenants.get({ slug: "blog-b" })).role).toBe("editor");
    expect(await codeOf(asAlice.tenants.delete({ slug: "blog-b" }))).toBe("FORBIDDEN");
    await asBob.admin.setRole({ slug: "blog-b", userId: alice.session.user.id, role: "author" });
    expect((await asAlice.tenants.get({ slug: "blog-b" })).role).toBe("author");
  });
});
