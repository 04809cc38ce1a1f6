import type { GroupLag } from "@/server/services/pipeline/stats";
import { cn } from "../ui/cn";

/** Consumer-group lag per partition: end offset, committed offset, messages behind. */
export function LagTable({ group }: { group: GroupLag }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid={`lag-${group.group}`}>
        <caption className="sr-only">
          Lag of {group.group} on {group.topic}
        </caption>
        <thead>
          <tr className="border-b border-line text-xs tracking-wide text-muted uppercase">
            <th scope="col" className="py-2 pr-4 font-medium">
              Partition
            </th>
            <th scope="col" className="py-2 pr-4 text-right font-medium">
              End offset
            </th>
            <th scope="col" className="py-2 pr-4 text-right font-medium">
              Committed
            </th>
            <th scope="col" className="py-2 text-right font-medium">
              Lag
            </th>
          </tr>
        </thead>
        <tbody>
          {group.partitions.length === 0 ? (
            <tr>
              <td colSpan={4} className="py-3 text-muted">
                The topic has no messages yet.
              </td>
            </tr>
          ) : (
            group.partitions.map((p) => (
              <tr key={p.partition} className="border-b border-line/60 last:border-0">
                <td className="py-2 pr-4 font-mono">{p.partition}</td>
                <td className="py-2 pr-4 text-right font-mono tabular-nums">{p.end.toLocaleString()}</td>
                <td className="py-2 pr-4 text-right font-mono tabular-nums">
                  {p.committed.toLocaleString()}
                </td>
                <td
                  className={cn(
                    "py-2 text-right font-mono font-semibold tabular-nums",
                    p.lag === 0 ? "text-success" : p.lag < 50 ? "text-warning" : "text-danger",
                  )}
                >
                  {p.lag.toLocaleString()}
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
