import type { FeedItem } from "@/server/services/feed/feed-service";
import { Avatar } from "../ui/avatar";
import { cardDate, compactCount } from "./format";

const THEME_DOT: Record<FeedItem["blogTheme"], string> = {
  classic: "bg-[#8a3b12]",
  minimal: "bg-stone-900",
  bold: "bg-[#e4572e]",
};

/**
 * One post of the network feed: its blog, author, title, excerpt, reading time and tags, with the
 * cover beside it when it has one. The title (and cover) lead to the post on its blog's subdomain.
 * Plain markup with no hooks, so the server's first page and the client's next pages share it.
 */
export function FeedCard({
  item,
  authorHref,
  tagHref,
}: {
  item: FeedItem;
  authorHref: (username: string) => string;
  tagHref: (tag: string) => string;
}) {
  const blogUrl = item.url.replace(/\/[^/]*$/, "");
  const { likes, comments } = item.metrics;
  return (
    <li>
      <article className="group flex gap-4 rounded-card border border-line bg-surface p-4 shadow-card transition-shadow hover:shadow-pop sm:gap-6 sm:p-6">
        <div className="min-w-0 flex-1">
          <div className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1 text-[13px] text-muted">
            <a
              href={blogUrl}
              className="inline-flex min-w-0 items-center gap-1.5 font-semibold text-ink hover:text-accent"
            >
              <span
                aria-hidden="true"
                className={`size-2 shrink-0 rounded-full ${THEME_DOT[item.blogTheme]}`}
              />
              <span className="truncate">{item.blogName}</span>
            </a>
            {item.authorName ? (
              <>
                <span aria-hidden="true" className="text-line-strong">
                  /
                </span>
                {item.authorUsername ? (
                  <a
                    href={authorHref(item.authorUsername)}
                    className="inline-flex min-w-0 items-center gap-1.5 hover:text-ink"
                    title={`More from ${item.authorName}`}
                  >
                    <Avatar name={item.authorName} size="sm" className="size-5 text-[9px]" />
                    <span className="truncate">{item.authorName}</span>
                  </a>
                ) : (
                  <span className="truncate">{item.authorName}</span>
                )}
              </>
            ) : null}
          </div>
          <h3 className="mt-2 font-serif text-lg leading-snug font-semibold text-ink sm:text-[22px]">
            <a href={item.url} className="decoration-accent/40 underline-offset-4 group-hover:underline">
              {item.title || "Untitled"}
            </a>
          </h3>
          {item.excerpt ? (
            <p className="mt-1.5 line-clamp-3 text-[15px] leading-relaxed text-ink-soft sm:line-clamp-2">
              {item.excerpt}
            </p>
          ) : null}
          <div className="mt-3 flex flex-wrap items-center gap-x-3 gap-y-2 text-xs text-muted">
            <time dateTime={item.publishedAt}>{cardDate(item.publishedAt)}</time>
            {item.readingMinutes ? (
              <>
                <span aria-hidden="true">·</span>
                <span>{item.readingMinutes} min read</span>
              </>
            ) : null}
            {likes > 0 ? (
              <span className="inline-flex items-center gap-1" title={`${likes} likes`}>
                <svg viewBox="0 0 20 20" aria-hidden="true" className="size-3.5 fill-rose-500">
                  <path d="M10 17.5 8.8 16.4C4.6 12.6 2 10.2 2 7.3 2 4.9 3.9 3 6.3 3c1.4 0 2.7.6 3.7 1.7C11 3.6 12.3 3 13.7 3 16.1 3 18 4.9 18 7.3c0 2.9-2.6 5.3-6.8 9.1L10 17.5Z" />
                </svg>
                <span className="sr-only">Likes:</span>
                {compactCount(likes)}
              </span>
            ) : null}
            {comments > 0 ? (
              <span className="inline-flex items-center gap-1" title={`${comments} comments`}>
                <svg
                  viewBox="0 0 20 20"
                  aria-hidden="true"
                  className="size-3.5 fill-none stroke-current stroke-[1.6]"
                >
                  <path
                    d="M4 4h12a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1H9l-4 3v-3H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1Z"
                    strokeLinejoin="round"
                  />
                </svg>
                <span className="sr-only">Comments:</span>
                {compactCount(comments)}
              </span>
            ) : null}
            {item.tags.length ? (
              <ul className="flex flex-wrap gap-1.5" aria-label="Tags">
                {item.tags.slice(0, 3).map((tag) => (
                  <li key={tag}>
                    <a
                      href={tagHref(tag)}
                      className="inline-flex rounded-full bg-stone-100 px-2 py-0.5 text-[12px] text-ink-soft hover:bg-accent-soft hover:text-accent"
                    >
                      #{tag}
                    </a>
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        </div>
        {item.coverUrl ? (
          <a href={item.url} tabIndex={-1} className="shrink-0 self-start">
            {/* biome-ignore lint/performance/noImgElement: covers are the blogs' own media URLs on their subdomains. */}
            <img
              src={item.coverUrl}
              alt={`Cover of “${item.title}”`}
              loading="lazy"
              className="aspect-square w-20 rounded-lg border border-line object-cover sm:aspect-[4/3] sm:w-40"
            />
          </a>
        ) : null}
      </article>
    </li>
  );
}
