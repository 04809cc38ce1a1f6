import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext } from "@/server/context";
import { createCaller } from "@/server/routers";
import { contextFor, createTestServices, createUser, type TestServices } from "@/test/support/services";

let t: TestServices;
let failNext = false;

beforeAll(async () => {
  t = await createTestServices({
    provisioner: async (tenant) => {
      if (failNext) {
        failNext = false;
        throw new Error("injected provisioning failure");
      }
      return t.db.provisionTenantDatabase(tenant);
    },
  });
});

afterAll(async () => {
  await t?.cleanup();
});

describe("createContext", () => {
  it("takes the request id and the first forwarded hop, and echoes the id", async () => {
    const resHeaders = new Headers();
    const req = new Request("http://localhost:3101/api/trpc", {
      headers: { "x-request-id": "abc-123", "x-forwarded-for": "203.0.113.9, 10.0.0.1" },
    });
    const ctx = await createContext({ req, resHeaders }, t.services);
    expect(ctx.requestId).toBe("abc-123");
    expect(ctx.ip).toBe("203.0.113.9");
    expect(ctx.session).toBeNull();
    expect(ctx.tenant).toBeNull();
    expect(resHeaders.get("x-request-id")).toBe("abc-123");
  });

  it("replaces an unusable request id with a fresh one", async () => {
    const req = new Request("http://localhost:3101/api/trpc", {
      headers: { "x-request-id": "bad id\twith spaces" },
    });
    const ctx = await createContext({ req, resHeaders: new Headers() }, t.services);
    expect(ctx.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("writes the caller's ip and request id into the audit entry of a tRPC create", async () => {
    const owner = await createUser(t.services, "ctxowner");
    const ctx = await contextFor(t.services, {
      token: owner.token,
      ip: "192.0.2.44",
      requestId: "req-ctx-1",
    });
    const created = await createCaller(ctx).tenants.create({
      name: "Ctx",
      slug: "ctx-blog",
      theme: "classic",
    });
    const entry = await t.db.master().auditLog.findOne({ action: "tenant.create", "target.id": created.id });
    expect(entry).toMatchObject({ ip: "192.0.2.44", requestId: "req-ctx-1", actorEmail: owner.user.email });
  });

  it("resolves the host's tenant only while it is active", async () => {
    const owner = await createUser(t.services, "ctxfail");
    failNext = true;
    const asOwner = createCaller(await contextFor(t.services, { token: owner.token }));
    const error = await asOwner.tenants
      .create({ name: "Broken", slug: "broken", theme: "classic" })
      .catch((e) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("SERVICE_UNAVAILABLE");

    const onHost = await contextFor(t.services, { tenantSlug: "broken" });
    expect(onHost.tenant).toBeNull();
    expect(
      (await createCaller(onHost)
        .tenants.current()
        .catch((e: TRPCError) => e.code)) as string,
    ).toBe("NOT_FOUND");
    expect((await asOwner.tenants.mine()).map((m) => [m.slug, m.status])).toEqual([["broken", "failed"]]);

    await asOwner.tenants.retry({ slug: "broken" });
    const afterRetry = await contextFor(t.services, { tenantSlug: "broken" });
    expect(afterRetry.tenant?.slug).toBe("broken");
    expect((await createCaller(afterRetry).tenants.current()).status).toBe("active");

    await asOwner.tenants.delete({ slug: "broken" });
    expect((await contextFor(t.services, { tenantSlug: "broken" })).tenant).toBeNull();
  });

  it("reads the member's role with the tenant and the user, and never uses a stale or foreign one", async () => {
    const owner = await createUser(t.services, "ctxrole");
    const writer = await createUser(t.services, "ctxwriter");
    const asOwner = createCaller(await contextFor(t.services, { token: owner.token }));
    const blog = await asOwner.tenants.create({ name: "Roles", slug: "ctx-roles", theme: "classic" });
    const tenant = await t.services.tenants.findActiveBySlug("ctx-roles");
    if (!tenant) throw new Error("no tenant");
    const by = {
      actor: { id: owner.session.user.id, email: owner.user.email },
      ip: null,
      requestId: "req-roles",
    };
    await t.services.memberships.add(tenant._id, writer.session.user.id, "author", by);

    // First request on the blog: its id isn't known yet, so no early read; from then on it is.
    await contextFor(t.services, { token: writer.token, tenantSlug: "ctx-roles" });
    const ctx = await contextFor(t.services, { token: writer.token, tenantSlug: "ctx-roles" });
    expect(ctx.membership).toMatchObject({ userId: writer.session.user.id, role: "author" });
    expect(ctx.membership?.tenantId.equals(tenant._id)).toBe(true);
    expect((await createCaller(ctx).posts.list({})).items).toEqual([]);

    // Removed from the blog: the very next request reads that (nothing cached between requests).
    await t.services.memberships.remove(tenant._id, writer.session.user.id, by);
    const removed = await contextFor(t.services, { token: writer.token, tenantSlug: "ctx-roles" });
    expect(removed.membership?.role).toBeNull();
    const refused = await createCaller(removed)
      .posts.list({})
      .catch((e: TRPCError) => e.code);
    expect(refused).toBe("FORBIDDEN");

    // A role read for another blog (or another user) is ignored: the procedure reads its own.
    const other = await contextFor(t.services, { token: owner.token, tenantSlug: "ctx-roles" });
    const forged = {
      ...other,
      membership: { tenantId: tenant._id, userId: writer.session.user.id, role: null },
    };
    expect((await createCaller(forged).posts.list({})).items).toEqual([]);
    expect(blog.slug).toBe("ctx-roles");
  });
});
