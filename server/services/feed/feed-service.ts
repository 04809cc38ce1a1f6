import { createHash, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { LRUCache } from "lru-cache";
import { type Document, type Filter, ObjectId } from "mongodb";
import type { DatabaseService, FeedItemDoc, Theme } from "../../db";
import { AppError } from "../../errors";
import type { Logger } from "../../log";
import { decodeCursor, encodeCursor, type FeedCursor } from "./feed-cursor";
import { type FeedQuery, type FeedSort, feedQueryProblem, feedQuerySchema, PERIOD_MS } from "./feed-params";
import { FeedSync } from "./feed-sync";
import { FeedGeneration } from "./generation";

/** One feed entry as the API returns it (ARCHITECTURE.md › `GET /api/feed`), plus card fields. */
export interface FeedItem {
  tenantId: string;
  tenantSlug: string;
  postId: string;
  slug: string;
  title: string;
  excerpt: string;
  tags: string[];
  authorName: string;
  authorUsername: string | null;
  coverUrl: string | null;
  readingMinutes: number | null;
  publishedAt: string;
  hotScore: number;
  metrics: { views: number; likes: number; comments: number };
  url: string;
  /** The blog's current name and theme (looked up at read time, so a rename shows at once). */
  blogName: string;
  blogTheme: Theme;
}

export interface FeedPage {
  items: FeedItem[];
  nextCursor: string | null;
}

export interface PopularTag {
  tag: string;
  posts: number;
}

export interface PopularBlog {
  tenantId: string;
  slug: string;
  name: string;
  theme: Theme;
  posts: number;
  url: string;
}

export interface FeedServiceDeps {
  db: DatabaseService;
  log: Logger;
  now: () => Date;
  redis: () => Redis;
  redisPrefix: string;
  rootDomain: string;
  protocol: "http" | "https";
  /** Response cache lifetime (≤ 1 s by the issue); 0 turns it off. */
  cacheMs?: number;
  /** How many scores a hot/top first page snapshots (tests make it small). */
  snapshotSize?: number;
}

const SORT_FIELD: Record<FeedSort, "publishedAt" | "hotScore" | "signalScore"> = {
  new: "publishedAt",
  hot: "hotScore",
  top: "signalScore",
};
/** A hot/top first page snapshots this many scores; later pages read the snapshot. */
export const DEFAULT_SNAPSHOT_SIZE = 300;
const SNAPSHOT_TTL_S = 1_800;
const MAX_DATE = new Date(8.64e15);
/** The `global_feed` fields a feed item is made of (also read by the Following feed). */
export const ITEM_PROJECTION = {
  tenantId: 1,
  tenantSlug: 1,
  postId: 1,
  slug: 1,
  title: 1,
  excerpt: 1,
  tags: 1,
  authorName: 1,
  authorUsername: 1,
  coverUrl: 1,
  readingMinutes: 1,
  publishedAt: 1,
  hotScore: 1,
  signalScore: 1,
  metrics: 1,
} as const;

type Row = Pick<FeedItemDoc, "_id"> & Partial<FeedItemDoc>;
interface CachedPage {
  page: Promise<FeedPage>;
  json?: Promise<string>;
}
/** How long a page keyed by an unchanged feed generation may stay in memory. */
const GENERATION_PAGE_TTL_MS = 5 * 60_000;
/** Scores of one hot/top scroll at one moment; `exclude` holds the items of earlier snapshots. */
interface Snapshot {
  ranked: [string, number][];
  exclude: string[];
}
/** Past this many items, a scroll pages as a live keyset instead of chaining snapshots. */
const MAX_CHAIN = 3_000;
type Resolved = { filters: Filter<FeedItemDoc>[] } | null;

/**
 * The read side of the network feed (`conduit_master.global_feed`). Every page is one index
 * scan per filter (`{filter, sortKey, _id}` indexes, no in-memory sort); several tags are merged
 * from one scan per tag. Paging is keyset on (sort value, _id) — stable while posts arrive — and
 * for hot/top over a snapshot of the scores taken at the first page (kept in Redis), so a score
 * that moves while someone scrolls neither repeats nor skips an item. Pages are cached in the
 * process until the feed changes (noticed within `cacheMs`, 1 s), concurrent identical requests
 * sharing one computation.
 */
export class FeedService {
  readonly sync: FeedSync;
  private readonly cacheMs: number;
  private readonly snapshotSize: number;
  private readonly pages: LRUCache<string, CachedPage> | null;
  private readonly generation: FeedGeneration;
  private readonly snapshots = new LRUCache<string, Snapshot>({
    max: 500,
    ttl: SNAPSHOT_TTL_S * 1000,
  });
  // Lookups that a feed write does not announce (a username, a blog's name) live one second.
  private readonly ids = new LRUCache<string, { id: ObjectId | null }>({ max: 5_000, ttl: 1_000 });
  private readonly slow = new LRUCache<string, Promise<unknown>>({ max: 1_000, ttl: 60_000 });
  private readonly blogs = new LRUCache<string, { name: string; theme: Theme }>({ max: 20_000, ttl: 1_000 });

  constructor(private readonly deps: FeedServiceDeps) {
    this.sync = new FeedSync({
      db: deps.db,
      log: deps.log,
      now: deps.now,
      redis: deps.redis,
      redisPrefix: deps.redisPrefix,
    });
    this.cacheMs = Math.min(deps.cacheMs ?? 1_000, 1_000);
    this.snapshotSize = deps.snapshotSize ?? DEFAULT_SNAPSHOT_SIZE;
    this.pages = this.cacheMs > 0 ? new LRUCache({ max: 5_000, ttl: this.cacheMs }) : null;
    this.generation = new FeedGeneration({
      redis: deps.redis,
      prefix: deps.redisPrefix,
      maxAgeMs: this.cacheMs,
    });
  }

  /**
   * The feed's change counter as it is now (one Redis read; null without Redis), for callers whose
   * caches must not lag a feed write at all (the RealWorld API's network lists).
   */
  changeCounter(): Promise<string | null> {
    return this.generation.live();
  }

  /** Validates raw parameters (REST query or tRPC input); invalid ones are a 400 with a message. */
  parse(input: unknown): FeedQuery {
    const parsed = feedQuerySchema.safeParse(input ?? {});
    if (!parsed.success) throw new AppError("BAD_REQUEST", feedQueryProblem(parsed.error));
    return parsed.data;
  }

  async list(input: unknown): Promise<FeedPage> {
    return this.listParsed(this.parse(input));
  }

  async listParsed(q: FeedQuery): Promise<FeedPage> {
    return (await this.entry(q)).page;
  }

  /** The same JSON body `GET /api/feed` sends, serialized once per cached page. */
  async listJson(input: unknown): Promise<string> {
    const entry = await this.entry(this.parse(input));
    entry.json ??= entry.page.then((p) => JSON.stringify(p));
    return entry.json;
  }

  /**
   * The cached page of a query. Pages are keyed by the feed's change counter (re-read at most
   * once per `cacheMs`): a page is recomputed after a feed write, and otherwise served for as long
   * as nothing changed — never more than a second after the write that changed it. Without the
   * counter (Redis down) pages live `cacheMs`. Concurrent identical requests share one computation.
   */
  private async entry(q: FeedQuery): Promise<CachedPage> {
    if (!this.pages) return { page: this.computeWithBlogs(q) };
    const generation = await this.generation.current();
    // Top of a period depends on the clock too: its window moves on by the second.
    const clock = q.sort === "top" && q.period !== "all" ? Math.floor(Date.now() / this.cacheMs) : 0;
    const key = JSON.stringify([
      generation,
      clock,
      q.tag ?? [],
      q.author,
      q.tenant,
      q.sort,
      q.period,
      q.limit,
      q.cursor,
    ]);
    let entry = this.pages.get(key);
    if (!entry) {
      const page = this.computeWithBlogs(q);
      entry = { page };
      this.pages.set(key, entry, { ttl: generation === null ? this.cacheMs : GENERATION_PAGE_TTL_MS });
      // A failure is not cached: the next request tries again.
      page.catch(() => this.pages?.delete(key));
    }
    return entry;
  }

  private async computeWithBlogs(q: FeedQuery): Promise<FeedPage> {
    const page = await this.compute(q);
    await this.nameBlogs(page.items);
    return page;
  }

  /** `global_feed` rows (read with ITEM_PROJECTION) as feed items, with their blogs' names and themes. */
  async itemsOf(rows: Row[]): Promise<FeedItem[]> {
    const items = rows.map((r) => this.toItem(r));
    await this.nameBlogs(items);
    return items;
  }

  private async nameBlogs(items: FeedItem[]): Promise<void> {
    if (!items.length) return;
    const blogs = await this.blogsById(items.map((i) => i.tenantId));
    for (const item of items) {
      const blog = blogs.get(item.tenantId);
      item.blogName = blog?.name ?? item.tenantSlug;
      item.blogTheme = blog?.theme ?? "classic";
    }
  }

  private async compute(q: FeedQuery): Promise<FeedPage> {
    const resolved = await this.resolve(q);
    if (!resolved) {
      if (q.cursor) this.cursorOf(q); // still refuse a malformed cursor
      return { items: [], nextCursor: null };
    }
    const cursor = this.cursorOf(q);
    const field = SORT_FIELD[q.sort];
    if (q.sort === "new" || cursor?.k === "k") {
      const rows = await this.fetchOrdered(resolved.filters, field, cursor, q.limit + 1, ITEM_PROJECTION);
      return this.keysetPage(q, rows, field);
    }
    if (cursor?.k === "s") {
      const snapshot = await this.loadSnapshot(cursor.s);
      if (!snapshot) {
        // Expired (or Redis lost it): carry on live from the last item the client saw.
        const rows = await this.fetchOrdered(resolved.filters, field, cursor, q.limit + 1, ITEM_PROJECTION);
        return this.keysetPage(q, rows, field);
      }
      if (cursor.o < snapshot.ranked.length) return this.snapshotPage(q, snapshot, cursor.s, cursor.o);
      // This snapshot is used up and was full: the next one ranks everything not shown yet.
      return this.nextSnapshotPage(
        q,
        resolved,
        [...snapshot.exclude, ...snapshot.ranked.map(([id]) => id)],
        cursor,
      );
    }
    return this.nextSnapshotPage(q, resolved, [], null);
  }

  /**
   * Takes a snapshot of the scores of up to `snapshotSize` items (leaving out `exclude`, the
   * items of earlier snapshots of this scroll) and serves its first slice. Pages then read the
   * snapshot, so live score changes neither repeat nor skip an item; a full snapshot is followed
   * by the next one. After MAX_CHAIN items (or without Redis) paging goes on as a live keyset.
   */
  private async nextSnapshotPage(
    q: FeedQuery,
    resolved: NonNullable<Resolved>,
    exclude: string[],
    after: FeedCursor | null,
  ): Promise<FeedPage> {
    const field = SORT_FIELD[q.sort];
    if (exclude.length >= MAX_CHAIN && after) {
      const rows = await this.fetchOrdered(resolved.filters, field, after, q.limit + 1, ITEM_PROJECTION);
      return this.keysetPage(q, rows, field);
    }
    const ranked = await this.fetchOrdered(
      resolved.filters,
      field,
      null,
      this.snapshotSize,
      { _id: 1, [field]: 1 },
      exclude.map((id) => new ObjectId(id)),
    );
    const snapshot: Snapshot = {
      ranked: ranked.map((r) => [r._id.toHexString(), sortValue(r, field)]),
      exclude,
    };
    if (snapshot.ranked.length <= q.limit && snapshot.ranked.length < this.snapshotSize) {
      return this.snapshotPage(q, snapshot, null, 0);
    }
    return this.snapshotPage(q, snapshot, await this.saveSnapshot(snapshot), 0);
  }

  private explaining: Document[] | null = null;

  /**
   * The query plans of the index scans a page of this query runs (one per tag), for the tests
   * that hold every filter × sort to an index scan without an in-memory sort.
   */
  async explain(input: unknown): Promise<Document[]> {
    const q = this.parse(input);
    const resolved = await this.resolve(q);
    if (!resolved) return [];
    const cursor = this.cursorOf(q);
    this.explaining = [];
    try {
      const field = SORT_FIELD[q.sort];
      await this.fetchOrdered(resolved.filters, field, cursor, q.limit + 1, ITEM_PROJECTION);
      return this.explaining;
    } finally {
      this.explaining = null;
    }
  }

  private cursorOf(q: FeedQuery): FeedCursor | null {
    return q.cursor ? decodeCursor(q.cursor, { sort: q.sort, fingerprint: fingerprint(q) }) : null;
  }

  private keysetPage(q: FeedQuery, rows: Row[], field: (typeof SORT_FIELD)[FeedSort]): FeedPage {
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    const nextCursor =
      rows.length > q.limit && last
        ? encodeCursor({
            k: "k",
            t: q.sort,
            f: fingerprint(q),
            v: sortValue(last, field),
            i: last._id.toHexString(),
          })
        : null;
    return { items: page.map((r) => this.toItem(r)), nextCursor };
  }

  private async snapshotPage(
    q: FeedQuery,
    snapshot: Snapshot,
    snapshotId: string | null,
    offset: number,
  ): Promise<FeedPage> {
    const { ranked } = snapshot;
    const slice = ranked.slice(offset, offset + q.limit);
    const byId = new Map(
      (await this.byIds(slice.map(([id]) => new ObjectId(id)))).map((r) => [r._id.toHexString(), r]),
    );
    // A row unpublished since the snapshot is left out (it is not a skip: it left the feed).
    const items = slice.flatMap(([id]) => {
      const row = byId.get(id);
      return row ? [this.toItem(row)] : [];
    });
    const last = slice.at(-1);
    const end = offset + q.limit;
    let nextCursor: string | null = null;
    if (last && (end < ranked.length || ranked.length >= this.snapshotSize)) {
      const at = { t: q.sort, f: fingerprint(q), v: last[1], i: last[0] };
      nextCursor = snapshotId
        ? encodeCursor({ k: "s", ...at, s: snapshotId, o: end })
        : // No snapshot could be stored: live keyset from the last item.
          encodeCursor({ k: "k", ...at });
    }
    return { items, nextCursor };
  }

  private snapshotKey(id: string): string {
    return `${this.deps.redisPrefix}feed:snap:${id}`;
  }

  private async saveSnapshot(snapshot: Snapshot): Promise<string | null> {
    const id = randomBytes(12).toString("base64url");
    try {
      await this.deps.redis().set(this.snapshotKey(id), JSON.stringify(snapshot), "EX", SNAPSHOT_TTL_S);
      this.snapshots.set(id, snapshot);
      return id;
    } catch (error) {
      this.deps.log.warn({ err: String(error) }, "feed: could not store a score snapshot; paging live");
      return null;
    }
  }

  private async loadSnapshot(id: string): Promise<Snapshot | null> {
    const local = this.snapshots.get(id);
    if (local) return local;
    try {
      const raw = await this.deps.redis().get(this.snapshotKey(id));
      if (!raw) return null;
      const snapshot = JSON.parse(raw) as Snapshot;
      this.snapshots.set(id, snapshot);
      return snapshot;
    } catch {
      return null;
    }
  }

  /**
   * Rows in sort order after `after` (keyset), merged over several filters (one per tag). The
   * range on the sort key also keeps tombstones out: they have no publishedAt or scores.
   */
  private async fetchOrdered(
    filters: Filter<FeedItemDoc>[],
    field: (typeof SORT_FIELD)[FeedSort],
    after: { v: number; i: string } | null,
    limit: number,
    projection: Record<string, 1>,
    exclude: ObjectId[] = [],
  ): Promise<Row[]> {
    const feed = this.deps.db.master().globalFeed;
    const bound = (v: number) => (field === "publishedAt" ? new Date(v) : v);
    const range: Filter<FeedItemDoc> = after
      ? {
          [field]: { $lte: bound(after.v) },
          $nor: [{ [field]: bound(after.v), _id: { $gte: new ObjectId(after.i) } }],
        }
      : { [field]: { $lte: field === "publishedAt" ? MAX_DATE : Number.MAX_VALUE } };
    const sort = { [field]: -1, _id: -1 } as const;
    const without: Filter<FeedItemDoc> = exclude.length ? { _id: { $nin: exclude } } : {};
    // The index is named, not left to the planner: the filter's own field (blog, author or tag)
    // then the sort key, so each query is one bounded scan in sort order on every server.
    const cursors = filters.map((f) =>
      feed
        .find({ ...f, ...range, ...without }, { projection })
        .sort(sort)
        .hint(indexFor(f, field))
        .limit(limit),
    );
    if (this.explaining) {
      this.explaining.push(...(await Promise.all(cursors.map((c) => c.explain("queryPlanner")))));
      return [];
    }
    const runs = await Promise.all(cursors.map((c) => c.toArray()));
    if (runs.length === 1) return runs[0] ?? [];
    const seen = new Set<string>();
    return runs
      .flat()
      .filter((r) => {
        const id = r._id.toHexString();
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      })
      .sort(
        (a, b) =>
          sortValue(b, field) - sortValue(a, field) || (b._id.toHexString() < a._id.toHexString() ? -1 : 1),
      )
      .slice(0, limit);
  }

  private async byIds(ids: ObjectId[]): Promise<Row[]> {
    if (!ids.length) return [];
    return this.deps.db
      .master()
      .globalFeed.find({ _id: { $in: ids }, removedAt: { $exists: false } }, { projection: ITEM_PROJECTION })
      .toArray();
  }

  /** Filters of the query, one per tag; null when a named author or blog does not exist. */
  private async resolve(q: FeedQuery): Promise<Resolved> {
    const common: Filter<FeedItemDoc> = {};
    if (q.tenant) {
      const id = await this.lookup(`t:${q.tenant}`, async () =>
        /^[0-9a-f]{24}$/.test(q.tenant ?? "")
          ? new ObjectId(q.tenant)
          : ((await this.deps.db.master().tenants.findOne({ slug: q.tenant }, { projection: { _id: 1 } }))
              ?._id ?? null),
      );
      if (!id) return null;
      common.tenantId = id;
    }
    if (q.author) {
      const id = await this.lookup(
        `u:${q.author}`,
        async () =>
          (
            await this.deps.db
              .master()
              .users.findOne(
                /^[0-9a-f]{24}$/.test(q.author ?? "")
                  ? { $or: [{ _id: new ObjectId(q.author) }, { username: q.author }] }
                  : { username: q.author },
                { projection: { _id: 1 } },
              )
          )?._id ?? null,
      );
      if (!id) return null;
      common.authorIds = id;
    }
    if (q.sort === "top" && q.period !== "all") {
      common.publishedAt = { $gte: new Date(this.deps.now().getTime() - PERIOD_MS[q.period]) };
    }
    const tags = q.tag ?? [];
    return { filters: tags.length ? tags.map((tag) => ({ ...common, tags: tag })) : [common] };
  }

  private async lookup(key: string, find: () => Promise<ObjectId | null>): Promise<ObjectId | null> {
    const hit = this.ids.get(key);
    if (hit) return hit.id;
    const id = await find();
    this.ids.set(key, { id });
    return id;
  }

  private toItem(row: Row): FeedItem {
    const tenantSlug = row.tenantSlug ?? "";
    const slug = row.slug ?? "";
    return {
      tenantId: row.tenantId?.toHexString() ?? "",
      tenantSlug,
      postId: row.postId?.toHexString() ?? "",
      slug,
      title: row.title ?? "",
      excerpt: row.excerpt ?? "",
      tags: row.tags ?? [],
      authorName: row.authorName ?? "",
      authorUsername: row.authorUsername ?? null,
      coverUrl: row.coverUrl ?? null,
      readingMinutes: row.readingMinutes ?? null,
      publishedAt: (row.publishedAt ?? new Date(0)).toISOString(),
      hotScore: row.hotScore ?? 0,
      metrics: row.metrics ?? { views: 0, likes: 0, comments: 0 },
      url: this.postUrl(tenantSlug, slug),
      blogName: tenantSlug,
      blogTheme: "classic",
    };
  }

  postUrl(tenantSlug: string, slug: string): string {
    return `${this.deps.protocol}://${tenantSlug}.${this.deps.rootDomain}/${encodeURIComponent(slug)}`;
  }

  blogUrl(tenantSlug: string): string {
    return `${this.deps.protocol}://${tenantSlug}.${this.deps.rootDomain}`;
  }

  /**
   * Tags with the most posts in the feed (for the tag chips); with `author` (a username or id),
   * that writer's tags, so the chips narrow an author page rather than leave it. Cached a minute.
   */
  popularTags(limit = 16, opts: { author?: string } = {}): Promise<PopularTag[]> {
    return this.memo(`tags:${limit}:${opts.author ?? ""}`, async () => {
      const match: Filter<FeedItemDoc> = { publishedAt: { $lte: MAX_DATE } };
      if (opts.author) {
        const resolved = await this.resolve(feedQuerySchema.parse({ author: opts.author }));
        if (!resolved) return [];
        match.authorIds = resolved.filters[0]?.authorIds;
      }
      const rows = await this.deps.db
        .master()
        .globalFeed.aggregate<{ _id: string; n: number }>([
          { $match: match },
          { $project: { tags: 1 } },
          { $unwind: "$tags" },
          { $group: { _id: "$tags", n: { $sum: 1 } } },
          { $sort: { n: -1, _id: 1 } },
          { $limit: limit },
        ])
        .toArray();
      return rows.map((r) => ({ tag: r._id, posts: r.n }));
    });
  }

  /** Blogs with the most reader signals over the last 30 days (then the most posts); cached a minute. */
  popularBlogs(limit = 8): Promise<PopularBlog[]> {
    return this.memo(`blogs:${limit}`, async () => {
      const rows = await this.deps.db
        .master()
        .globalFeed.aggregate<{ _id: ObjectId; posts: number; signals: number; latest: Date }>([
          { $match: { publishedAt: { $lte: MAX_DATE } } },
          {
            $group: {
              _id: "$tenantId",
              posts: { $sum: 1 },
              signals: {
                $sum: {
                  $cond: [
                    { $gte: ["$publishedAt", new Date(this.deps.now().getTime() - 30 * 86_400_000)] },
                    { $ifNull: ["$signalScore", 0] },
                    0,
                  ],
                },
              },
              latest: { $max: "$publishedAt" },
            },
          },
          { $sort: { signals: -1, posts: -1, latest: -1 } },
          { $limit: limit },
        ])
        .toArray();
      const tenants = await this.deps.db
        .master()
        .tenants.find(
          { _id: { $in: rows.map((r) => r._id) }, status: "active" },
          { projection: { name: 1, slug: 1, theme: 1 } },
        )
        .toArray();
      const byId = new Map(tenants.map((t) => [t._id.toHexString(), t]));
      return rows.flatMap((r) => {
        const t = byId.get(r._id.toHexString());
        return t
          ? [
              {
                tenantId: r._id.toHexString(),
                slug: t.slug,
                name: t.name,
                theme: t.theme,
                posts: r.posts,
                url: this.blogUrl(t.slug),
              },
            ]
          : [];
      });
    });
  }

  /** Blog names and themes for cards, by tenant id (each cached a minute). */
  async blogsById(ids: string[]): Promise<Map<string, { name: string; theme: Theme }>> {
    const out = new Map<string, { name: string; theme: Theme }>();
    const missing: ObjectId[] = [];
    for (const id of new Set(ids)) {
      const hit = this.blogs.get(id);
      if (hit) out.set(id, hit);
      else if (/^[0-9a-f]{24}$/.test(id)) missing.push(new ObjectId(id));
    }
    if (missing.length) {
      const found = await this.deps.db
        .master()
        .tenants.find({ _id: { $in: missing } }, { projection: { name: 1, theme: 1 } })
        .toArray();
      for (const t of found) {
        const blog = { name: t.name, theme: t.theme };
        this.blogs.set(t._id.toHexString(), blog);
        out.set(t._id.toHexString(), blog);
      }
    }
    return out;
  }

  private memo<T>(key: string, load: () => Promise<T>): Promise<T> {
    let hit = this.slow.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = load();
      this.slow.set(key, hit);
      // An empty answer (a new network, a writer's first post on its way) is not kept for a minute:
      // the first post should show up on the next page view.
      hit.then(
        (v) => (Array.isArray(v) && v.length === 0 ? this.slow.delete(key) : undefined),
        () => this.slow.delete(key),
      );
    }
    return hit;
  }
}

/** The `{filterField, sortKey, _id}` index a query reads (masterIndexes.global_feed). */
function indexFor(filter: Filter<FeedItemDoc>, field: (typeof SORT_FIELD)[FeedSort]): Record<string, 1 | -1> {
  const first =
    "tenantId" in filter
      ? "tenantId"
      : "authorIds" in filter
        ? "authorIds"
        : "tags" in filter
          ? "tags"
          : null;
  return first ? { [first]: 1, [field]: -1, _id: -1 } : { [field]: -1, _id: -1 };
}

function sortValue(row: Row, field: (typeof SORT_FIELD)[FeedSort]): number {
  const v = row[field];
  return v instanceof Date ? v.getTime() : Number(v ?? 0);
}

/** Fingerprint of what a cursor may be used with: the filters and sort, not the page. */
function fingerprint(q: FeedQuery): string {
  const basis = JSON.stringify([
    [...(q.tag ?? [])].sort(),
    q.author ?? "",
    q.tenant ?? "",
    q.sort,
    q.sort === "top" ? q.period : "",
  ]);
  return createHash("sha1").update(basis).digest("base64url").slice(0, 12);
}
