import Link from "next/link";
import { conceptSlug } from "@/server/services/ingestion/concepts";
import { cn } from "../ui/cn";

/** A key concept, linking to the posts that share it across blogs. */
export function ConceptChip({ concept, active = false }: { concept: string; active?: boolean }) {
  return (
    <Link
      href={`/concepts/${encodeURIComponent(conceptSlug(concept))}`}
      className={cn(
        "inline-flex items-center rounded-full border px-2.5 py-0.5 text-xs font-medium transition-colors",
        active
          ? "border-accent bg-accent text-white"
          : "border-line bg-surface text-ink-soft hover:border-accent/40 hover:bg-accent-soft hover:text-accent",
      )}
    >
      {concept}
    </Link>
  );
}
