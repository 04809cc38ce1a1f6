"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { messageOf } from "../../forms/errors";
import { useTRPC, useTRPCClient } from "../../trpc/client";
import { Button } from "../../ui/button";
import { Card } from "../../ui/card";
import { EmptyState } from "../../ui/empty-state";
import { Spinner } from "../../ui/spinner";
import { StatusMessage } from "../../ui/status";

const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/**
 * The studio's comments: the latest comments on the blog, hidden ones included, with hide/show
 * and delete for owners and editors. Every change purges the blog's cached pages.
 */
export function CommentModeration({ blogUrl, canModerate }: { blogUrl: string; canModerate: boolean }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const list = useQuery({ ...trpc.comments.list.queryOptions({ limit: 100 }), staleTime: 0 });
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string } | null>(null);

  const act = async (id: string, action: "hide" | "show" | "delete") => {
    if (action === "delete" && !window.confirm("Delete this comment for everyone?")) return;
    setBusy(id);
    setMessage(null);
    try {
      if (action === "delete") await client.comments.delete.mutate({ id });
      else await client.comments.setHidden.mutate({ id, hidden: action === "hide" });
      setMessage({
        tone: "success",
        text:
          action === "delete"
            ? "Comment deleted."
            : action === "hide"
              ? "Comment hidden from readers."
              : "Comment shown again.",
      });
      await list.refetch();
    } catch (error) {
      setMessage({ tone: "error", text: messageOf(error) });
    } finally {
      setBusy(null);
    }
  };

  if (list.isPending) {
    return (
      <div className="flex items-center gap-2 text-sm text-muted">
        <Spinner className="size-4" /> Loading comments…
      </div>
    );
  }
  if (list.isError) return <StatusMessage tone="error">{messageOf(list.error)}</StatusMessage>;
  const items = list.data ?? [];
  if (!items.length) {
    return (
      <EmptyState title="No comments yet">
        When readers comment on your posts, their comments appear here for you to review.
      </EmptyState>
    );
  }
  return (
    <div className="space-y-4">
      <StatusMessage tone={message?.tone ?? "success"}>{message?.text ?? ""}</StatusMessage>
      <Card className="p-0">
        <ul className="divide-y divide-line">
          {items.map((c) => (
            <li key={c.id} className="flex flex-col gap-2 px-4 py-4 sm:flex-row sm:items-start sm:px-5">
              <div className="min-w-0 flex-1">
                <p className="text-sm text-muted">
                  <span className="font-medium text-ink">{c.authorName}</span> on{" "}
                  <a
                    href={`${blogUrl}/${c.postSlug}#comment-${c.id}`}
                    className="font-medium text-accent underline-offset-4 hover:underline"
                    target="_blank"
                    rel="noreferrer"
                  >
                    {c.postTitle}
                  </a>{" "}
                  · {when.format(new Date(c.createdAt))}
                  {c.parentId ? " · reply" : ""}
                  {c.hidden ? (
                    <span className="ml-2 rounded-full bg-warning-soft px-2 py-0.5 text-xs font-medium text-warning">
                      Hidden
                    </span>
                  ) : null}
                </p>
                <p className={`mt-1 whitespace-pre-wrap break-words ${c.hidden ? "text-muted" : "text-ink"}`}>
                  {c.body}
                </p>
              </div>
              {canModerate ? (
                <div className="flex shrink-0 gap-2">
                  <Button
                    size="sm"
                    variant="secondary"
                    loading={busy === c.id}
                    onClick={() => void act(c.id, c.hidden ? "show" : "hide")}
                  >
                    {c.hidden ? "Show" : "Hide"}
                  </Button>
                  <Button
                    size="sm"
                    variant="danger"
                    disabled={busy === c.id}
                    onClick={() => void act(c.id, "delete")}
                  >
                    Delete
                  </Button>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
