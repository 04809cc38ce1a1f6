"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { FeedItem, FeedPage } from "@/server/services/feed/feed-service";
import { buttonClasses } from "../ui/button";
import { Spinner } from "../ui/spinner";
import { type DiscoveryView, viewHref } from "./discovery-params";
import { FeedCard } from "./feed-card";

const keyOf = (i: FeedItem) => `${i.tenantId}:${i.postId}`;

/**
 * The feed after its server-rendered first page: more pages load as the reader nears the end
 * (infinite scroll), or with "Load more" — a real link to the next page, so it also works without
 * JavaScript or when the observer never fires. Each page comes from `GET /api/feed` with the
 * cursor of the last one, so nothing repeats or goes missing while new posts arrive.
 */
export function FeedList({
  initial,
  view,
  query,
}: {
  initial: FeedPage;
  view: DiscoveryView;
  query: Record<string, string>;
}) {
  const [items, setItems] = useState(initial.items);
  const [cursor, setCursor] = useState(initial.nextCursor);
  const [state, setState] = useState<"idle" | "loading" | "error">("idle");
  const busy = useRef(false);
  const sentinel = useRef<HTMLDivElement>(null);

  const loadMore = useCallback(async () => {
    if (!cursor || busy.current) return;
    busy.current = true;
    setState("loading");
    try {
      const res = await fetch(`/api/feed?${new URLSearchParams({ ...query, cursor })}`, {
        headers: { accept: "application/json" },
      });
      if (!res.ok) throw new Error(`feed answered ${res.status}`);
      const page = (await res.json()) as FeedPage;
      setItems((prev) => {
        const seen = new Set(prev.map(keyOf));
        return [...prev, ...page.items.filter((i) => !seen.has(keyOf(i)))];
      });
      setCursor(page.nextCursor);
      setState("idle");
    } catch {
      setState("error");
    } finally {
      busy.current = false;
    }
  }, [cursor, query]);

  useEffect(() => {
    const el = sentinel.current;
    if (!el || !cursor || state === "error" || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void loadMore();
      },
      { rootMargin: "600px 0px" },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [cursor, state, loadMore]);

  const authorHref = (username: string) => viewHref(view, { author: username, tag: null });
  const tagHref = (tag: string) => viewHref(view, { tag, author: null });

  return (
    <div>
      <ul className="flex flex-col gap-4" data-testid="feed-items">
        {items.map((item) => (
          <FeedCard key={keyOf(item)} item={item} authorHref={authorHref} tagHref={tagHref} />
        ))}
      </ul>
      <div ref={sentinel} className="mt-6 flex min-h-12 flex-col items-center justify-center gap-2 text-sm">
        <p aria-live="polite" className="text-muted">
          {state === "loading" ? (
            <span className="inline-flex items-center gap-2">
              <Spinner /> Loading more posts…
            </span>
          ) : state === "error" ? (
            <span className="text-danger">Couldn't load more posts.</span>
          ) : !cursor && items.length ? (
            "You've reached the end — that's everything for now."
          ) : null}
        </p>
        {cursor && state !== "loading" ? (
          <a
            href={viewHref(view, { cursor })}
            onClick={(e) => {
              e.preventDefault();
              void loadMore();
            }}
            className={buttonClasses("secondary", "md")}
          >
            {state === "error" ? "Try again" : "Load more"}
          </a>
        ) : null}
      </div>
    </div>
  );
}
