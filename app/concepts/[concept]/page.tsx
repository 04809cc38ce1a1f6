import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { SiteFooter } from "@/components/layout/site-footer";
import { SiteHeader } from "@/components/layout/site-header";
import { ResultCard } from "@/components/search/result-card";
import { currentUser } from "@/components/session/current-user";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { getServices } from "@/server/services/container";
import { conceptSlug } from "@/server/services/ingestion/concepts";
import type { SearchItem } from "@/server/services/search/search-service";

export const dynamic = "force-dynamic";

/** `/concepts/sourdough-starter` → "sourdough starter" (concepts are words joined by spaces). */
function conceptFrom(param: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(param);
  } catch {
    return null;
  }
  const slug = conceptSlug(decoded);
  return slug && slug.length <= 100 ? slug.replace(/-/g, " ") : null;
}

export async function generateMetadata({
  params,
}: {
  params: Promise<{ concept: string }>;
}): Promise<Metadata> {
  const concept = conceptFrom((await params).concept);
  return { title: concept ? `${concept} — posts across Conduit` : "Concept" };
}

/** Posts from every blog that share one key concept (found by the enrichment pipeline). */
export default async function ConceptPage({ params }: { params: Promise<{ concept: string }> }) {
  const concept = conceptFrom((await params).concept);
  if (!concept) notFound();
  const services = getServices();
  const user = await currentUser();
  let items: SearchItem[] = [];
  let problem: string | null = null;
  if (!services.pipeline.search) problem = "Search is not configured on this server yet.";
  else {
    // Concepts are stored as words ("sourdough starter"); hyphenated ones too ("write-heavy").
    const found = await Promise.all([
      services.pipeline.search.concept(concept, 30),
      concept.includes(" ")
        ? services.pipeline.search.concept(concept.replace(/ /g, "-"), 30)
        : Promise.resolve([]),
    ]).catch(() => null);
    if (!found) problem = "Search is not answering right now. Please try again in a moment.";
    else items = [...found[0], ...found[1]];
  }
  const blogs = new Set(items.map((i) => i.tenantSlug));
  const related = [...new Set(items.flatMap((i) => i.concepts))].filter((c) => c !== concept).slice(0, 12);

  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="min-h-[70vh]">
        <section className="border-b border-line bg-[radial-gradient(ellipse_at_top_right,var(--color-accent-soft),transparent_60%)]">
          <div className="mx-auto max-w-4xl px-4 pt-10 pb-10 sm:px-6 sm:pt-16">
            <p className="text-sm font-semibold tracking-wide text-accent uppercase">Concept</p>
            <h1 className="mt-3 font-serif text-4xl font-semibold tracking-tight text-ink capitalize sm:text-5xl">
              {concept}
            </h1>
            <p className="mt-3 text-base text-ink-soft" data-testid="concept-count">
              {items.length
                ? `${items.length} ${items.length === 1 ? "post" : "posts"} from ${blogs.size} ${blogs.size === 1 ? "blog" : "blogs"} share this idea.`
                : "Posts across every blog that share this idea."}
            </p>
            {related.length ? (
              <div className="mt-6">
                <h2 className="text-xs font-semibold tracking-wide text-muted uppercase">Often alongside</h2>
                <ul className="mt-2 flex flex-wrap gap-1.5">
                  {related.map((c) => (
                    <li key={c}>
                      <a
                        href={`/concepts/${encodeURIComponent(conceptSlug(c))}`}
                        className="inline-flex rounded-full border border-line bg-surface px-2.5 py-0.5 text-xs font-medium text-ink-soft hover:border-accent/40 hover:text-accent"
                      >
                        {c}
                      </a>
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </div>
        </section>
        <section className="mx-auto max-w-4xl px-4 py-8 sm:px-6 sm:py-10">
          {problem ? (
            <EmptyState title="Concepts are unavailable" icon={<span aria-hidden="true">!</span>}>
              {problem}
            </EmptyState>
          ) : items.length === 0 ? (
            <EmptyState
              title="No posts share this concept yet"
              icon={<span aria-hidden="true">∅</span>}
              action={
                <ButtonLink href={`/search?q=${encodeURIComponent(concept)}&mode=semantic`}>
                  Search “{concept}” by meaning
                </ButtonLink>
              }
            >
              Concepts come from the posts themselves once they are published and enriched.
            </EmptyState>
          ) : (
            <ol className="flex flex-col gap-4" data-testid="concept-results">
              {items.map((item) => (
                <ResultCard key={`${item.tenantId}:${item.postId}`} item={item} />
              ))}
            </ol>
          )}
        </section>
      </main>
      <SiteFooter />
    </>
  );
}
