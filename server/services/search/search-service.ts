import { z } from "zod";
import type { IndexedPostHit, PostIndex, SearchFilters } from "./post-index";
import type { QueryEmbedder } from "./query-embedder";
import { reciprocalRankFusion } from "./rrf";

export const searchModes = ["hybrid", "semantic", "keyword"] as const;

/**
 * kNN always returns its k nearest posts, related or not. Elasticsearch scores cosine kNN as
 * (1 + cos) / 2; below 0.64 (cos ≈ 0.28) a post is not about the query (measured: "feline
 * companions" → cat posts 0.76–0.77, every other post ≤ 0.59), so it is left out.
 */
export const MIN_SEMANTIC_SCORE = 0.64;
export type SearchMode = (typeof searchModes)[number];

/** The query every edge validates (REST `GET /api/search`, tRPC `search.query`). */
export const searchQuerySchema = z.object({
  q: z.string().trim().min(1, "q is required").max(200, "q is at most 200 characters"),
  mode: z.enum(searchModes).default("hybrid"),
  tenant: z
    .string()
    .trim()
    .regex(/^[a-z0-9-]{1,63}$/, "tenant is a blog slug")
    .optional(),
  tag: z.string().trim().toLowerCase().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});
export type SearchQuery = z.input<typeof searchQuerySchema>;

/** One result: the feed item shape (ARCHITECTURE.md) plus score, summary, highlights, concepts. */
export interface SearchItem {
  tenantId: string;
  tenantSlug: string;
  postId: string;
  slug: string;
  title: string;
  excerpt: string;
  tags: string[];
  authorName: string;
  publishedAt: string | null;
  hotScore: number;
  url: string;
  score: number;
  summary: string;
  concepts: string[];
  highlights: string[];
}

export interface SearchAnswer {
  items: SearchItem[];
  /** Milliseconds spent answering, query embedding included. */
  took: number;
  mode: SearchMode;
  /** The mode actually used (semantic → keyword when the model was not ready in time). */
  usedMode: SearchMode;
  embeddingMs: number;
}

/**
 * Search across every blog (or one): keyword (BM25), semantic (kNN on the post embeddings) or
 * hybrid — both queries in parallel, fused by reciprocal rank here in the app.
 */
export class SearchService {
  constructor(
    private readonly deps: {
      index: PostIndex;
      embedder: QueryEmbedder;
    },
  ) {}

  get index(): PostIndex {
    return this.deps.index;
  }

  /** Loads the query model in the background, so the first reader's search is not the one that waits. */
  warm(): void {
    this.deps.embedder.warm();
  }

  async search(input: SearchQuery): Promise<SearchAnswer> {
    const started = performance.now();
    const query = searchQuerySchema.parse(input);
    const filters: SearchFilters = { tenantSlug: query.tenant, tag: query.tag };
    const depth = Math.max(query.limit * 3, 20);

    let usedMode: SearchMode = query.mode;
    let embeddingMs = 0;
    let vector: number[] | null = null;
    if (query.mode !== "keyword") {
      const embedded = await this.deps.embedder.embed(query.q);
      embeddingMs = embedded.ms;
      vector = embedded.vector;
      if (!vector) usedMode = "keyword";
    }

    let hits: { hit: IndexedPostHit; score: number }[];
    if (usedMode === "keyword") {
      hits = (await this.deps.index.keyword(query.q, filters, query.limit)).map((hit) => ({
        hit,
        score: hit.score,
      }));
    } else if (usedMode === "semantic") {
      hits = (await this.deps.index.semantic(vector ?? [], filters, query.limit))
        .filter((hit) => hit.score >= MIN_SEMANTIC_SCORE)
        .map((hit) => ({ hit, score: hit.score }));
    } else {
      const [keyword, semantic] = await Promise.all([
        this.deps.index.keyword(query.q, filters, depth),
        this.deps.index.semantic(vector ?? [], filters, depth),
      ]);
      hits = reciprocalRankFusion([keyword, semantic.filter((hit) => hit.score >= MIN_SEMANTIC_SCORE)])
        .slice(0, query.limit)
        .map(({ item, score }) => ({ hit: item, score }));
    }

    return {
      items: hits.map(({ hit, score }) => toItem(hit, score)),
      took: Math.round((performance.now() - started) * 10) / 10,
      mode: query.mode,
      usedMode,
      embeddingMs: Math.round(embeddingMs * 10) / 10,
    };
  }

  /** Posts across blogs sharing a key concept (`/concepts/<concept>`). */
  async concept(concept: string, limit = 30): Promise<SearchItem[]> {
    const hits = await this.deps.index.byConcept(concept.trim().toLowerCase(), limit);
    return hits.map((h) => toItem(h, 1));
  }
}

function toItem(hit: IndexedPostHit, score: number): SearchItem {
  return {
    tenantId: hit.tenantId,
    tenantSlug: hit.tenantSlug,
    postId: hit.postId,
    slug: hit.slug,
    title: hit.title,
    excerpt: hit.excerpt,
    tags: hit.tags,
    authorName: hit.authorName,
    publishedAt: hit.publishedAt,
    hotScore: hit.hotScore,
    url: hit.url,
    score: Math.round(score * 10_000) / 10_000,
    summary: hit.summary,
    concepts: hit.concepts,
    highlights: hit.highlights,
  };
}
