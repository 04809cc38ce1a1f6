import { LRUCache } from "lru-cache";
import { ObjectId } from "mongodb";
import type { AuthorView, PostCard, PostView, SiteView } from "@/components/reader/html/types";
import { isTheme } from "@/components/themes";
import type { DatabaseService, PostDoc, TenantDb, TenantDoc } from "@/server/db";
import { type CommentView, threadOf } from "@/server/services/comments/comments-service";

export interface Site {
  tenant: TenantDoc;
  view: SiteView;
  /** The blog's collections, made once per blog rather than once per query. */
  tdb: TenantDb;
}

/** A blog's published posts (bodies left out), newest first, with what lists need precomputed. */
export interface SiteIndex {
  posts: PostCard[];
  pages: PostCard[];
  bySlug: Map<string, PostCard>;
  tags: { tag: string; count: number }[];
}

export interface SiteDataOptions {
  db: DatabaseService;
  rootDomain: string;
  protocol: "http" | "https";
  /** Safety net beside purges (default 60 s). */
  ttlMs?: number;
}

const LIST_PROJECTION = { content: 0, html: 0, text: 0, enrichment: 0, related: 0 } as const;
const PAGE_PROJECTION = { content: 0, text: 0, enrichment: 0, related: 0 } as const;
/** A post page also shows its stored related posts (pipeline issue). */
const POST_PROJECTION = { content: 0, text: 0, enrichment: 0 } as const;
const published = { status: "published" as const, publishedAt: { $ne: null }, deletedAt: null };

function card(doc: Omit<PostDoc, "content" | "html">): PostCard {
  return {
    id: doc._id.toHexString(),
    slug: doc.slug,
    title: doc.title,
    excerpt: doc.excerpt ?? "",
    tags: Array.isArray(doc.tags) ? doc.tags : [],
    publishedAt: doc.publishedAt ?? doc.createdAt,
    updatedAt: doc.updatedAt ?? doc.publishedAt ?? doc.createdAt,
    readingMinutes: doc.readingMinutes ?? null,
    coverUrl: doc.coverUrl ?? null,
    coverAlt: doc.coverAlt ?? "",
    featured: doc.featured === true,
    comments: Math.max(0, doc.metrics?.comments ?? 0),
    authorIds: (doc.authorIds ?? []).map((id) => id.toHexString()),
  };
}

/**
 * What reader pages read, with the per-blog parts kept in memory between purges: the blog
 * (tenant + settings), its post index and its authors. A post page then costs two round trips
 * (the post, its comments); lists, archive, search and the sitemap none. A purge of the blog drops
 * its entries (`forget`); the TTL is a safety net for a purge message that never arrived.
 */
export class SiteData {
  private readonly sites: LRUCache<string, Site | false>;
  private readonly indexes: LRUCache<string, SiteIndex>;
  private readonly authors: LRUCache<string, AuthorView | false>;
  private readonly generations = new Map<string, number>();

  constructor(private readonly options: SiteDataOptions) {
    const ttl = options.ttlMs ?? 60_000;
    this.sites = new LRUCache({ max: 5_000, ttl });
    this.indexes = new LRUCache({ max: 500, ttl });
    this.authors = new LRUCache({ max: 20_000, ttl });
  }

  origin(slug: string): string {
    return `${this.options.protocol}://${slug}.${this.options.rootDomain}`;
  }

  rootOrigin(): string {
    return `${this.options.protocol}://${this.options.rootDomain}`;
  }

  /** Drops what is cached for a blog (by slug). */
  forget(slug: string): void {
    this.generations.set(slug, (this.generations.get(slug) ?? 0) + 1);
    const site = this.sites.get(slug);
    this.sites.delete(slug);
    if (site) this.indexes.delete(site.tenant._id.toHexString());
  }

  forgetAuthor(userId: string): void {
    this.authors.delete(userId);
  }

  clear(): void {
    this.sites.clear();
    this.indexes.clear();
    this.authors.clear();
  }

  /** The active blog of a slug, or null. */
  async site(slug: string): Promise<Site | null> {
    const hit = this.sites.get(slug);
    if (hit !== undefined) return hit || null;
    const generation = this.generations.get(slug) ?? 0;
    const tenant = await this.options.db.master().tenants.findOne({ slug, status: "active" });
    let site: Site | false = false;
    if (tenant) {
      const tdb = this.options.db.forTenant(tenant);
      const settings = await tdb.settings.findOne({ _id: "blog" });
      const view: SiteView = {
        slug: tenant.slug,
        name: settings?.title || tenant.name,
        description: settings?.description ?? "",
        theme: isTheme(settings?.theme) ? settings.theme : tenant.theme,
        logoUrl: settings?.logoUrl ?? null,
        navigation: (settings?.navigation ?? []).slice(0, 8),
        origin: this.origin(tenant.slug),
        rootOrigin: this.rootOrigin(),
      };
      site = { tenant, view, tdb };
    }
    if ((this.generations.get(slug) ?? 0) === generation) this.sites.set(slug, site);
    return site || null;
  }

