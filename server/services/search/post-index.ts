import type { Client } from "@elastic/elasticsearch";
import { EMBEDDING_DIMS } from "../ingestion/embedder";

/** One indexed post: everything search results show, plus the embedding. Id `tenantId:postId`. */
export interface IndexedPost {
  tenantId: string;
  tenantSlug: string;
  postId: string;
  slug: string;
  url: string;
  title: string;
  excerpt: string;
  text: string;
  summary: string;
  tags: string[];
  concepts: string[];
  entities: string[];
  language: string;
  authorName: string;
  publishedAt: string | null;
  hotScore: number;
  version: number;
  embedding: number[];
}

export type IndexedPostHit = Omit<IndexedPost, "embedding" | "text"> & {
  id: string;
  score: number;
  highlights: string[];
};

export interface SearchFilters {
  tenantSlug?: string;
  tag?: string;
  concept?: string;
  excludeId?: string;
}

/**
 * Index refresh: real Elasticsearch makes writes searchable at its refresh interval (1 s by
 * default), which alone would break the 1 s publish-to-searchable target. The index refreshes
 * every 100 ms for other writers; the result consumer writes each batch in one bulk request with
 * `refresh: true` (one refresh per batch, not one wait per post), so "searchable" is stamped only
 * once a query can find the post (README › Search).
 */
export const REFRESH_INTERVAL = "100ms";

/** One operation of a bulk write: a post (re)indexed or removed. */
export type IndexOp = { index: IndexedPost } | { remove: { tenantId: string; postId: string } };

const MAPPINGS = {
  dynamic: "strict",
  properties: {
    tenantId: { type: "keyword" },
    tenantSlug: { type: "keyword" },
    postId: { type: "keyword" },
    slug: { type: "keyword" },
    url: { type: "keyword", index: false },
    title: { type: "text" },
    excerpt: { type: "text", index: false },
    text: { type: "text" },
    summary: { type: "text" },
    tags: { type: "keyword" },
    concepts: { type: "keyword" },
    entities: { type: "keyword" },
    language: { type: "keyword" },
    authorName: { type: "text" },
    publishedAt: { type: "date" },
    hotScore: { type: "float" },
    version: { type: "integer" },
    embedding: { type: "dense_vector", dims: EMBEDDING_DIMS, index: true, similarity: "cosine" },
  },
} as const;

const SOURCE_EXCLUDES = ["embedding", "text"];

/** The posts index: creation, writes and the two query kinds hybrid search fuses. */
export class PostIndex {
  private ready: Promise<void> | null = null;

  constructor(
    private readonly client: Client,
    readonly index: string,
  ) {}

  static id(tenantId: string, postId: string): string {
    return `${tenantId}:${postId}`;
  }

