import { embedTexts, loadEmbeddingModel } from "../ingestion/embedder";

/**
 * Query embeddings run IN THE APP PROCESS with the same model as the ingestion service, loaded
 * once per process (≈ 0.5 s, ≈ +90 MB resident) — measured cheaper and steadier than a hop to the
 * ingestion service, whose event loop is busy with batches exactly when publishing peaks
 * (README › Search). Repeated queries hit a small LRU. If the model is not ready within the
 * timeout (first request of a cold process), the caller falls back to keyword search.
 */
export class QueryEmbedder {
  private readonly cache = new Map<string, number[]>();

  constructor(private readonly opts: { maxEntries?: number; loadTimeoutMs?: number } = {}) {}

  /** Starts loading the model without waiting (app start-up). */
  warm(): void {
    // The first inference after loading is several times slower than the next ones: run it now.
    loadEmbeddingModel()
      .then(() => embedTexts(["warm up"]))
      .catch(() => {});
  }

  /** The query's unit vector, or null when the model is not available in time. */
  async embed(query: string): Promise<{ vector: number[] | null; ms: number; cached: boolean }> {
    const started = performance.now();
    const key = query.trim().toLowerCase().replace(/\s+/g, " ");
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return { vector: hit, ms: performance.now() - started, cached: true };
    }
    const loaded = await Promise.race([
      loadEmbeddingModel().then(
        () => true,
        () => false,
      ),
      new Promise<false>((resolve) =>
        setTimeout(() => resolve(false), this.opts.loadTimeoutMs ?? 20_000).unref?.(),
      ),
    ]);
    if (!loaded) return { vector: null, ms: performance.now() - started, cached: false };
    const [vector] = await embedTexts([key]);
    if (!vector) return { vector: null, ms: performance.now() - started, cached: false };
    this.cache.set(key, vector);
    if (this.cache.size > (this.opts.maxEntries ?? 1_000)) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return { vector, ms: performance.now() - started, cached: false };
  }
}
