import { z } from "zod";

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2026-01-31")
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), "Not a real date");

/** The audit page's query string. Every field optional; an empty field means "any". */
const schema = z.object({
  action: z.string().trim().max(100).optional(),
  actor: z.string().trim().max(254).optional(),
  from: day.optional(),
  to: day.optional(),
  cursor: z
    .string()
    .regex(/^\d{1,15}_[0-9a-f]{24}$/)
    .optional(),
});

export type AuditFilters = z.infer<typeof schema>;

function first(v: string | string[] | undefined): string | undefined {
  const value = Array.isArray(v) ? v[0] : v;
  return value === "" ? undefined : value;
}

/** Parses filters field by field, so one bad value is reported without dropping the others. */
export function parseAuditFilters(params: Record<string, string | string[] | undefined>): {
  filters: AuditFilters;
  problems: string[];
} {
  const filters: AuditFilters = {};
  const problems: string[] = [];
  for (const key of Object.keys(schema.shape) as (keyof AuditFilters)[]) {
    const raw = first(params[key]);
    if (raw === undefined) continue;
    const parsed = schema.shape[key].safeParse(raw);
    if (parsed.success && parsed.data !== undefined) filters[key] = parsed.data;
    else if (!parsed.success)
      problems.push(
        `${key === "actor" ? "Actor" : key[0]!.toUpperCase() + key.slice(1)}: ${parsed.error.issues[0]?.message ?? "invalid"}`,
      );
  }
  if (filters.from && filters.to && filters.from > filters.to)
    problems.push("The start date is after the end date.");
  return { filters, problems };
}

/** Dates are whole days in UTC: `from` at 00:00, `to` through 23:59:59.999. */
export function toAuditQuery(f: AuditFilters) {
  return {
    ...(f.action ? { action: f.action } : {}),
    ...(f.actor ? { actorEmail: f.actor } : {}),
    ...(f.from ? { from: new Date(`${f.from}T00:00:00.000Z`) } : {}),
    ...(f.to ? { to: new Date(`${f.to}T23:59:59.999Z`) } : {}),
    ...(f.cursor ? { cursor: f.cursor } : {}),
    limit: 25,
  };
}

export function auditHref(f: AuditFilters, cursor?: string): string {
  const q = new URLSearchParams();
  if (f.action) q.set("action", f.action);
  if (f.actor) q.set("actor", f.actor);
  if (f.from) q.set("from", f.from);
  if (f.to) q.set("to", f.to);
  if (cursor) q.set("cursor", cursor);
  const s = q.toString();
  return s ? `/admin/audit?${s}` : "/admin/audit";
}

export const KNOWN_ACTIONS = [
  "tenant.create",
  "tenant.delete",
  "membership.add",
  "membership.remove",
  "membership.role_change",
  "auth.secret_rotation",
  "admin.drop_tenant_database",
] as const;