  /** Creates the index with its mapping when missing (memoized per process). */
  ensure(): Promise<void> {
    this.ready ??= (async () => {
      const exists = await this.client.indices.exists({ index: this.index });
      if (exists) return;
      try {
        await this.client.indices.create({
          index: this.index,
          settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: REFRESH_INTERVAL },
          mappings: MAPPINGS as never,
        });
      } catch (error) {
        if (!/resource_already_exists/i.test(String((error as Error)?.message))) throw error;
      }
    })().catch((error: unknown) => {
      this.ready = null;
      throw error;
    });
    return this.ready;
  }

  async upsert(doc: IndexedPost): Promise<void> {
    await this.ensure();
    await this.client.index({
      index: this.index,
      id: PostIndex.id(doc.tenantId, doc.postId),
      document: doc,
      refresh: "wait_for",
    });
  }

  /**
   * Writes the operations in order in one bulk request and refreshes once, so every one is
   * searchable when this resolves. Throws when any operation failed (the caller retries the batch;
   * every operation is idempotent). A removal of a missing post is not a failure.
   */
  async bulk(ops: IndexOp[]): Promise<void> {
    if (ops.length === 0) return;
    await this.ensure();
    const operations: object[] = [];
    for (const op of ops) {
      if ("index" in op) {
        operations.push({
          index: { _index: this.index, _id: PostIndex.id(op.index.tenantId, op.index.postId) },
        });
        operations.push(op.index);
      } else {
        operations.push({
          delete: { _index: this.index, _id: PostIndex.id(op.remove.tenantId, op.remove.postId) },
        });
      }
    }
    const res = await this.client.bulk({ operations, refresh: true });
    if (!res.errors) return;
    const failed = res.items
      .map((item) => Object.values(item)[0])
      .filter((r) => r?.error && !(r.status === 404 && r.result === "not_found"));
    if (failed.length > 0) {
      throw new Error(
        `bulk index: ${failed.length} of ${ops.length} failed: ${JSON.stringify(failed[0]?.error)}`,
      );
    }
  }

  /** The indexed version of each post (absent when not indexed), from one multi-get. */
  async versions(keys: { tenantId: string; postId: string }[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (keys.length === 0) return out;
    await this.ensure();
    const res = await this.client.mget<IndexedPost>({
      index: this.index,
      ids: keys.map((k) => PostIndex.id(k.tenantId, k.postId)),
      _source_includes: ["version"],
    });
    for (const d of res.docs) {
      if ("found" in d && d.found && d._source) out.set(d._id, d._source.version ?? 0);
    }
    return out;
  }

  /** Removes one post; a version (from its tombstone) keeps a newer re-publish in place. */
  async remove(tenantId: string, postId: string, version?: number): Promise<void> {
    await this.ensure();
    const id = PostIndex.id(tenantId, postId);
    if (version !== undefined) {
      const current = await this.client.get<IndexedPost>(
        { index: this.index, id, _source_includes: ["version"] },
        { ignore: [404] },
      );
      if (current.found && (current._source?.version ?? 0) > version) return;
    }
    await this.client.delete({ index: this.index, id, refresh: "wait_for" }, { ignore: [404] });
  }

  /** Removes every post of a tenant (tenant deletion). */
  async removeTenant(tenantId: string): Promise<number> {
    await this.ensure();
    let removed = 0;
    for (;;) {
      const page = await this.client.search<IndexedPost>({
        index: this.index,
        size: 500,
        query: { term: { tenantId } },
        _source: false,
      });
      const ids = page.hits.hits.map((h) => h._id).filter((id): id is string => Boolean(id));
      if (ids.length === 0) return removed;
      await this.client.bulk({
        refresh: "wait_for",
        operations: ids.map((id) => ({ delete: { _index: this.index, _id: id } })),
      });
      removed += ids.length;
    }
  }

  /** Deletes the whole index (reindex); the next write creates it again. */
  async drop(): Promise<void> {
    await this.client.indices.delete({ index: this.index }, { ignore: [404] });
    this.ready = null;
  }

  /** The stored embedding of one post (related posts are recomputed from it after a reindex). */
  async embeddingOf(tenantId: string, postId: string): Promise<number[] | null> {
    await this.ensure();
    const res = await this.client.get<IndexedPost>(
      { index: this.index, id: PostIndex.id(tenantId, postId), _source_includes: ["embedding"] },
      { ignore: [404] },
    );
    return res.found ? (res._source?.embedding ?? null) : null;
  }

  async count(): Promise<number> {
    await this.ensure();
    return (await this.client.count({ index: this.index })).count;
  }

  /** BM25 over title, summary, body, tags and concepts, with highlights. */
  async keyword(q: string, filters: SearchFilters, size: number): Promise<IndexedPostHit[]> {
    await this.ensure();
    const res = await this.client.search<IndexedPost>({
      index: this.index,
      size,
      _source: { excludes: SOURCE_EXCLUDES },
      query: {
        bool: {
          must: [
            {
              multi_match: {
                query: q,
                fields: ["title^3", "summary^2", "tags^2", "concepts^2", "text", "authorName"],
                type: "best_fields",
              },
            },
          ],
          filter: filterClauses(filters),
        },
      },
      highlight: {
        fields: { title: {}, summary: {}, text: { fragment_size: 160, number_of_fragments: 2 } },
        pre_tags: ["<mark>"],
        post_tags: ["</mark>"],
      },
    });
    return res.hits.hits.map(toHit);
  }

  /** kNN over the post embeddings (cosine). */
  async semantic(vector: number[], filters: SearchFilters, size: number): Promise<IndexedPostHit[]> {
    await this.ensure();
    const filter = filterClauses(filters);
    const res = await this.client.search<IndexedPost>({
      index: this.index,
      size,
      _source: { excludes: SOURCE_EXCLUDES },
      knn: {
        field: "embedding",
        query_vector: vector,
        k: size,
        num_candidates: Math.max(50, size * 5),
        ...(filter.length ? { filter: { bool: { filter } } } : {}),
      },
    });
    return res.hits.hits.map(toHit);
  }

  /** Posts sharing a key concept, newest first (concept pages). */
  async byConcept(concept: string, size: number): Promise<IndexedPostHit[]> {
    await this.ensure();
    const res = await this.client.search<IndexedPost>({
      index: this.index,
      size,
      _source: { excludes: SOURCE_EXCLUDES },
      query: { bool: { filter: [{ term: { concepts: concept } }] } },
      sort: [{ publishedAt: { order: "desc" } }],
    });
    return res.hits.hits.map(toHit);
  }
}

function filterClauses(filters: SearchFilters): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  if (filters.tenantSlug) out.push({ term: { tenantSlug: filters.tenantSlug } });
  if (filters.tag) out.push({ term: { tags: filters.tag } });
  if (filters.concept) out.push({ term: { concepts: filters.concept } });
  if (filters.excludeId) out.push({ bool: { must_not: [{ ids: { values: [filters.excludeId] } }] } });
  return out;
}

function toHit(hit: {
  _id?: string;
  _score?: number | null;
  _source?: IndexedPost;
  highlight?: Record<string, string[]>;
}): IndexedPostHit {
  const src = (hit._source ?? {}) as Partial<IndexedPost>;
  const h = hit.highlight ?? {};
  return {
    id: hit._id ?? "",
    score: hit._score ?? 0,
    tenantId: src.tenantId ?? "",
    tenantSlug: src.tenantSlug ?? "",
    postId: src.postId ?? "",
    slug: src.slug ?? "",
    url: src.url ?? "",
    title: src.title ?? "",
    excerpt: src.excerpt ?? "",
    summary: src.summary ?? "",
    tags: src.tags ?? [],
    concepts: src.concepts ?? [],
    entities: src.entities ?? [],
    language: src.language ?? "",
    authorName: src.authorName ?? "",
    publishedAt: src.publishedAt ?? null,
    hotScore: src.hotScore ?? 0,
    version: src.version ?? 0,
    // The summary is often the post's own first sentences: the same passage shows once.
    highlights: [...new Set([...(h.title ?? []), ...(h.summary ?? []), ...(h.text ?? [])])].slice(0, 3),
  };
}
