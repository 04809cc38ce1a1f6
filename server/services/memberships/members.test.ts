import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/routers";
import { contextFor, createTestServices, createUser, type TestServices } from "@/test/support/services";

/** Members through the tRPC router, as the studio calls it (tenant from the studio URL header). */
let t: TestServices;
let owner: Awaited<ReturnType<typeof createUser>>;
let ada: Awaited<ReturnType<typeof createUser>>;
let lin: Awaited<ReturnType<typeof createUser>>;
let outsider: Awaited<ReturnType<typeof createUser>>;
let slug: string;
let tenantId: string;

async function as(user: { token: string }, tenantSlug = slug) {
  return createCaller(await contextFor(t.services, { token: user.token, tenantSlug, ip: "203.0.113.9" }));
}

async function codeOf(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return (error as TRPCError).code;
}

async function auditActions(): Promise<
  { action: string; details: Record<string, unknown> | undefined; actorEmail: string | null }[]
> {
  const entries = await t.db
    .master()
    .auditLog.find({ "target.id": tenantId, action: /^membership\./ })
    .sort({ at: 1, _id: 1 })
    .toArray();
  return entries.map((e) => ({ action: e.action, details: e.details, actorEmail: e.actorEmail }));
}

beforeAll(async () => {
  t = await createTestServices();
  [owner, ada, lin, outsider] = await Promise.all([
    createUser(t.services, "owner"),
    createUser(t.services, "ada"),
    createUser(t.services, "lin"),
    createUser(t.services, "outsider"),
  ]);
  slug = `members-${Math.random().toString(36).slice(2, 8)}`;
  const created = await createCaller(await contextFor(t.services, { token: owner.token })).tenants.create({
    name: "Members",
    slug,
    theme: "classic",
  });
  tenantId = created.id;
});

afterAll(async () => {
  await t?.cleanup();
});

describe("blog members", () => {
  it("owners invite existing accounts by e-mail with a role; each join is audited", async () => {
    const asOwner = await as(owner);
    const invited = await asOwner.members.invite({
      email: ` ${ada.user.email.toUpperCase()} `,
      role: "author",
    });
    expect(invited).toMatchObject({ userId: ada.user._id.toHexString(), role: "author" });
    await asOwner.members.invite({ email: lin.user.email, role: "editor" });
    const { members, myRole } = await asOwner.members.list();
    expect(myRole).toBe("owner");
    expect(members.map((m) => [m.username, m.role])).toEqual([
      [owner.user.username, "owner"],
      [lin.user.username, "editor"],
      [ada.user.username, "author"],
    ]);
    // Now Ada's studio lists the blog.
    const mine = await createCaller(await contextFor(t.services, { token: ada.token })).tenants.mine();
    expect(mine.map((b) => [b.slug, b.role])).toEqual([[slug, "author"]]);
    const audit = await auditActions();
    expect(audit).toEqual([
      {
        action: "membership.add",
        actorEmail: owner.user.email,
        details: { userId: ada.user._id.toHexString(), email: ada.user.email, role: "author", invited: true },
      },
      expect.objectContaining({
        action: "membership.add",
        details: expect.objectContaining({ role: "editor" }),
      }),
    ]);
    const entry = await t.db.master().auditLog.findOne({ "target.id": tenantId, action: "membership.add" });
    expect(entry?.ip).toBe("203.0.113.9");
  });

  it("refuses unknown e-mails, existing members, owner invites and bad input with readable messages", async () => {
    const asOwner = await as(owner);
    const unknown = await asOwner.members
      .invite({ email: "nobody@example.test", role: "author" })
      .catch((e) => e);
    expect(unknown).toMatchObject({ code: "NOT_FOUND", message: expect.stringMatching(/sign up first/) });
    expect(await codeOf(asOwner.members.invite({ email: ada.user.email, role: "editor" }))).toBe("CONFLICT");
    expect(await codeOf(asOwner.members.invite({ email: outsider.user.email, role: "owner" as never }))).toBe(
      "BAD_REQUEST",
    );
    expect(await codeOf(asOwner.members.invite({ email: "not-an-email", role: "author" }))).toBe(
      "BAD_REQUEST",
    );
  });

  it("only owners change membership; members see who is on the blog; outsiders see nothing", async () => {
    const asAda = await as(ada);
    expect((await asAda.members.list()).members).toHaveLength(3);
    expect(await codeOf(asAda.members.invite({ email: outsider.user.email, role: "author" }))).toBe(
      "FORBIDDEN",
    );
    const asLin = await as(lin);
    expect(
      await codeOf(asLin.members.changeRole({ userId: ada.user._id.toHexString(), role: "editor" })),
    ).toBe("FORBIDDEN");
    expect(await codeOf(asLin.members.remove({ userId: ada.user._id.toHexString() }))).toBe("FORBIDDEN");
    const asOutsider = await as(outsider);
    expect(await codeOf(asOutsider.members.list())).toBe("FORBIDDEN");
    expect(await codeOf(asOutsider.members.leave())).toBe("FORBIDDEN");
    const anonymous = createCaller(await contextFor(t.services, { tenantSlug: slug }));
    expect(await codeOf(anonymous.members.list())).toBe("UNAUTHORIZED");
  });

  it("changes a role and removes a member (audited); their posts keep their byline", async () => {
    const asOwner = await as(owner);
    await asOwner.members.changeRole({ userId: ada.user._id.toHexString(), role: "editor" });
    expect(
      await t.services.memberships.roleOf(
        new (await import("mongodb")).ObjectId(tenantId),
        ada.user._id.toHexString(),
      ),
    ).toBe("editor");
    await asOwner.members.remove({ userId: lin.user._id.toHexString() });
    expect((await asOwner.members.list()).members.map((m) => m.username)).not.toContain(lin.user.username);
    expect(await codeOf((await as(lin)).members.list())).toBe("FORBIDDEN");
    const audit = (await auditActions()).slice(2);
    expect(audit).toEqual([
      expect.objectContaining({
        action: "membership.role_change",
        details: { userId: ada.user._id.toHexString(), from: "author", to: "editor" },
      }),
      expect.objectContaining({
        action: "membership.remove",
        details: { userId: lin.user._id.toHexString(), role: "editor" },
      }),
    ]);
  });

  it("a member can leave; the only owner cannot leave or be demoted until there is another", async () => {
    await (await as(ada)).members.leave();
    expect((await (await as(owner)).members.list()).members.map((m) => m.role)).toEqual(["owner"]);
    const last = (await as(owner)).members.leave();
    await expect(last).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/only owner/),
    });
    expect(
      await codeOf(
        (await as(owner)).members.changeRole({ userId: owner.user._id.toHexString(), role: "editor" }),
      ),
    ).toBe("CONFLICT");
    const actions = (await auditActions()).map((a) => a.action);
    expect(actions.at(-1)).toBe("membership.leave");

    // With a second owner, the first may leave.
    await (await as(owner)).members.invite({ email: outsider.user.email, role: "editor" });
    await (await as(owner)).members.changeRole({ userId: outsider.user._id.toHexString(), role: "owner" });
    await (await as(owner)).members.leave();
    expect((await (await as(outsider)).members.list()).members.map((m) => [m.username, m.role])).toEqual([
      [outsider.user.username, "owner"],
    ]);
  });
});
