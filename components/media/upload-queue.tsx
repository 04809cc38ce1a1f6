"use client";

import { useCallback, useState } from "react";
import { cn } from "../ui/cn";
import { Spinner } from "../ui/spinner";
import type { UploadPhase } from "./upload-file";

export interface QueuedUpload {
  id: string;
  name: string;
  phase: UploadPhase;
  progress: number;
  error?: string;
}

/** Files being uploaded, with their phase; finished ones drop out after a moment. */
export function useUploadQueue<Result>(
  upload: (file: File, onPhase: (phase: UploadPhase, progress: number) => void) => Promise<Result>,
  onDone: (result: Result) => void,
) {
  const [items, setItems] = useState<QueuedUpload[]>([]);
  const patch = useCallback((id: string, change: Partial<QueuedUpload>) => {
    setItems((all) => all.map((i) => (i.id === id ? { ...i, ...change } : i)));
  }, []);

  const add = useCallback(
    (files: Iterable<File>) => {
      for (const file of files) {
        const id = `${file.name}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
        setItems((all) => [...all, { id, name: file.name || "image", phase: "uploading", progress: 0 }]);
        upload(file, (phase, progress) => patch(id, { phase, progress }))
          .then((result) => {
            onDone(result);
            setTimeout(() => setItems((all) => all.filter((i) => i.id !== id)), 1500);
          })
          .catch((error: unknown) =>
            patch(id, {
              phase: "error",
              error: error instanceof Error ? error.message : "The upload failed. Please try again.",
            }),
          );
      }
    },
    [upload, onDone, patch],
  );

  const dismiss = useCallback((id: string) => setItems((all) => all.filter((i) => i.id !== id)), []);
  return { items, add, dismiss };
}

const phaseLabel: Record<UploadPhase, string> = {
  uploading: "Uploading",
  processing: "Making sizes…",
  done: "Ready",
  error: "Failed",
};

/** One row per upload: a labelled progress bar (announced), or the reason it failed. */
export function UploadProgressList({
  items,
  onDismiss,
}: {
  items: QueuedUpload[];
  onDismiss: (id: string) => void;
}) {
  if (!items.length) return null;
  return (
    <ul aria-label="Uploads" className="space-y-2">
      {items.map((item) => {
        const percent = Math.round(item.progress * 100);
        return (
          <li key={item.id} className="rounded-lg border border-line bg-surface px-3.5 py-2.5 shadow-card">
            <div className="flex items-center gap-3 text-sm">
              {item.phase === "uploading" || item.phase === "processing" ? (
                <Spinner className="size-3.5 text-accent" />
              ) : null}
              <span className="min-w-0 flex-1 truncate font-medium text-ink">{item.name}</span>
              <span
                className={cn("shrink-0 tabular-nums", item.phase === "error" ? "text-danger" : "text-muted")}
                aria-live="polite"
              >
                {item.phase === "uploading" ? `${percent}%` : phaseLabel[item.phase]}
              </span>
              {item.phase === "error" ? (
                <button
                  type="button"
                  onClick={() => onDismiss(item.id)}
                  className="shrink-0 rounded px-1.5 text-muted hover:bg-stone-100 hover:text-ink"
                  aria-label={`Dismiss ${item.name}`}
                >
                  ×
                </button>
              ) : null}
            </div>
            {item.phase === "error" ? (
              <p className="mt-1 text-sm text-danger">{item.error}</p>
            ) : (
              <div
                role="progressbar"
                aria-label={`Uploading ${item.name}`}
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={percent}
                className="mt-2 h-1.5 overflow-hidden rounded-full bg-stone-100"
              >
                <div
                  className={cn(
                    "h-full rounded-full transition-[width] duration-200",
                    item.phase === "done" ? "bg-success" : "bg-accent",
                    item.phase === "processing" && "animate-pulse",
                  )}
                  style={{ width: `${percent}%` }}
                />
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * Like `useUploadQueue`, for callers that need each upload's result as a promise (the editor's
 * image hook): `track(file, run)` shows the upload's progress and passes its result through.
 */
export function useUploadTracker() {
  const [items, setItems] = useState<QueuedUpload[]>([]);
  const patch = useCallback((id: string, change: Partial<QueuedUpload>) => {
    setItems((all) => all.map((i) => (i.id === id ? { ...i, ...change } : i)));
  }, []);
  const dismiss = useCallback((id: string) => setItems((all) => all.filter((i) => i.id !== id)), []);
  const track = useCallback(
    async <T,>(
      file: File,
      run: (onPhase: (phase: UploadPhase, progress: number) => void) => Promise<T>,
    ): Promise<T> => {
      const id = `${file.name}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      setItems((all) => [...all, { id, name: file.name || "image", phase: "uploading", progress: 0 }]);
      try {
        const result = await run((phase, progress) => patch(id, { phase, progress }));
        setTimeout(() => dismiss(id), 2500);
        return result;
      } catch (error) {
        patch(id, {
          phase: "error",
          error: error instanceof Error ? error.message : "The upload failed. Please try again.",
        });
        throw error;
      }
    },
    [patch, dismiss],
  );
  return { items, track, dismiss };
}
