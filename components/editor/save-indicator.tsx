"use client";

import { useEffect, useState } from "react";
import { cn } from "../ui/cn";
import type { SaveState } from "./use-autosave";

/** Label, and the part a phone's top bar leaves out (the text stays whole for screen readers). */
const labels: Record<SaveState, [string, string]> = {
  saved: ["Saved", ""],
  dirty: ["Unsaved", " changes"],
  saving: ["Saving…", ""],
  offline: ["Offline", " — retrying"],
  error: ["Couldn't save", " — retrying"],
  conflict: ["Conflict", ""],
};

const dots: Record<SaveState, string> = {
  saved: "bg-success",
  dirty: "bg-stone-400",
  saving: "bg-accent animate-pulse",
  offline: "bg-warning",
  error: "bg-danger",
  conflict: "bg-danger",
};

function ago(date: Date, now: number): string {
  const s = Math.round((now - date.getTime()) / 1000);
  if (s < 10) return "just now";
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min ago` : date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** "Saving… / Saved / Offline — retrying / Conflict", announced politely to screen readers. */
export function SaveIndicator({
  state,
  savedAt,
  errorText,
}: {
  state: SaveState;
  savedAt: Date | null;
  errorText?: string | null;
}) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(t);
  }, []);
  const title = state === "saved" && savedAt ? `Saved ${ago(savedAt, now)}` : (errorText ?? undefined);
  return (
    <span
      role="status"
      aria-live="polite"
      data-save-state={state}
      title={title}
      className={cn(
        "inline-flex items-center gap-1.5 rounded-full px-2 py-1 text-xs font-medium whitespace-nowrap",
        state === "conflict" || state === "error"
          ? "bg-danger-soft text-danger"
          : state === "offline"
            ? "bg-warning-soft text-warning"
            : "text-muted",
      )}
    >
      <span aria-hidden="true" className={cn("size-1.5 rounded-full", dots[state])} />
      {labels[state][0]}
      {labels[state][1] ? <span className="max-sm:sr-only">{labels[state][1]}</span> : null}
    </span>
  );
}
