"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import type { PostStatus, PostType } from "@/server/db/models";
import type { PostSummary } from "@/server/services/posts/post-dto";
import { messageOf } from "../forms/errors";
import { PipelineChips } from "../pipeline/pipeline-chips";
import { usePipelineStates } from "../pipeline/use-pipeline-states";
import { PostSignals, usePostSignals } from "../reader/studio/post-signals";
import { useTRPC, useTRPCClient } from "../trpc/client";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { cn } from "../ui/cn";
import { EmptyState } from "../ui/empty-state";
import { Input } from "../ui/field";
import { Spinner } from "../ui/spinner";
import { StatusMessage } from "../ui/status";
import { NewPostButton } from "./new-post-button";
import { PostStatusBadge } from "./post-status";

type Counts = Record<PostStatus, number>;
const STATUS_TABS: { value: PostStatus | "all"; label: string }[] = [
  { value: "all", label: "All" },
  { value: "draft", label: "Drafts" },
  { value: "scheduled", label: "Scheduled" },
  { value: "published", label: "Published" },
  { value: "archived", label: "Archived" },
];

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function dateLine(post: PostSummary): string {
  if (post.status === "published" && post.publishedAt)
    return `Published ${dateFormat.format(new Date(post.publishedAt))}`;
  if (post.status === "scheduled" && post.publishAt)
    return `Goes live ${dateTimeFormat.format(new Date(post.publishAt))}`;
  return `Edited ${dateFormat.format(new Date(post.updatedAt))}`;
}

/**
 * The studio's posts list: status tabs with counts, posts/pages, title search, and bulk
 * archive/delete. Rows open the editor.
 */
