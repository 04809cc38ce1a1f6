import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { auditHref, KNOWN_ACTIONS, parseAuditFilters, toAuditQuery } from "@/components/admin/audit-filters";
import { AuditTable } from "@/components/admin/audit-table";
import { SiteHeader } from "@/components/layout/site-header";
import { requireUser } from "@/components/studio/load";
import { Badge } from "@/components/ui/badge";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Input, Label } from "@/components/ui/field";
import { StatusMessage } from "@/components/ui/status";
import { getServices } from "@/server/services/container";

export const metadata: Metadata = { title: "Audit log" };

/**
 * Platform admins only. Filters are a plain GET form, so a filtered view is a URL that can be
 * shared and works without JavaScript; paging follows the service's cursor.
 */
export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser("/admin/audit");
  // Not an admin: answer as if there were no such page.
  if (!user.platformAdmin) notFound();

  const { filters, problems } = parseAuditFilters(await searchParams);
  const { items, nextCursor } = await getServices().audit.list(toAuditQuery(filters));
  const filtered = Boolean(filters.action || filters.actor || filters.from || filters.to);

  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="mx-auto max-w-6xl px-4 pt-10 pb-20 sm:px-6">
        <div className="mb-6 flex flex-wrap items-center gap-3">
          <h1 className="font-serif text-3xl font-semibold tracking-tight text-ink">Audit log</h1>
          <Badge tone="warning">Platform admin</Badge>
        </div>
        <p className="-mt-3 mb-8 max-w-2xl text-muted">
          Every privileged action on the platform — blogs created and deleted, role changes, secret rotations
          and admin operations — with who did it, from where and when.
        </p>

        <Card className="mb-6 p-4 sm:p-5">
          <form
            method="get"
            action="/admin/audit"
            className="grid grid-cols-2 gap-4 lg:grid-cols-[1fr_1.3fr_0.8fr_0.8fr_auto]"
          >
            <div className="col-span-2 sm:col-span-1">
              <Label htmlFor="action-input">Action</Label>
              <Input
                id="action-input"
                name="action"
                list="audit-actions"
                defaultValue={filters.action}
                placeholder="Any action"
                size="sm"
                className="mt-1.5"
              />
              <datalist id="audit-actions">
                {KNOWN_ACTIONS.map((a) => (
                  <option key={a} value={a} />
                ))}
              </datalist>
            </div>
            <div className="col-span-2 sm:col-span-1">
              <Label htmlFor="actor-input">Actor e-mail</Label>
              <Input
                id="actor-input"
                name="actor"
                type="email"
                defaultValue={filters.actor}
                placeholder="someone@example.com"
                size="sm"
                className="mt-1.5"
              />
            </div>
            <div>
              <Label htmlFor="from-input">From</Label>
              <Input
                id="from-input"
                name="from"
                type="date"
                defaultValue={filters.from}
                size="sm"
                className="mt-1.5"
              />
            </div>
            <div>
              <Label htmlFor="to-input">To</Label>
              <Input
                id="to-input"
                name="to"
                type="date"
                defaultValue={filters.to}
                size="sm"
                className="mt-1.5"
              />
            </div>
            <div className="col-span-2 flex items-end gap-2 lg:col-span-1">
              <Button type="submit" className="flex-1 lg:flex-none">
                Filter
              </Button>
              {filtered ? (
                <ButtonLink href="/admin/audit" variant="ghost">
                  Clear
                </ButtonLink>
              ) : null}
            </div>
          </form>
          {problems.length ? (
            <StatusMessage tone="error" className="mt-4">
              Some filters were ignored: {problems.join(" ")}
            </StatusMessage>
          ) : null}
        </Card>

        {items.length ? (
          <AuditTable items={items} />
        ) : (
          <EmptyState title={filtered ? "No entries match these filters" : "Nothing recorded yet"}>
            {filtered
              ? "Try a wider date range or clear a filter."
              : "Privileged actions appear here as soon as they happen."}
          </EmptyState>
        )}

        <nav aria-label="Pages" className="mt-6 flex items-center justify-between gap-3 text-sm">
          {filters.cursor ? (
            <Link href={auditHref(filters)} className="font-medium text-accent hover:underline">
              ← Newest entries
            </Link>
          ) : (
            <span className="text-muted">{items.length ? `Showing the newest ${items.length}` : null}</span>
          )}
          {nextCursor ? (
            <ButtonLink href={auditHref(filters, nextCursor)} variant="secondary" size="sm">
              Older entries →
            </ButtonLink>
          ) : items.length ? (
            <span className="text-muted">End of the log</span>
          ) : null}
        </nav>
      </main>
    </>
  );
}
