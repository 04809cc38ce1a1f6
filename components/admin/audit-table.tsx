import type { AuditEntryDto } from "@/server/services/audit/audit-service";
import { Badge } from "../ui/badge";

const timeFormat = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "medium",
  timeZone: "UTC",
});

function tone(action: string) {
  if (action.endsWith(".delete") || action.startsWith("admin.")) return "danger" as const;
  if (action.startsWith("auth.")) return "warning" as const;
  if (action.endsWith(".create") || action.endsWith(".add")) return "success" as const;
  return "accent" as const;
}

function Target({ entry }: { entry: AuditEntryDto }) {
  return (
    <>
      <span className="font-medium text-ink">{entry.target.label ?? entry.target.id}</span>
      <span className="block font-mono text-xs text-muted">
        {entry.target.type} · {entry.target.id}
      </span>
    </>
  );
}

/** A table on wide screens, a stack of cards on phones; same data, same order (newest first). */
export function AuditTable({ items }: { items: AuditEntryDto[] }) {
  return (
    <>
      <div className="hidden overflow-x-auto rounded-card border border-line bg-surface shadow-card md:block">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Audit log entries, newest first</caption>
          <thead className="border-b border-line bg-stone-50 text-xs tracking-wide text-muted uppercase">
            <tr>
              <th scope="col" className="px-4 py-3 font-medium">
                Time (UTC)
              </th>
              <th scope="col" className="px-4 py-3 font-medium">
                Action
              </th>
              <th scope="col" className="px-4 py-3 font-medium">
                Actor
              </th>
              <th scope="col" className="px-4 py-3 font-medium">
                Target
              </th>
              <th scope="col" className="px-4 py-3 font-medium">
                IP · request
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-line">
            {items.map((e) => (
              <tr key={e.id} className="align-top">
                <td className="px-4 py-3 whitespace-nowrap text-ink-soft">
                  <time dateTime={new Date(e.at).toISOString()}>{timeFormat.format(new Date(e.at))}</time>
                </td>
                <td className="px-4 py-3">
                  <Badge tone={tone(e.action)} className="font-mono">
                    {e.action}
                  </Badge>
                </td>
                <td className="px-4 py-3 break-all text-ink">
                  {e.actorEmail ?? <span className="text-muted">system</span>}
                </td>
                <td className="px-4 py-3">
                  <Target entry={e} />
                </td>
                <td className="px-4 py-3 font-mono text-xs text-muted">
                  {e.ip ?? "—"}
                  <span className="block max-w-40 truncate" title={e.requestId ?? undefined}>
                    {e.requestId ?? "—"}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <ul className="space-y-3 md:hidden">
        {items.map((e) => (
          <li key={e.id} className="rounded-card border border-line bg-surface p-4 text-sm shadow-card">
            <div className="flex items-start justify-between gap-3">
              <Badge tone={tone(e.action)} className="font-mono">
                {e.action}
              </Badge>
              <time dateTime={new Date(e.at).toISOString()} className="text-right text-xs text-muted">
                {timeFormat.format(new Date(e.at))} UTC
              </time>
            </div>
            <dl className="mt-3 grid grid-cols-[5rem_1fr] gap-x-3 gap-y-1.5">
              <dt className="text-muted">Actor</dt>
              <dd className="break-all">{e.actorEmail ?? "system"}</dd>
              <dt className="text-muted">Target</dt>
              <dd className="min-w-0 break-all">
                <Target entry={e} />
              </dd>
              <dt className="text-muted">IP</dt>
              <dd className="font-mono text-xs">{e.ip ?? "—"}</dd>
            </dl>
          </li>
        ))}
      </ul>
    </>
  );
}
