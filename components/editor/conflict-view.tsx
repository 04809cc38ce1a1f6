"use client";

import { plainTextBlocks } from "@/server/services/posts/plain-text";
import type { EditorPost } from "@/server/services/posts/post-dto";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";
import { foldUnchanged } from "./fold-unchanged";

const time = new Intl.DateTimeFormat(undefined, { timeStyle: "short", dateStyle: "medium" });

function Version({
  heading,
  meta,
  title,
  content,
  other,
  tone,
}: {
  heading: string;
  meta: string;
  title: string;
  content: unknown;
  other: Set<string>;
  tone: "mine" | "theirs";
}) {
  const blocks = plainTextBlocks(content);
  return (
    <section aria-label={heading} className="flex min-w-0 flex-col rounded-card border border-line bg-paper">
      <header className="border-b border-line px-4 py-3">
        <p className="text-sm font-semibold text-ink">{heading}</p>
        <p className="text-xs text-muted">{meta}</p>
      </header>
      <div className="max-h-[30dvh] md:max-h-[40dvh] space-y-3 overflow-y-auto px-4 py-4 font-serif text-[0.975rem] leading-relaxed text-ink">
        <p
          className={cn(
            "font-semibold text-lg",
            !other.has(`title:${title}`) && "rounded bg-warning-soft px-1",
          )}
        >
          {title || "Untitled"}
        </p>
        {blocks.length === 0 ? <p className="text-muted italic">Empty</p> : null}
        {foldUnchanged(blocks, other).map((row) =>
          row.kind === "gap" ? (
            <p key={row.at} className="font-sans text-xs text-muted">
              ⋯ {row.count} paragraphs the same in both ⋯
            </p>
          ) : (
            <p
              key={row.at}
              data-changed={row.changed || undefined}
              className={cn(
                "whitespace-pre-wrap",
                row.block.kind === "heading" && "font-semibold",
                row.block.kind === "code" && "font-mono text-sm",
                row.changed &&
                  (tone === "mine" ? "rounded bg-accent-soft px-1" : "rounded bg-warning-soft px-1"),
              )}
            >
              {row.block.kind === "list-item" ? "• " : ""}
              {row.block.text}
            </p>
          ),
        )}
      </div>
    </section>
  );
}

/**
 * Two versions side by side when someone saved this post first: the writer keeps theirs, keeps
 * their own, or merges (their version plus every paragraph only this tab has). It doesn't take
 * the focus or block the page — typing simply goes on in the editor (kept in the local copy,
 * shown live in "Your version") until the writer chooses; nothing is saved over anyone meanwhile.
 */
export function ConflictView({
  mine,
  theirs,
  onKeepMine,
  onKeepTheirs,
  onMerge,
}: {
  mine: { title: string; content: unknown };
  theirs: EditorPost;
  onKeepMine: () => void;
  onKeepTheirs: () => void;
  onMerge: () => void;
}) {
  const mineTexts = new Set([`title:${mine.title}`, ...plainTextBlocks(mine.content).map((b) => b.text)]);
  const theirTexts = new Set([
    `title:${theirs.title}`,
    ...plainTextBlocks(theirs.content).map((b) => b.text),
  ]);
  return (
    <section
      role="dialog"
      aria-modal="false"
      aria-labelledby="conflict-title"
      aria-describedby="conflict-description"
      className="fixed inset-x-2 bottom-2 z-50 mx-auto flex max-h-[75dvh] max-w-6xl flex-col rounded-card border border-danger/30 bg-surface shadow-pop sm:inset-x-4 sm:bottom-4"
    >
      <div className="border-b border-line px-5 py-4">
        <h2 id="conflict-title" className="text-base font-semibold text-ink">
          This post was changed somewhere else
        </h2>
        <p id="conflict-description" className="mt-0.5 text-sm text-muted">
          Someone (or another tab) saved a newer version while you were writing. Nothing is lost — you can
          keep typing — choose what to keep.
        </p>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto px-5 py-4">
        <div className="grid gap-4 md:grid-cols-2">
          <Version
            heading="Your version"
            meta="In this tab, not saved yet"
            title={mine.title}
            content={mine.content}
            other={theirTexts}
            tone="mine"
          />
          <Version
            heading="Saved version"
            meta={`Saved ${time.format(new Date(theirs.updatedAt))} · version ${theirs.version}`}
            title={theirs.title}
            content={theirs.content}
            other={mineTexts}
            tone="theirs"
          />
        </div>
        <p className="mt-3 text-xs text-muted">
          Highlighted paragraphs are only in that version. “Merge both” keeps the saved version and adds your
          paragraphs it doesn't have, in your order — then you can tidy up.
        </p>
      </div>
      <div className="flex flex-col-reverse gap-2 border-t border-line px-5 py-3.5 sm:flex-row sm:justify-end">
        <Button variant="secondary" onClick={onKeepTheirs}>
          Keep the saved version
        </Button>
        <Button variant="secondary" onClick={onMerge}>
          Merge both
        </Button>
        <Button onClick={onKeepMine}>Keep my version</Button>
      </div>
    </section>
  );
}
