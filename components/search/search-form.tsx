import Link from "next/link";
import type { SearchMode } from "@/server/services/search/search-service";
import { buttonClasses } from "../ui/button";
import { cn } from "../ui/cn";

export const MODE_LABELS: Record<SearchMode, { label: string; hint: string }> = {
  hybrid: { label: "Best match", hint: "Words and meaning together" },
  semantic: { label: "By meaning", hint: "Finds posts that say it in other words" },
  keyword: { label: "Exact words", hint: "Only posts that use your words" },
};

/** The search box (a plain GET form: works before any script loads) and the mode tabs. */
export function SearchForm({
  q,
  mode,
  tag,
  tenant,
  blogs,
}: {
  q: string;
  mode: SearchMode;
  tag?: string;
  tenant?: string;
  blogs: { slug: string; name: string }[];
}) {
  const href = (m: SearchMode) => {
    const p = new URLSearchParams();
    if (q) p.set("q", q);
    if (m !== "hybrid") p.set("mode", m);
    if (tag) p.set("tag", tag);
    if (tenant) p.set("tenant", tenant);
    return `/search?${p.toString()}`;
  };
  return (
    <div>
      <form action="/search" method="get" aria-label="Search" className="flex flex-col gap-3 sm:flex-row">
        <label htmlFor="search-q" className="sr-only">
          Search every blog
        </label>
        <div className="relative flex-1">
          <svg
            viewBox="0 0 24 24"
            aria-hidden="true"
            className="pointer-events-none absolute top-1/2 left-4 size-5 -translate-y-1/2 fill-none stroke-stone-400 stroke-2"
          >
            <circle cx="11" cy="11" r="7" />
            <path d="m20 20-3.5-3.5" strokeLinecap="round" />
          </svg>
          <input
            id="search-q"
            name="q"
            type="search"
            defaultValue={q}
            placeholder="Try “feline companions” or “slow bread”"
            maxLength={200}
            autoComplete="off"
            className="h-13 w-full rounded-xl border border-line-strong bg-surface pr-4 pl-12 text-base text-ink shadow-card placeholder:text-stone-400 focus:border-accent focus:outline-none focus-visible:outline-2 focus-visible:outline-accent/40"
          />
        </div>
        {mode !== "hybrid" ? <input type="hidden" name="mode" value={mode} /> : null}
        <select
          name="tenant"
          defaultValue={tenant ?? ""}
          aria-label="Blog"
          className="h-13 rounded-xl border border-line-strong bg-surface px-3 text-sm text-ink shadow-card sm:w-44"
        >
          <option value="">All blogs</option>
          {blogs.map((b) => (
            <option key={b.slug} value={b.slug}>
              {b.name}
            </option>
          ))}
        </select>
        {tag ? <input type="hidden" name="tag" value={tag} /> : null}
        <button type="submit" className={buttonClasses("primary", "lg", "h-13 rounded-xl")}>
          Search
        </button>
      </form>
      <nav aria-label="Search mode" className="mt-4 flex flex-wrap gap-2">
        {(Object.keys(MODE_LABELS) as SearchMode[]).map((m) => (
          <Link
            key={m}
            href={href(m)}
            aria-current={m === mode ? "page" : undefined}
            title={MODE_LABELS[m].hint}
            className={cn(
              "rounded-full border px-3.5 py-1.5 text-sm font-medium transition-colors",
              m === mode
                ? "border-ink bg-ink text-white"
                : "border-line bg-surface text-ink-soft hover:border-line-strong hover:text-ink",
            )}
          >
            {MODE_LABELS[m].label}
          </Link>
        ))}
      </nav>
    </div>
  );
}
