import Link from "next/link";
import type { PopularTag } from "@/server/services/feed/feed-service";
import { cn } from "../ui/cn";
import { type DiscoveryView, viewHref } from "./discovery-params";

/** Popular tags as chips; the current tag is highlighted and "All topics" clears it. */
export function TagChips({
  tags,
  view,
  layout,
}: {
  tags: PopularTag[];
  view: DiscoveryView;
  layout: "wrap" | "scroll";
}) {
  const shown =
    view.tag && !tags.some((t) => t.tag === view.tag) ? [{ tag: view.tag, posts: 0 }, ...tags] : tags;
  if (!shown.length) return null;
  const chip = (active: boolean) =>
    cn(
      "inline-flex shrink-0 items-center gap-1 rounded-full px-3 py-1.5 text-[13px] font-medium ring-1 ring-inset transition-colors",
      active
        ? "bg-accent text-white ring-accent"
        : "bg-surface text-ink-soft ring-line-strong hover:bg-accent-soft hover:text-accent",
    );
  return (
    <ul
      aria-label="Topics"
      className={cn(
        "flex gap-2",
        layout === "wrap" ? "flex-wrap" : "-mx-4 overflow-x-auto px-4 pb-1 [scrollbar-width:none]",
      )}
    >
      <li className="shrink-0">
        <Link
          href={viewHref(view, { tag: null })}
          className={chip(!view.tag)}
          aria-current={!view.tag ? "page" : undefined}
        >
          All topics
        </Link>
      </li>
      {shown.map((t) => (
        <li key={t.tag} className="shrink-0">
          <Link
            href={viewHref(view, { tag: t.tag })}
            className={chip(t.tag === view.tag)}
            aria-current={t.tag === view.tag ? "page" : undefined}
          >
            #{t.tag}
            {t.posts ? <span className="text-[11px] opacity-60">{t.posts}</span> : null}
          </Link>
        </li>
      ))}
    </ul>
  );
}
