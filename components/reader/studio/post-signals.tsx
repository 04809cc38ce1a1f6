"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc/client";

export type PostCounts = { views: number; likes: number; comments: number };

/** Views, likes and comments of the listed posts, in one call (`signals.counts`). */
export function usePostSignals(postIds: string[]): Record<string, PostCounts> {
  const trpc = useTRPC();
  const ids = postIds.slice(0, 500);
  const query = useQuery({
    ...trpc.signals.counts.queryOptions({ postIds: ids }),
    enabled: ids.length > 0,
    staleTime: 30_000,
  });
  return (query.data as Record<string, PostCounts> | undefined) ?? {};
}

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });

/** The three counts of one post row; nothing for a post nobody has read yet. */
export function PostSignals({ counts }: { counts: PostCounts | undefined }) {
  if (!counts || counts.views + counts.likes + counts.comments === 0) return null;
  const items = [
    {
      n: counts.views,
      label: "views",
      icon: "M1 10s3.5-6 9-6 9 6 9 6-3.5 6-9 6-9-6-9-6Z M10 12.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5Z",
    },
    {
      n: counts.likes,
      label: "likes",
      icon: "M17 4.6a4.2 4.2 0 0 0-6 0l-1 1-1-1a4.2 4.2 0 0 0-6 6l1 1 6 6 6-6 1-1a4.2 4.2 0 0 0 0-6Z",
    },
    {
      n: counts.comments,
      label: "comments",
      icon: "M17 9.5a6.5 6.5 0 0 1-9.4 5.8L3 16.5l1.2-4A6.5 6.5 0 1 1 17 9.5Z",
    },
  ];
  return (
    <span className="hidden shrink-0 items-center gap-3 text-xs text-muted md:flex">
      {items.map((item) => (
        <span key={item.label} className="inline-flex items-center gap-1" title={`${item.n} ${item.label}`}>
          <svg
            viewBox="0 0 20 20"
            aria-hidden="true"
            className="size-3.5 fill-none stroke-current stroke-[1.6]"
          >
            <path d={item.icon} strokeLinejoin="round" strokeLinecap="round" />
          </svg>
          {compact.format(item.n)}
          <span className="sr-only"> {item.label}</span>
        </span>
      ))}
    </span>
  );
}