export function PostsList({
  slug,
  initial,
}: {
  slug: string;
  initial: { items: PostSummary[]; counts: Counts };
}) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [status, setStatus] = useState<PostStatus | "all">("all");
  const [type, setType] = useState<PostType>("post");
  const [q, setQ] = useState("");
  const [debounced, setDebounced] = useState("");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [bulkBusy, setBulkBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string } | null>(null);

  useEffect(() => {
    const t = setTimeout(() => setDebounced(q.trim()), 250);
    return () => clearTimeout(t);
  }, [q]);

  const input = {
    status: status === "all" ? undefined : status,
    type,
    q: debounced || undefined,
    limit: 200,
  };
  const isInitial = status === "all" && type === "post" && !debounced;
  const list = useQuery({
    ...trpc.posts.list.queryOptions(input),
    initialData: isInitial ? initial : undefined,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const items = list.data?.items ?? [];
  // Pipeline chips (pipeline issue) for posts on the network (published), live while in flight.
  const pipeline = usePipelineStates(items.filter((p) => p.status === "published").map((p) => p.id));
  const counts = list.data?.counts ?? initial.counts;
  const total = counts.draft + counts.scheduled + counts.published + counts.archived;
  // Views, likes and comments per row (reader issue).
  const signals = usePostSignals(items.filter((p) => p.status === "published").map((p) => p.id));

  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const allSelected = items.length > 0 && items.every((p) => selected.has(p.id));

  const bulk = async (action: "archive" | "delete") => {
    setBulkBusy(true);
    setMessage(null);
    try {
      const results = await client.posts.bulk.mutate({ ids: [...selected], action });
      const failed = results.filter((r) => !r.ok);
      const done = results.length - failed.length;
      setMessage(
        failed.length
          ? {
              tone: "error",
              text: `${done} ${action === "archive" ? "archived" : "deleted"}, ${failed.length} not: ${failed[0]?.error}`,
            }
          : {
              tone: "success",
              text: `${done} ${done === 1 ? "item" : "items"} ${action === "archive" ? "archived" : "deleted"}.`,
            },
      );
      setSelected(new Set());
      setConfirmDelete(false);
      await list.refetch();
    } catch (err) {
      setMessage({ tone: "error", text: messageOf(err) });
    } finally {
      setBulkBusy(false);
    }
  };

  const noun = type === "page" ? "page" : "post";

  return (
    <div>
      <div className="mb-4 flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
        <div
          role="tablist"
          aria-label="Type"
          className="inline-flex self-start rounded-lg border border-line bg-surface p-0.5 shadow-card"
        >
          {(["post", "page"] as const).map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={type === t}
              onClick={() => {
                setType(t);
                setSelected(new Set());
              }}
              className={cn(
                "rounded-md px-3.5 py-1.5 text-sm font-medium",
                type === t ? "bg-accent-soft text-accent" : "text-muted hover:text-ink",
              )}
            >
              {t === "post" ? "Posts" : "Pages"}
            </button>
          ))}
        </div>
        <div className="relative sm:w-72">
          <svg
            viewBox="0 0 20 20"
            aria-hidden="true"
            className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 fill-none stroke-muted stroke-2"
          >
            <path d="m14 14 4 4M8.5 15a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13Z" strokeLinecap="round" />
          </svg>
          <Input
            size="sm"
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder={`Search ${noun}s by title`}
            aria-label={`Search ${noun}s by title`}
            className="pl-9"
          />
        </div>
      </div>

      <nav aria-label="Status" className="mb-3 -mx-1 flex gap-1 overflow-x-auto px-1">
        {STATUS_TABS.map((tab) => {
          const n = tab.value === "all" ? total : counts[tab.value];
          const active = status === tab.value;
          return (
            <button
              key={tab.value}
              type="button"
              aria-pressed={active}
              onClick={() => {
                setStatus(tab.value);
                setSelected(new Set());
              }}
              className={cn(
                "flex shrink-0 items-center gap-1.5 rounded-full px-3 py-1.5 text-sm font-medium",
                active ? "bg-ink text-paper" : "text-ink-soft hover:bg-stone-100",
              )}
            >
              {tab.label}
              <span
                className={cn(
                  "rounded-full px-1.5 text-xs tabular-nums",
                  active ? "bg-white/20" : "bg-stone-100 text-muted",
                )}
              >
                {n}
              </span>
            </button>
          );
        })}
      </nav>

      <StatusMessage tone={message?.tone ?? "success"} className="mb-3">
        {message?.text}
      </StatusMessage>

      {selected.size > 0 ? (
        <div className="sticky top-2 z-10 mb-3 flex flex-wrap items-center gap-2 rounded-card border border-line bg-ink px-4 py-2.5 text-paper shadow-pop">
          <span className="mr-auto text-sm font-medium">{selected.size} selected</span>
          {confirmDelete ? (
            <>
              <span className="text-sm">Delete {selected.size} for good?</span>
              <Button
                size="sm"
                variant="ghost"
                className="text-paper hover:bg-white/10 hover:text-white"
                onClick={() => setConfirmDelete(false)}
              >
                Cancel
              </Button>
              <Button size="sm" variant="danger" loading={bulkBusy} onClick={() => bulk("delete")}>
                Delete
              </Button>
            </>
          ) : (
            <>
              <Button size="sm" variant="secondary" loading={bulkBusy} onClick={() => bulk("archive")}>
                Archive
              </Button>
              <Button size="sm" variant="danger" onClick={() => setConfirmDelete(true)}>
                Delete…
              </Button>
            </>
          )}
        </div>
      ) : null}

      {list.isPending && !list.data ? (
        <p className="flex items-center gap-2 py-10 text-sm text-muted">
          <Spinner /> Loading…
        </p>
      ) : items.length === 0 ? (
        debounced || status !== "all" ? (
          <EmptyState title={`No ${noun}s here`}>
            {debounced
              ? `Nothing matches “${debounced}”.`
              : `No ${STATUS_TABS.find((t) => t.value === status)?.label.toLowerCase()} ${noun}s yet.`}
          </EmptyState>
        ) : (
          <EmptyState
            title={type === "page" ? "No pages yet" : "Write your first post"}
            icon={
              <svg
                viewBox="0 0 24 24"
                aria-hidden="true"
                className="size-6 fill-none stroke-current stroke-2"
              >
                <path
                  d="M4 20h4L19 9l-4-4L4 16v4ZM13.5 6.5l4 4"
                  strokeLinejoin="round"
                  strokeLinecap="round"
                />
              </svg>
            }
            action={
              <NewPostButton
                slug={slug}
                type={type}
                label={type === "page" ? "Create a page" : "Start writing"}
              />
            }
          >
            {type === "page"
              ? "Pages like About or Contact live at their own address and stay out of your post lists and the feed."
              : "Drafts save as you type. Publish when it's ready, or schedule it for later."}
          </EmptyState>
        )
      ) : (
        <Card className="overflow-hidden">
          <div className="flex items-center gap-3 border-b border-line bg-stone-50/70 px-4 py-2 text-xs font-medium text-muted sm:px-5">
            <input
              type="checkbox"
              aria-label={`Select all ${items.length}`}
              className="size-4 accent-[var(--color-accent)]"
              checked={allSelected}
              onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((p) => p.id)))}
            />
            <span>{items.length === 1 ? `1 ${noun}` : `${items.length} ${noun}s`}</span>
            {list.isFetching ? <Spinner className="ml-auto size-3" /> : null}
          </div>
          <ul className="divide-y divide-line">
            {items.map((post) => (
              <li
                key={post.id}
                className={cn(
                  "flex items-center gap-3 px-4 py-3.5 sm:px-5",
                  selected.has(post.id) && "bg-accent-soft/40",
                )}
              >
                <input
                  type="checkbox"
                  aria-label={`Select “${post.title || "Untitled"}”`}
                  className="size-4 shrink-0 accent-[var(--color-accent)]"
                  checked={selected.has(post.id)}
                  onChange={() => toggle(post.id)}
                />
                <Link href={`/studio/${slug}/posts/${post.id}`} className="group min-w-0 flex-1">
                  <span className="flex items-center gap-2">
                    {post.featured ? (
                      <span title="Featured" className="text-warning">
                        ★<span className="sr-only">Featured</span>
                      </span>
                    ) : null}
                    <span
                      className={cn(
                        "truncate font-medium group-hover:text-accent",
                        post.title ? "text-ink" : "text-muted italic",
                      )}
                    >
                      {post.title || "Untitled"}
                    </span>
                  </span>
                  <span className="mt-0.5 block truncate text-sm text-muted">
                    {dateLine(post)}
                    {post.wordCount ? ` · ${post.wordCount.toLocaleString()} words` : ""}
                    {post.tags.length ? (
                      <span className="hidden sm:inline"> · {post.tags.map((t) => `#${t}`).join(" ")}</span>
                    ) : null}
                  </span>
                  {pipeline.get(post.id) ? (
                    <span className="mt-1.5 block">
                      <PipelineChips state={pipeline.get(post.id)!} compact />
                    </span>
                  ) : null}
                </Link>
                <PostSignals counts={signals[post.id]} />
                <PostStatusBadge status={post.status} />
              </li>
            ))}
          </ul>
        </Card>
      )}
    </div>
  );
}
