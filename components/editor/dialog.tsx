"use client";

import { type ReactNode, useEffect, useId, useRef } from "react";
import { cn } from "../ui/cn";

/**
 * A modal on the native <dialog> (focus trap, Escape, inert page for free). `side` makes it a
 * drawer on the right (full screen on phones).
 */
export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  footer,
  side = false,
  wide = false,
  className,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
  side?: boolean;
  wide?: boolean;
  className?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the native dialog closes on Escape (onCancel)
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      // A click on the backdrop (the dialog element itself) closes it; Escape is handled by onCancel.
      onClick={(e) => {
        if (e.target === ref.current) onClose();
      }}
      className={cn(
        "bg-surface text-ink shadow-pop backdrop:bg-stone-900/40 backdrop:backdrop-blur-[2px]",
        side
          ? "m-0 ml-auto h-dvh max-h-dvh w-full max-w-md border-l border-line sm:rounded-l-card"
          : cn(
              "m-auto w-[calc(100vw-1.5rem)] rounded-card border border-line",
              wide ? "max-w-6xl" : "max-w-lg",
            ),
        className,
      )}
    >
      {open ? (
        <div className={cn("flex flex-col", side ? "h-full" : "max-h-[85dvh]")}>
          <div className="flex items-start justify-between gap-4 border-b border-line px-5 py-4">
            <div className="min-w-0">
              <h2 id={titleId} className="text-base font-semibold text-ink">
                {title}
              </h2>
              {description ? <p className="mt-0.5 text-sm text-muted">{description}</p> : null}
            </div>
            <button
              type="button"
              onClick={onClose}
              className="-mr-1.5 rounded-md p-1.5 text-muted hover:bg-stone-100 hover:text-ink"
              aria-label="Close"
            >
              <svg
                viewBox="0 0 16 16"
                aria-hidden="true"
                className="size-4 fill-none stroke-current stroke-2"
              >
                <path d="m4 4 8 8M12 4l-8 8" strokeLinecap="round" />
              </svg>
            </button>
          </div>
          <div className="min-h-0 flex-1 overflow-y-auto px-5 py-4">{children}</div>
          {footer ? (
            <div className="flex flex-col-reverse gap-2 border-t border-line px-5 py-3.5 sm:flex-row sm:justify-end">
              {footer}
            </div>
          ) : null}
        </div>
      ) : null}
    </dialog>
  );
}
