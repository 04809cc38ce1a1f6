"use client";

import { plainTextBlocks } from "@/server/services/posts/plain-text";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";
import { Dialog } from "./dialog";
import type { Conflict } from "./use-autosave";

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
      <div className="max-h-[50dvh] space-y-3 overflow-y-auto px-4 py-4 font-serif text-[0.975rem] leading-relaxed text-ink">
        <p
          className={cn(
            "font-semibold text-lg",
            !other.has(`title:${title}`) && "rounded bg-warning-soft px-1",
          )}
        >
          {title || "Untitled"}
        </p>
        {blocks.length === 0 ? <p className="text-muted italic">Empty</p> : null}
        {blocks.map((b, i) => (
          <p
            // biome-ignore lint/suspicious/noArrayIndexKey: a static rendering of two versions
            key={i}
            data-changed={!other.has(b.text) || undefined}
            className={cn(
              "whitespace-pre-wrap",
              b.kind === "heading" && "font-semibold",
              b.kind === "code" && "font-mono text-sm",
              !other.has(b.text) &&
                (tone === "mine" ? "rounded bg-accent-soft px-1" : "rounded bg-warning-soft px-1"),
            )}
          >
            {b.kind === "list-item" ? "• " : ""}
            {b.text}
          </p>
        ))}
      </div>
    </section>
  );
}

/**
 * Two versions side by side when someone saved this post first: the writer keeps theirs, keeps
 * their own, or merges (their version plus every paragraph only this tab has). Nothing is lost
 * until they choose; this tab's text also stays in the local copy meanwhile.
 */
export function ConflictView({
  conflict,
  onKeepMine,
  onKeepTheirs,
  onMerge,
}: {
  conflict: Conflict;
  onKeepMine: () => void;
  onKeepTheirs: () => void;
  onMerge: () => void;
}) {
  const mineTexts = new Set([
    `title:${conflict.mine.title}`,
    ...plainTextBlocks(conflict.mine.content).map((b) => b.text),
  ]);
  const theirTexts = new Set([
    `title:${conflict.theirs.title}`,
    ...plainTextBlocks(conflict.theirs.content).map((b) => b.text),
  ]);
  return (
    <Dialog
      open
      wide
      onClose={() => {}}
      title="This post was changed somewhere else"
      description="Someone (or another tab) saved a newer version while you were writing. Nothing is lost: choose what to keep."
      footer={
        <>
          <Button variant="secondary" onClick={onKeepTheirs}>
            Keep the saved version
          </Button>
          <Button variant="secondary" onClick={onMerge}>
            Merge both
          </Button>
          <Button onClick={onKeepMine}>Keep my version</Button>
        </>
      }
    >
      <div className="grid gap-4 md:grid-cols-2">
        <Version
          heading="Your version"
          meta="In this tab, not saved yet"
          title={conflict.mine.title}
          content={conflict.mine.content}
          other={theirTexts}
          tone="mine"
        />
        <Version
          heading="Saved version"
          meta={`Saved ${time.format(new Date(conflict.theirs.updatedAt))} · version ${conflict.theirs.version}`}
          title={conflict.theirs.title}
          content={conflict.theirs.content}
          other={mineTexts}
          tone="theirs"
        />
      </div>
      <p className="mt-3 text-xs text-muted">
        Highlighted paragraphs are only in that version. “Merge both” keeps the saved version and adds your
        paragraphs it doesn't have, in your order — then you can tidy up.
      </p>
    </Dialog>
  );
}
