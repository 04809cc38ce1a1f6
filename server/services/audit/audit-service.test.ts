import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestServices, type TestServices } from "@/test/support/services";

let t: TestServices;
let clock = new Date("2026-03-01T12:00:00Z");

beforeAll(async () => {
  t = await createTestServices({ now: () => clock });
  const at = (iso: string) => {
    clock = new Date(iso);
  };
  const actor = { id: null, email: "root@example.test" };
  at("2026-03-01T10:00:00Z");
  await t.services.audit.record({ actor, action: "tenant.create", target: { type: "tenant", id: "a" } });
  at("2026-03-02T10:00:00Z");
  await t.services.audit.record({ actor, action: "tenant.delete", target: { type: "tenant", id: "a" } });
  at("2026-03-03T10:00:00Z");
  await t.services.audit.record({
    actor: { id: null, email: "other@example.test" },
    action: "tenant.create",
    target: { type: "tenant", id: "b" },
    ip: "192.0.2.1",
    requestId: "r-3",
  });
});

afterAll(async () => {
  await t?.cleanup();
});

describe("AuditService.list", () => {
  it("returns newest first", async () => {
    const { items, nextCursor } = await t.services.audit.list({});
    expect(items.map((i) => [i.action, i.target.id])).toEqual([
      ["tenant.create", "b"],
      ["tenant.delete", "a"],
      ["tenant.create", "a"],
    ]);
    expect(nextCursor).toBeNull();
    expect(items[0]).toMatchObject({ actorEmail: "other@example.test", ip: "192.0.2.1", requestId: "r-3" });
  });

  it("filters by action, actor, target and time range", async () => {
    const ids = async (q: Parameters<typeof t.services.audit.list>[0]) =>
      (await t.services.audit.list(q)).items.map((i) => `${i.action}:${i.target.id}`);
    expect(await ids({ action: "tenant.create" })).toEqual(["tenant.create:b", "tenant.create:a"]);
    expect(await ids({ actorEmail: "ROOT@example.test" })).toEqual(["tenant.delete:a", "tenant.create:a"]);
    expect(await ids({ targetId: "b" })).toEqual(["tenant.create:b"]);
    expect(
      await ids({ from: new Date("2026-03-02T00:00:00Z"), to: new Date("2026-03-02T23:59:59Z") }),
    ).toEqual(["tenant.delete:a"]);
  });

  it("pages with a cursor without repeating or skipping entries", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.services.audit.list({ limit: 2, cursor });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
  });
});