  async index(site: Site): Promise<SiteIndex> {
    const key = site.tenant._id.toHexString();
    const hit = this.indexes.get(key);
    if (hit) return hit;
    const generation = this.generations.get(site.view.slug) ?? 0;
    const docs = await site.tdb.posts
      .find(published, { projection: LIST_PROJECTION })
      .sort({ publishedAt: -1, _id: -1 })
      .toArray();
    const posts: PostCard[] = [];
    const pages: PostCard[] = [];
    const bySlug = new Map<string, PostCard>();
    const tagCounts = new Map<string, number>();
    for (const doc of docs) {
      const c = card(doc);
      bySlug.set(c.slug, c);
      if (doc.type === "page") {
        pages.push(c);
        continue;
      }
      posts.push(c);
      for (const t of c.tags) tagCounts.set(t, (tagCounts.get(t) ?? 0) + 1);
    }
    const tags = [...tagCounts.entries()]
      .map(([tag, count]) => ({ tag, count }))
      .sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
    const index: SiteIndex = { posts, pages, bySlug, tags };
    if ((this.generations.get(site.view.slug) ?? 0) === generation) this.indexes.set(key, index);
    return index;
  }

  /**
   * A published post or page by its slug or one of its earlier slugs (one round trip). `redirect`
   * is set when the slug asked for is an old one.
   */
  async post(
    site: Site,
    slug: string,
  ): Promise<{ post: PostView; redirect: boolean; mayHaveComments: boolean } | null> {
    // The current slug first (unique index); an old slug only when that finds nothing.
    const doc =
      (await site.tdb.posts.findOne({ slug, ...published }, { projection: POST_PROJECTION })) ??
      (await site.tdb.posts.findOne({ previousSlugs: slug, ...published }, { projection: POST_PROJECTION }));
    if (!doc) return null;
    return {
      redirect: doc.slug !== slug,
      post: {
        ...card(doc),
        type: doc.type === "page" ? "page" : "post",
        html: typeof doc.html === "string" ? doc.html : "",
        customExcerpt: doc.customExcerpt === true,
        version: doc.version ?? 1,
        wordCount: doc.wordCount ?? null,
        related: (doc.related ?? []).map((r) => ({ title: r.title, url: r.url, blog: r.tenantSlug })),
      },
      // Kept by the comments service; unknown on posts older than it, which must be read.
      mayHaveComments: doc.metrics?.comments === undefined || doc.metrics.comments > 0,
    };
  }

  /** A post's public comment thread, oldest first (one round trip). */
  async comments(site: Site, postId: ObjectId): Promise<CommentView[]> {
    const docs = await site.tdb.comments
      .find({ postId })
      .sort({ createdAt: 1, _id: 1 })
      .limit(2_000)
      .toArray();
    return threadOf(docs);
  }

  /** The newest published posts with their bodies, for feeds (one round trip). */
  async feedPosts(site: Site, opts: { tag?: string; limit: number }): Promise<PostView[]> {
    const filter: Record<string, unknown> = { ...published, type: { $ne: "page" } };
    if (opts.tag) filter.tags = opts.tag;
    const docs = await site.tdb.posts
      .find(filter, { projection: PAGE_PROJECTION })
      .sort({ publishedAt: -1, _id: -1 })
      .limit(opts.limit)
      .toArray();
    return docs.map((doc) => ({
      ...card(doc),
      type: "post",
      html: typeof doc.html === "string" ? doc.html : "",
      customExcerpt: doc.customExcerpt === true,
      version: doc.version ?? 1,
      wordCount: doc.wordCount ?? null,
    }));
  }

  /** Authors by id, from memory when known (one round trip for the missing ones). */
  async authorsById(ids: string[]): Promise<Map<string, AuthorView>> {
    const out = new Map<string, AuthorView>();
    const missing: ObjectId[] = [];
    for (const id of new Set(ids)) {
      const hit = this.authors.get(id);
      if (hit) out.set(id, hit);
      else if (hit === undefined && ObjectId.isValid(id)) missing.push(new ObjectId(id));
    }
    if (missing.length) {
      const users = await this.options.db
        .master()
        .users.find({ _id: { $in: missing } }, { projection: { name: 1, username: 1, bio: 1, image: 1 } })
        .toArray();
      const found = new Set<string>();
      for (const u of users) {
        const view: AuthorView = {
          id: u._id.toHexString(),
          name: u.name || u.username,
          username: u.username,
          bio: u.bio ?? "",
          image: u.image ?? null,
        };
        found.add(view.id);
        this.authors.set(view.id, view);
        out.set(view.id, view);
      }
      for (const id of missing) if (!found.has(id.toHexString())) this.authors.set(id.toHexString(), false);
    }
    return out;
  }

  async authorByUsername(username: string): Promise<AuthorView | null> {
    const u = await this.options.db
      .master()
      .users.findOne(
        { username: username.toLowerCase() },
        { projection: { name: 1, username: 1, bio: 1, image: 1 } },
      );
    if (!u) return null;
    return {
      id: u._id.toHexString(),
      name: u.name || u.username,
      username: u.username,
      bio: u.bio ?? "",
      image: u.image ?? null,
    };
  }
}
