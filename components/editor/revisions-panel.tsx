"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { messageOf } from "../forms/errors";
import { useTRPC } from "../trpc/client";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";
import { Spinner } from "../ui/spinner";
import { StatusMessage } from "../ui/status";
import { Dialog } from "./dialog";

/** Each diff part with its character offset: a stable key that isn't an array index. */
function withOffsets<T extends { text: string }>(parts: T[]): { part: T; at: string }[] {
  let at = 0;
  return parts.map((part) => {
    const key = `${at}`;
    at += part.text.length + 1;
    return { part, at: key };
  });
}

/** A long unchanged stretch: its opening and its end, cut between words, around "…". */
function elide(text: string, max = 240, keep = 100): string {
  if (text.length <= max) return text;
  const head = text.slice(0, keep).replace(/\s+\S*$/, "");
  const tail = text.slice(-keep).replace(/^\S*\s+/, "");
  return `${head} … ${tail}`;
}

const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const reasonLabel = { autosave: "Edited", publish: "Published", restore: "Restored" } as const;
const reasonTone = { autosave: "neutral", publish: "success", restore: "accent" } as const;

/** The post's history: who changed it when, what changed since, and a one-click restore. */
export function RevisionsPanel({
  open,
  onClose,
  postId,
  version,
  onRestore,
  readOnly,
}: {
  open: boolean;
  onClose: () => void;
  postId: string;
  version: number;
  onRestore: (revisionId: string) => Promise<void>;
  readOnly: boolean;
}) {
  const trpc = useTRPC();
  const [selected, setSelected] = useState<string | null>(null);
  const [restoring, setRestoring] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const list = useQuery({
    ...trpc.posts.revisions.queryOptions({ id: postId }),
    enabled: open,
    staleTime: 0,
  });
  const diff = useQuery({
    ...trpc.posts.revisionDiff.queryOptions({
      id: postId,
      revisionId: selected ?? "000000000000000000000000",
    }),
    enabled: open && selected !== null,
    staleTime: 0,
  });

  return (
    <Dialog
      open={open}
      onClose={() => {
        setSelected(null);
        onClose();
      }}
      side
      title="Revisions"
      description="Autosaves are kept every few minutes, plus every publish. Restoring makes a new revision."
    >
      {list.isPending ? (
        <p className="flex items-center gap-2 text-sm text-muted">
          <Spinner /> Loading history…
        </p>
      ) : list.error ? (
        <StatusMessage tone="error">{messageOf(list.error)}</StatusMessage>
      ) : (
        <ol className="space-y-2" aria-label="Revisions, newest first">
          {list.data.map((rev, i) => {
            const isCurrent = i === 0 && rev.version === version;
            const active = selected === rev.id;
            return (
              <li key={rev.id}>
                <button
                  type="button"
                  onClick={() => setSelected(active ? null : rev.id)}
                  aria-expanded={active}
                  className={cn(
                    "w-full rounded-lg border px-3 py-2.5 text-left transition-colors",
                    active
                      ? "border-accent bg-accent-soft/40"
                      : "border-line hover:border-line-strong hover:bg-stone-50",
                  )}
                >
                  <span className="flex items-center justify-between gap-2">
                    <span className="text-sm font-medium text-ink">
                      {when.format(new Date(rev.updatedAt))}
                    </span>
                    <Badge tone={reasonTone[rev.reason]}>
                      {isCurrent ? "Current" : reasonLabel[rev.reason]}
                    </Badge>
                  </span>
                  <span className="mt-0.5 block truncate text-xs text-muted">
                    {rev.authorName} · {rev.title || "Untitled"}
                    {rev.wordCount !== null ? ` · ${rev.wordCount} words` : ""}
                  </span>
                </button>
                {active ? (
                  <div className="mt-2 rounded-lg border border-line bg-paper p-3">
                    {diff.isPending ? (
                      <p className="flex items-center gap-2 text-sm text-muted">
                        <Spinner /> Comparing…
                      </p>
                    ) : diff.data ? (
                      <>
                        <p className="mb-2 text-xs font-medium tracking-wide text-muted uppercase">
                          Changes since this revision
                        </p>
                        <div className="max-h-72 overflow-y-auto font-serif text-sm leading-relaxed whitespace-pre-wrap text-ink">
                          {diff.data.parts.every((p) => p.kind === "same") ? (
                            <span className="font-sans text-muted">Same as the current text.</span>
                          ) : (
                            withOffsets(diff.data.parts).map(({ part: p, at: n }) =>
                              p.kind === "same" ? (
                                <span key={n}>{elide(p.text)}</span>
                              ) : p.kind === "removed" ? (
                                <ins
                                  key={n}
                                  className="rounded bg-success-soft px-0.5 text-success no-underline"
                                  title="In this revision, not in the current text"
                                >
                                  {p.text}
                                </ins>
                              ) : (
                                <del
                                  key={n}
                                  className="rounded bg-danger-soft px-0.5 text-danger"
                                  title="Added since this revision"
                                >
                                  {p.text}
                                </del>
                              ),
                            )
                          )}
                        </div>
                        <p className="mt-2 text-xs text-muted">
                          <span className="rounded bg-success-soft px-1 text-success">green</span> comes back,{" "}
                          <span className="rounded bg-danger-soft px-1 text-danger line-through">red</span>{" "}
                          goes, if you restore.
                        </p>
                        <StatusMessage tone="error" className="mt-2">
                          {error}
                        </StatusMessage>
                        {!readOnly && !isCurrent ? (
                          <Button
                            size="sm"
                            className="mt-3"
                            loading={restoring}
                            loadingText="Restoring…"
                            onClick={async () => {
                              setRestoring(true);
                              setError(null);
                              try {
                                await onRestore(rev.id);
                                setSelected(null);
                                await list.refetch();
                              } catch (err) {
                                setError(messageOf(err, "Couldn't restore that revision."));
                              } finally {
                                setRestoring(false);
                              }
                            }}
                          >
                            Restore this version
                          </Button>
                        ) : null}
                      </>
                    ) : (
                      <StatusMessage tone="error">{diff.error ? messageOf(diff.error) : null}</StatusMessage>
                    )}
                  </div>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
    </Dialog>
  );
}
