import { cn } from "./cn";

const palette = [
  "bg-emerald-700",
  "bg-sky-700",
  "bg-violet-700",
  "bg-rose-700",
  "bg-amber-700",
  "bg-teal-700",
];

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters =
    words.length > 1 ? [words[0]![0], words[words.length - 1]![0]] : [...(words[0] ?? "?")].slice(0, 2);
  return letters.join("").toUpperCase();
}

/** Initials on a colour picked from the name, so the same person always looks the same. */
export function Avatar({
  name,
  size = "md",
  className,
}: {
  name: string;
  size?: "sm" | "md" | "lg";
  className?: string;
}) {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  const colour = palette[Math.abs(hash) % palette.length];
  const sizes = { sm: "size-7 text-xs", md: "size-9 text-sm", lg: "size-12 text-base" };
  return (
    <span
      aria-hidden="true"
      className={cn(
        "inline-flex shrink-0 items-center justify-center rounded-full font-semibold text-white select-none",
        colour,
        sizes[size],
        className,
      )}
    >
      {initials(name)}
    </span>
  );
}
