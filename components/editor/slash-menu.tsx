"use client";

import { useSyncExternalStore } from "react";
import { cn } from "../ui/cn";
import type { SlashStore } from "./slash-commands";

/** The "/" command menu, positioned under the caret. */
export function SlashMenu({ store }: { store: SlashStore }) {
  const state = useSyncExternalStore(store.subscribe, store.get, () => null);
  if (!state?.rect) return null;
  const top = Math.min(state.rect.bottom + 6, window.innerHeight - 320);
  const left = Math.min(state.rect.left, window.innerWidth - 272);
  return (
    <div
      role="listbox"
      aria-label="Insert a block"
      className="fixed z-50 max-h-80 w-64 overflow-y-auto rounded-card border border-line bg-surface p-1.5 shadow-pop"
      style={{ top, left: Math.max(8, left) }}
    >
      {state.items.length === 0 ? (
        <p className="px-3 py-2 text-sm text-muted">No matching block</p>
      ) : (
        state.items.map((item, i) => (
          <button
            key={item.id}
            type="button"
            role="option"
            aria-selected={i === state.selected}
            onMouseDown={(e) => {
              e.preventDefault();
              state.choose(item);
            }}
            className={cn(
              "flex w-full items-center gap-3 rounded-md px-2 py-1.5 text-left",
              i === state.selected ? "bg-accent-soft" : "hover:bg-stone-50",
            )}
          >
            <span
              aria-hidden="true"
              className="flex size-8 shrink-0 items-center justify-center rounded-md border border-line bg-paper font-mono text-xs font-semibold text-ink-soft"
            >
              {item.icon}
            </span>
            <span className="min-w-0">
              <span className="block text-sm font-medium text-ink">{item.label}</span>
              <span className="block truncate text-xs text-muted">{item.hint}</span>
            </span>
          </button>
        ))
      )}
    </div>
  );
}
