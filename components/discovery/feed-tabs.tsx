import Link from "next/link";
import { FEED_PERIODS } from "@/server/services/feed/feed-params";
import { cn } from "../ui/cn";
import { type DiscoveryView, PERIOD_LABELS, TABS, viewHref } from "./discovery-params";

/**
 * Trending / Latest / Top as links (each view has its own URL), and Top's period; signed-in
 * readers also get "Following" (posts of the people they follow).
 */
export function FeedTabs({ view, signedIn = false }: { view: DiscoveryView; signedIn?: boolean }) {
  return (
    <div>
      <nav aria-label="Sort the feed" className="flex items-end gap-1 border-b border-line">
        {TABS.map((tab) => {
          const active = tab.sort === view.sort && !view.following;
          return (
            <Link
              key={tab.sort}
              href={viewHref(view, { sort: tab.sort })}
              aria-current={active ? "page" : undefined}
              title={tab.hint}
              className={cn(
                "-mb-px border-b-2 px-3 pt-1 pb-2.5 text-[15px] font-medium transition-colors sm:px-4",
                active ? "border-accent text-ink" : "border-transparent text-muted hover:text-ink",
              )}
            >
              {tab.label}
            </Link>
          );
        })}
        {signedIn && !view.tag ? (
          <Link
            href={viewHref(view, { following: true, author: null })}
            aria-current={view.following ? "page" : undefined}
            title="Posts by the people you follow"
            className={cn(
              "-mb-px border-b-2 px-3 pt-1 pb-2.5 text-[15px] font-medium transition-colors sm:px-4",
              view.following ? "border-accent text-ink" : "border-transparent text-muted hover:text-ink",
            )}
          >
            Following
          </Link>
        ) : null}
      </nav>
      {view.sort === "top" && !view.following ? (
        <nav aria-label="Top posts of" className="mt-3 flex flex-wrap gap-1.5">
          {FEED_PERIODS.map((period) => {
            const active = period === view.period;
            return (
              <Link
                key={period}
                href={viewHref(view, { period })}
                aria-current={active ? "page" : undefined}
                className={cn(
                  "rounded-full px-3 py-1 text-[13px] font-medium ring-1 ring-inset transition-colors",
                  active
                    ? "bg-ink text-white ring-ink"
                    : "bg-surface text-ink-soft ring-line-strong hover:bg-stone-100",
                )}
              >
                {PERIOD_LABELS[period]}
              </Link>
            );
          })}
        </nav>
      ) : null}
    </div>
  );
}
