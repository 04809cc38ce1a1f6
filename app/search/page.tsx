import type { Metadata } from "next";
import { SiteFooter } from "@/components/layout/site-footer";
import { SiteHeader } from "@/components/layout/site-header";
import { ResultCard } from "@/components/search/result-card";
import { MODE_LABELS, SearchForm } from "@/components/search/search-form";
import { currentUser } from "@/components/session/current-user";
import { EmptyState } from "@/components/ui/empty-state";
import { getServices } from "@/server/services/container";
import {
  type SearchAnswer,
  type SearchMode,
  searchQuerySchema,
} from "@/server/services/search/search-service";

export const dynamic = "force-dynamic";

export async function generateMetadata({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}): Promise<Metadata> {
  const q = first((await searchParams).q);
  return { title: q ? `“${q}” — Search` : "Search every blog" };
}

function first(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? "";
}

const SUGGESTIONS = [
  "feline companions",
  "learning to bake",
  "databases under load",
  "walking in the mountains",
];

/** Search across every blog on the network: by words, by meaning, or both (root domain). */
export default async function SearchPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const params = await searchParams;
  const q = first(params.q);
  const modeParam = first(params.mode);
  const mode: SearchMode = modeParam === "semantic" || modeParam === "keyword" ? modeParam : "hybrid";
  const tag = first(params.tag) || undefined;
  const tenant = first(params.tenant) || undefined;
  const services = getServices();
  const [user, blogs] = await Promise.all([currentUser(), services.tenants.directory(200).catch(() => [])]);

  let answer: SearchAnswer | null = null;
  let problem: string | null = null;
  if (q) {
    const parsed = searchQuerySchema.safeParse({ q, mode, tag, tenant, limit: 20 });
    if (!parsed.success) problem = parsed.error.issues[0]?.message ?? "That search could not be read.";
    else if (!services.pipeline.search) problem = "Search is not configured on this server yet.";
    else {
      answer = await services.pipeline.search.search(parsed.data).catch(() => {
        problem = "Search is not answering right now. Please try again in a moment.";
        return null;
      });
    }
  }

  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="min-h-[70vh]">
        <section className="border-b border-line bg-[radial-gradient(ellipse_at_top_left,var(--color-accent-soft),transparent_60%)]">
          <div className="mx-auto max-w-4xl px-4 pt-10 pb-8 sm:px-6 sm:pt-16">
            <p className="text-sm font-semibold tracking-wide text-accent uppercase">Search the network</p>
            <h1 className="mt-3 font-serif text-3xl font-semibold tracking-tight text-ink sm:text-5xl">
              Find posts by what they mean
            </h1>
            <p className="mt-3 max-w-2xl text-base text-ink-soft">
              Every blog on Conduit, searched by your words and by their meaning — a post about tabbies
              answers a search for “feline companions”.
            </p>
            <div className="mt-8">
              <SearchForm
                q={q}
                mode={mode}
                tag={tag}
                tenant={tenant}
                blogs={blogs.map((b) => ({ slug: b.slug, name: b.name }))}
              />
            </div>
          </div>
        </section>

        <section aria-live="polite" className="mx-auto max-w-4xl px-4 py-8 sm:px-6 sm:py-10">
          {!q ? (
            <div>
              <h2 className="text-sm font-semibold text-muted">Try one of these</h2>
              <ul className="mt-3 flex flex-wrap gap-2">
                {SUGGESTIONS.map((s) => (
                  <li key={s}>
                    <a
                      href={`/search?q=${encodeURIComponent(s)}`}
                      className="inline-flex rounded-full border border-line bg-surface px-3.5 py-1.5 text-sm text-ink-soft shadow-card hover:border-accent/40 hover:text-accent"
                    >
                      {s}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          ) : problem ? (
            <EmptyState title="Search is unavailable" icon={<span aria-hidden="true">!</span>}>
              {problem}
            </EmptyState>
          ) : answer && answer.items.length === 0 ? (
            <EmptyState title={`Nothing matches “${q}”`} icon={<span aria-hidden="true">?</span>}>
              {answer.usedMode !== answer.mode
                ? "The meaning model is still warming up, so this searched exact words only. Try again in a few seconds. "
                : null}
              {mode === "keyword"
                ? "No post uses those words. Try searching by meaning instead — it finds posts that say it differently."
                : "Try fewer or broader words, or search every blog."}
              {mode === "keyword" ? (
                <p className="mt-4">
                  <a
                    className="font-medium text-accent hover:underline"
                    href={`/search?q=${encodeURIComponent(q)}&mode=semantic`}
                  >
                    Search “{q}” by meaning →
                  </a>
                </p>
              ) : null}
            </EmptyState>
          ) : answer ? (
            <>
              <div className="mb-5 flex flex-wrap items-baseline justify-between gap-2">
                <h2 className="text-base font-semibold text-ink">
                  {answer.items.length} {answer.items.length === 1 ? "result" : "results"}
                  <span className="font-normal text-muted">
                    {" "}
                    for “{q}”{tag ? ` tagged ${tag}` : ""}
                    {tenant ? ` on ${tenant}` : ""}
                  </span>
                </h2>
                <p className="text-xs text-muted" data-testid="search-took">
                  {MODE_LABELS[answer.usedMode].label}
                  {answer.usedMode !== answer.mode ? " (the meaning model is warming up)" : ""} ·{" "}
                  {answer.took} ms
                </p>
              </div>
              <ol className="flex flex-col gap-4" data-testid="search-results">
                {answer.items.map((item) => (
                  <ResultCard key={`${item.tenantId}:${item.postId}`} item={item} />
                ))}
              </ol>
            </>
          ) : null}
        </section>
      </main>
      <SiteFooter />
    </>
  );
}
