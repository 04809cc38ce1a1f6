import { cn } from "./cn";

/** Decorative; pair it with visible text or an aria-live status that says what is happening. */
export function Spinner({ className }: { className?: string }) {
  return (
    <span
      aria-hidden="true"
      className={cn(
        "inline-block size-4 animate-spin rounded-full border-2 border-current border-r-transparent align-[-0.125em]",
        className,
      )}
    />
  );
}
