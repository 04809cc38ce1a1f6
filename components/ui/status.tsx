import type { ReactNode } from "react";
import { cn } from "./cn";

type Tone = "info" | "success" | "error";

const tones: Record<Tone, string> = {
  info: "border-line bg-surface text-ink-soft",
  success: "border-success/20 bg-success-soft text-success",
  error: "border-danger/20 bg-danger-soft text-danger",
};

/**
 * An inline message announced to screen readers. Errors interrupt (role=alert); everything else
 * is polite. Render it always (empty) where messages will appear so the live region exists first.
 */
export function StatusMessage({
  tone = "info",
  children,
  className,
}: {
  tone?: Tone;
  children?: ReactNode;
  className?: string;
}) {
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      aria-live={tone === "error" ? "assertive" : "polite"}
      className="empty:hidden"
    >
      {children ? (
        <div className={cn("rounded-lg border px-3.5 py-2.5 text-sm", tones[tone], className)}>
          {children}
        </div>
      ) : null}
    </div>
  );
}
