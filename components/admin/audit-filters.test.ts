import { describe, expect, it } from "vitest";
import { auditHref, parseAuditFilters, toAuditQuery } from "./audit-filters";

describe("audit filters", () => {
  it("maps the query string to a service query with whole UTC days", () => {
    const { filters, problems } = parseAuditFilters({
      action: "tenant.create",
      actor: "a@b.test",
      from: "2026-01-01",
      to: "2026-01-31",
    });
    expect(problems).toEqual([]);
    expect(toAuditQuery(filters)).toEqual({
      action: "tenant.create",
      actorEmail: "a@b.test",
      from: new Date("2026-01-01T00:00:00.000Z"),
      to: new Date("2026-01-31T23:59:59.999Z"),
      limit: 25,
    });
  });

  it("reports a bad field and keeps the good ones", () => {
    const { filters, problems } = parseAuditFilters({
      action: "tenant.delete",
      from: "yesterday",
      cursor: "x",
    });
    expect(filters).toEqual({ action: "tenant.delete" });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^From:/);
  });

  it("flags a reversed date range", () => {
    expect(parseAuditFilters({ from: "2026-02-01", to: "2026-01-01" }).problems).toContain(
      "The start date is after the end date.",
    );
  });

  it("builds paging links that keep the filters", () => {
    const cursor = `1700000000000_${"a".repeat(24)}`;
    expect(auditHref({ action: "tenant.create" }, cursor)).toBe(
      `/admin/audit?action=tenant.create&cursor=${cursor}`,
    );
    expect(auditHref({})).toBe("/admin/audit");
  });
});
