import { LRUCache } from "lru-cache";

/** One cached response: status, headers and the exact body bytes (gzip variant made lazily). */
export interface CachedPage {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  gzip?: Buffer;
}

export interface PageCacheOptions {
  /** Upper bound on the bytes of all bodies kept (default 64 MiB). */
  maxBytes?: number;
  /** Safety net beside purges: an entry older than this is rendered again (default 10 min). */
  ttlMs?: number;
}

/**
 * The front server's in-process cache of published reader pages, keyed by host and path (with
 * the query). A purge names a host and drops everything under it; a render that started before
 * a purge may not store its (stale) result, which the per-host generation ensures.
 */
export class PageCache {
  private readonly lru: LRUCache<string, CachedPage>;
  private readonly keysByHost = new Map<string, Set<string>>();
  private readonly generations = new Map<string, number>();

  constructor(options: PageCacheOptions = {}) {
    this.lru = new LRUCache<string, CachedPage>({
      maxSize: options.maxBytes ?? 64 * 1024 * 1024,
      sizeCalculation: (page) => page.body.length + (page.gzip?.length ?? 0) + 512,
      ttl: options.ttlMs ?? 10 * 60_000,
      dispose: (_page, key) => this.forget(key),
    });
  }

  private static key(host: string, path: string): string {
    return `${host}\n${path}`;
  }

  private forget(key: string): void {
    const host = key.slice(0, key.indexOf("\n"));
    const keys = this.keysByHost.get(host);
    keys?.delete(key);
    if (keys && keys.size === 0) this.keysByHost.delete(host);
  }

  get(host: string, path: string): CachedPage | undefined {
    return this.lru.get(PageCache.key(host, path));
  }

  /** Read before rendering; pass it to `set` so a purge in between discards the result. */
  generation(host: string): number {
    return this.generations.get(host) ?? 0;
  }

  set(host: string, path: string, page: CachedPage, generation: number): boolean {
    if (this.generation(host) !== generation) return false;
    const key = PageCache.key(host, path);
    this.lru.set(key, page);
    if (!this.lru.has(key)) return false; // larger than the whole cache
    let keys = this.keysByHost.get(host);
    if (!keys) {
      keys = new Set();
      this.keysByHost.set(host, keys);
    }
    keys.add(key);
    return true;
  }

  purgeHost(host: string): number {
    this.generations.set(host, this.generation(host) + 1);
    const keys = [...(this.keysByHost.get(host) ?? [])];
    for (const key of keys) this.lru.delete(key);
    this.keysByHost.delete(host);
    return keys.length;
  }

  clear(): void {
    for (const host of this.keysByHost.keys()) this.generations.set(host, this.generation(host) + 1);
    this.lru.clear();
    this.keysByHost.clear();
  }

  get size(): number {
    return this.lru.size;
  }
}
