import type { Redis } from "ioredis";

/**
 * A counter of changes to `global_feed` (`<prefix>feed:gen` in Redis), bumped after every write
 * that can change a feed page: a sync's upsert or tombstone, a blog's removal, an author refresh,
 * a hot-score update. Readers key their page cache by it and re-read it at most once per
 * `maxAgeMs` (one second), so a cached page is served only while nothing it depends on changed —
 * at most a second after the write that changed it — instead of being recomputed every second.
 */
export const feedGenerationKey = (prefix: string) => `${prefix}feed:gen`;

export async function bumpFeedGeneration(redis: Redis, prefix: string): Promise<void> {
  await redis.incr(feedGenerationKey(prefix));
}

export class FeedGeneration {
  private value: string | null = null;
  private readAt = 0;
  private reading: Promise<string | null> | null = null;

  constructor(private readonly opts: { redis: () => Redis; prefix: string; maxAgeMs: number }) {}

  /**
   * The current generation, at most `maxAgeMs` old; null when Redis cannot say (callers then
   * cache for `maxAgeMs` only, as if every second were a new generation).
   */
  /**
   * The generation as Redis holds it now, read on every call (null when Redis cannot say). A cache
   * keyed by it serves nothing a completed feed write has changed: every writer bumps the counter
   * before its request answers.
   */
  async live(): Promise<string | null> {
    try {
      return (await this.opts.redis().get(feedGenerationKey(this.opts.prefix))) ?? "0";
    } catch {
      return null;
    }
  }

  async current(): Promise<string | null> {
    if (this.opts.maxAgeMs <= 0) return null;
    if (Date.now() - this.readAt < this.opts.maxAgeMs) return this.value;
    const started = Date.now();
    this.reading ??= this.opts
      .redis()
      .get(feedGenerationKey(this.opts.prefix))
      .then(
        (v) => v ?? "0",
        () => null,
      )
      .then((v) => {
        this.value = v;
        this.readAt = started;
        this.reading = null;
        return v;
      });
    return this.reading;
  }
}
