"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "../ui/cn";

const icons = {
  overview: "M3 10.5 10 4l7 6.5V17a1 1 0 0 1-1 1h-4v-5H8v5H4a1 1 0 0 1-1-1v-6.5Z",
  posts: "M5 3h7l4 4v10a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1Zm2 8h6M7 14h6M7 8h3",
  media:
    "M3 5a2 2 0 0 1 2-2h10a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5Zm0 9 4-4 3 3 2-2 5 5M12.5 7.5h.01",
  comments: "M17 9.5a6.5 6.5 0 0 1-9.4 5.8L3 16.5l1.2-4A6.5 6.5 0 1 1 17 9.5Z",
  members:
    "M7.5 9a3 3 0 1 0 0-6 3 3 0 0 0 0 6ZM2 17c0-3 2.5-5 5.5-5s5.5 2 5.5 5M13 3.3a3 3 0 0 1 0 5.4M15 12.3c1.8.6 3 2.3 3 4.7",
  settings:
    "M10 12.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5Zm6.3-1.2.1-1.3-.1-1.3 1.6-1.2-1.6-2.8-1.9.8a6 6 0 0 0-2.2-1.3L11.9 2H8.1l-.3 2.2a6 6 0 0 0-2.2 1.3l-1.9-.8-1.6 2.8 1.6 1.2-.1 1.3.1 1.3-1.6 1.2 1.6 2.8 1.9-.8a6 6 0 0 0 2.2 1.3l.3 2.2h3.8l.3-2.2a6 6 0 0 0 2.2-1.3l1.9.8 1.6-2.8-1.6-1.2Z",
};

/** Sidebar links (a scrolling tab row on small screens); the current page is marked for screen readers. */
export function StudioNav({ slug, orientation }: { slug: string; orientation: "vertical" | "horizontal" }) {
  const pathname = usePathname();
  const base = `/studio/${slug}`;
  const items = [
    { href: base, label: "Overview", icon: icons.overview, exact: true },
    { href: `${base}/posts`, label: "Posts", icon: icons.posts },
    { href: `${base}/comments`, label: "Comments", icon: icons.comments },
    { href: `${base}/media`, label: "Media", icon: icons.media },
    { href: `${base}/members`, label: "Members", icon: icons.members },
    { href: `${base}/settings`, label: "Settings", icon: icons.settings },
  ];
  const vertical = orientation === "vertical";
  return (
    <nav aria-label="Studio">
      <ul className={cn(vertical ? "space-y-0.5" : "flex gap-1 overflow-x-auto")}>
        {items.map((item) => {
          const active = item.exact ? pathname === item.href : pathname.startsWith(item.href);
          return (
            <li key={item.href} className="shrink-0">
              <Link
                href={item.href}
                aria-current={active ? "page" : undefined}
                className={cn(
                  "flex items-center gap-2.5 rounded-lg text-sm font-medium transition-colors",
                  vertical ? "px-3 py-2" : "px-3 py-1.5",
                  active ? "bg-accent-soft text-accent" : "text-ink-soft hover:bg-stone-100 hover:text-ink",
                )}
              >
                <svg
                  viewBox="0 0 20 20"
                  aria-hidden="true"
                  className="size-[1.125rem] shrink-0 fill-none stroke-current stroke-[1.6]"
                >
                  <path d={item.icon} strokeLinejoin="round" strokeLinecap="round" />
                </svg>
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
