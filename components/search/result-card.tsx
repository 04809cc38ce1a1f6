import type { SearchItem } from "@/server/services/search/search-service";
import { ConceptChip } from "./concept-chip";
import { Highlight } from "./highlight";

const dateFormat = new Intl.DateTimeFormat("en", { day: "numeric", month: "short", year: "numeric" });

/** One search result: blog, title, the matched words in context, the summary and the concepts. */
export function ResultCard({ item, showScore = false }: { item: SearchItem; showScore?: boolean }) {
  const published = item.publishedAt ? dateFormat.format(new Date(item.publishedAt)) : null;
  // The title is shown already; the other fragments show the matched words in context.
  const snippets = item.highlights.filter((h) => h.replace(/<\/?mark>/g, "") !== item.title);
  return (
    <li className="group rounded-card border border-line bg-surface p-5 shadow-card transition-shadow hover:shadow-pop sm:p-6">
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-muted">
        <a href={item.url.replace(/\/[^/]*$/, "")} className="font-semibold text-accent hover:underline">
          {item.tenantSlug}
        </a>
        {item.authorName ? (
          <>
            <span aria-hidden="true">·</span>
            <span>{item.authorName}</span>
          </>
        ) : null}
        {published ? (
          <>
            <span aria-hidden="true">·</span>
            <time dateTime={item.publishedAt ?? undefined}>{published}</time>
          </>
        ) : null}
        {showScore ? (
          <span className="ml-auto font-mono text-[11px] text-stone-400">{item.score.toFixed(4)}</span>
        ) : null}
      </div>
      <h3 className="mt-2 font-serif text-xl leading-snug font-semibold text-ink">
        <a href={item.url} className="hover:text-accent">
          {item.title || "Untitled"}
        </a>
      </h3>
      {snippets.length ? (
        <p className="mt-2 text-sm leading-relaxed text-ink-soft" data-testid="result-highlight">
          {snippets.slice(0, 2).map((h, i) => (
            <span key={h}>
              {i > 0 ? " … " : null}
              <Highlight fragment={h} />
            </span>
          ))}
        </p>
      ) : null}
      {item.summary ? (
        <p
          className="mt-3 border-l-2 border-accent/30 pl-3 text-sm leading-relaxed text-muted"
          data-testid="result-summary"
        >
          {item.summary}
        </p>
      ) : null}
      {item.concepts.length ? (
        <ul className="mt-4 flex flex-wrap gap-1.5" aria-label="Key concepts">
          {item.concepts.slice(0, 6).map((c) => (
            <li key={c}>
              <ConceptChip concept={c} />
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}
