import {
  FEED_PERIODS,
  type FeedPeriod,
  type FeedSort,
  normalizeFeedTag,
} from "@/server/services/feed/feed-params";

/** The discovery page's view: which tab, period, tag and author, and where in the feed. */
export interface DiscoveryView {
  sort: FeedSort;
  period: FeedPeriod;
  tag: string | null;
  author: string | null;
  cursor: string | null;
  /** The "Following" tab (signed-in readers): posts of the people they follow (`?feed=following`). */
  following?: boolean;
}

export const TABS: { sort: FeedSort; label: string; hint: string }[] = [
  { sort: "hot", label: "Trending", hint: "Read, liked and discussed right now" },
  { sort: "new", label: "Latest", hint: "Just published" },
  { sort: "top", label: "Top", hint: "The most read and liked" },
];

export const PERIOD_LABELS: Record<FeedPeriod, string> = {
  day: "Today",
  week: "This week",
  month: "This month",
  year: "This year",
  all: "All time",
};

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() || null;

/** Search params → a view; anything unknown falls back to the default instead of an error page. */
export function parseView(
  params: Record<string, string | string[] | undefined>,
  tag?: string,
): DiscoveryView {
  const sort = first(params.sort);
  const period = first(params.period);
  const author = first(params.author);
  return {
    sort: sort === "new" || sort === "top" || sort === "hot" ? sort : "hot",
    period: (FEED_PERIODS as readonly string[]).includes(period ?? "") ? (period as FeedPeriod) : "week",
    tag: tag ? normalizeFeedTag(tag) || null : null,
    author: author && /^[a-z0-9_.-]{1,64}$/i.test(author) ? author.toLowerCase() : null,
    cursor: first(params.cursor),
    following: !tag && first(params.feed) === "following",
  };
}

/** The feed service's input for a view (also the query string of `/api/feed` for "Load more"). */
export function feedInput(view: DiscoveryView, limit = 12): Record<string, string> {
  const input: Record<string, string> = { sort: view.sort, limit: String(limit) };
  if (view.sort === "top") input.period = view.period;
  if (view.tag) input.tag = view.tag;
  if (view.author) input.author = view.author;
  return input;
}

/** A link to another view of the discovery page (tag views live at /tag/<tag>). */
export function viewHref(view: DiscoveryView, change: Partial<DiscoveryView> = {}): string {
  const next = { ...view, cursor: null, following: false, ...change };
  const params = new URLSearchParams();
  if (next.following) {
    params.set("feed", "following");
    if (next.cursor) params.set("cursor", next.cursor);
    return `/?${params}`;
  }
  if (next.sort !== "hot") params.set("sort", next.sort);
  if (next.sort === "top" && next.period !== "week") params.set("period", next.period);
  if (next.author) params.set("author", next.author);
  if (next.cursor) params.set("cursor", next.cursor);
  const query = params.toString();
  const path = next.tag ? `/tag/${encodeURIComponent(next.tag)}` : "/";
  return query ? `${path}?${query}` : path;
}
