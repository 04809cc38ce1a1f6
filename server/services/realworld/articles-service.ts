import { LRUCache } from "lru-cache";
import { type Filter, ObjectId } from "mongodb";
import type { DatabaseService, FeedItemDoc, PostDoc, TenantDoc } from "../../db";
import { AppError } from "../../errors";
import { normalizeFeedTag } from "../feed/feed-params";
import type { FollowsService } from "../follows/follows-service";
import { contentHash, markdownToContent } from "../markdown/markdown";
import type { MembershipsService } from "../memberships/memberships-service";
import { canEditPost, type PostActor } from "../posts/permissions";
import type { PostsService, SavePostInput } from "../posts/posts-service";
import type { SignalsService } from "../signals/signals-service";
import { type ArticleJson, type ArticlePresenter, LIST_PROJECTION, type Located } from "./article-view";
import { type ApiCaller, tenantCaller } from "./caller";
import { forbidden, notFound, unprocessable } from "./errors";
import { parseNetworkSlug } from "./network-slug";
import type { PersonalBlogs } from "./personal-blog";
import type { ListQuery, NewArticle, PageQuery, UpdateArticle } from "./schemas";
import type { Scope, ScopeResolver } from "./scope";

export interface ArticlesPage {
  articles: ArticleJson[];
  articlesCount: number;
}

export interface RealWorldArticlesDeps {
  db: DatabaseService;
  posts: PostsService;
  signals: Pick<SignalsService, "toggleLike">;
  memberships: Pick<MembershipsService, "roleOf">;
  follows: FollowsService;
  scopes: ScopeResolver;
  personalBlogs: PersonalBlogs;
  presenter: ArticlePresenter;
  /**
   * The network feed's change counter as it is now (`FeedService.changeCounter`), or null when it
   * cannot be read: network list pages are cached per counter value. Absent: nothing is cached.
   */
  feedCounter?: () => Promise<string | null>;
  /**
   * The blogs' change counters as they are now (`ReaderPurger.blogChanges`: moved by every post
   * write and like), or null: posts and blog list pages are cached per counter value. Absent:
   * every post is read from its blog on every request.
   */
  blogChanges?: (tenantIds: string[]) => Promise<string[] | null>;
}

/** A published post of a blog (pages are not articles). */
const PUBLISHED: Filter<PostDoc> = {
  status: "published",
  deletedAt: null,
  type: { $ne: "page" },
  publishedAt: { $ne: null },
};
/**
 * Visible rows of the network feed: a range on `publishedAt` alone, as the feed service reads it
 * (a tombstone keeps no publishedAt). No `removedAt` test: that one would make every count fetch
 * every row instead of counting index keys.
 */
const FEED_VISIBLE: Filter<FeedItemDoc> = { publishedAt: { $lte: new Date(8.64e15) } };
/** Favourites or followed people considered for one list (a bound on the `$in`). */
const MAX_IDS = 5_000;
/**
 * How long a cached network page may live even if its counter never moves (a bump lost with
 * Redis): the same bound as the feed service's pages.
 */
const NETWORK_CACHE_TTL_MS = 5 * 60_000;

/**
 * How long cached posts and blog pages may live even if their blog's counter never moves (a bump
 * lost with Redis).
 */
const BLOG_CACHE_TTL_MS = 60_000;

/** Which posts a page of the network list shows, in order (from `global_feed`). */
type FeedRef = Pick<FeedItemDoc, "tenantSlug" | "postId">;

interface BlogPageRead {
  docs: PostDoc[];
  count: number;
}

/**
 * RealWorld articles over the blogs' own posts: no second data model. On a blog's subdomain the
 * articles are its published posts (tenant `posts`); on the root domain they are the network's
 * (`global_feed`, newest first, then each page read from its blogs). Writes go through the
 * studio's PostsService (create → save → publish), so they fan out to the reader cache, the feed
 * and the pipeline like any studio write; favourites are the reader's likes (SignalsService).
 */
export class RealWorldArticles {
  /**
   * Network list pages (the rows' keys, in order) and their totals, per feed change counter: the
   * counter moves with every `global_feed` write before the writing request answers, so an entry
   * is only served while what it was read from is unchanged. The posts themselves (title,
   * favourites…) are still read from their blogs on every request.
   */
  private readonly networkRows = new LRUCache<string, Promise<FeedRef[]>>({
    max: 2_000,
    ttl: NETWORK_CACHE_TTL_MS,
  });
  private readonly networkCounts = new LRUCache<string, Promise<number>>({
    max: 500,
    ttl: NETWORK_CACHE_TTL_MS,
  });

  /**
   * Published posts as lists show them (no body), per blog and change counter value: `null` for
   * an id that is not a published post of the blog. Filled as pages ask for posts.
   */
  private readonly blogPosts = new LRUCache<string, Map<string, PostDoc | null>>({
    max: 2_000,
    ttl: BLOG_CACHE_TTL_MS,
  });
  /** A blog's list pages and totals, per change counter value. */
  private readonly blogPages = new LRUCache<string, Promise<BlogPageRead>>({
    max: 2_000,
    ttl: BLOG_CACHE_TTL_MS,
  });

  constructor(private readonly deps: RealWorldArticlesDeps) {}

  // ───────────────────────────── reads ─────────────────────────────

  async list(scope: Scope, caller: ApiCaller | null, q: ListQuery): Promise<ArticlesPage> {
    const userIds = await this.usernamesToIds([q.author, q.favorited]);
    const [authorId, favoritedById] = userIds;
    // A filter naming nobody matches nothing.
    if ((q.author && !authorId) || (q.favorited && !favoritedById)) return { articles: [], articlesCount: 0 };
    const tag = q.tag ? normalizeFeedTag(q.tag) : undefined;
    if (scope.kind === "blog") {
      const filter = async () => {
        const f: Filter<PostDoc> = { ...PUBLISHED };
        if (tag) f.tags = tag;
        if (authorId) f.authorIds = authorId;
        if (favoritedById) {
          // The blog's likes: a like moves the blog's change counter, so this is cached with the page.
          const likes = await this.deps.db
            .forTenant(scope.tenant)
            .likes.find({ userId: favoritedById }, { projection: { postId: 1 } })
            .limit(MAX_IDS)
            .toArray();
          f._id = { $in: likes.map((l) => l.postId) };
        }
        return f;
      };
      const key = JSON.stringify([
        tag ?? null,
        authorId?.toHexString() ?? null,
        favoritedById?.toHexString() ?? null,
      ]);
      return this.blogPage(scope, caller, filter, q, key);
    }
    const filter: Filter<FeedItemDoc> = { ...FEED_VISIBLE };
    if (tag) filter.tags = tag;
    if (authorId) filter.authorIds = authorId;
    // Favourites change without a feed write: only lists of the feed's own fields are cached.
    if (!favoritedById) {
      const key = JSON.stringify([tag ?? null, authorId?.toHexString() ?? null]);
      return this.networkPage(scope, caller, filter, q, key);
    }
    const favorites = await this.deps.db
      .master()
      .favorites.find({ userId: favoritedById }, { projection: { tenantId: 1, postId: 1 } })
      .limit(MAX_IDS)
      .toArray();
    if (!favorites.length) return { articles: [], articlesCount: 0 };
    const byTenant = new Map<string, ObjectId[]>();
    for (const f of favorites) {
      const key = f.tenantId.toHexString();
      byTenant.set(key, [...(byTenant.get(key) ?? []), f.postId]);
    }
    filter.$or = [...byTenant].map(([tenantId, postIds]) => ({
      tenantId: new ObjectId(tenantId),
      postId: { $in: postIds },
    }));
    return this.networkPage(scope, caller, filter, q);
  }

  /** Articles by the people the caller follows, newest first. */
  async feed(scope: Scope, caller: ApiCaller, q: PageQuery): Promise<ArticlesPage> {
    const followees = await this.deps.follows.followees(caller.oid);
    if (!followees.length) return { articles: [], articlesCount: 0 };
    if (scope.kind === "blog") {
      return this.blogPage(scope, caller, async () => ({ ...PUBLISHED, authorIds: { $in: followees } }), q);
    }
    return this.networkPage(scope, caller, { ...FEED_VISIBLE, authorIds: { $in: followees } }, q);
  }

  async get(scope: Scope, caller: ApiCaller | null, slug: string): Promise<ArticleJson> {
    return this.one(scope, caller, await this.locate(scope, slug));
  }

  // ───────────────────────────── writes ─────────────────────────────

  async create(scope: Scope, caller: ApiCaller, input: NewArticle): Promise<ArticleJson> {
    const tenant = await this.targetBlog(scope, caller, input.blog ?? null);
    const actor = await this.writer(tenant, caller);
    const content = markdownToContent(input.body);
    const { posts } = this.deps;
    const draft = await posts.create(tenant, actor, { title: input.title, content });
    const saved = await posts.save(tenant, actor, draft.id, {
      baseVersion: draft.version,
      excerpt: input.description,
      tags: input.tagList ?? [],
    });
    if (!saved.ok) throw new AppError("CONFLICT", "The article changed while it was being created.");
    await this.rememberMarkdown(tenant, draft.id, input.body, content);
    await posts.publish(tenant, actor, draft.id);
    return this.one(scope, caller, { tenant, post: await this.reload(tenant, draft.id) });
  }

  async update(scope: Scope, caller: ApiCaller, slug: string, input: UpdateArticle): Promise<ArticleJson> {
    let located = await this.locate(scope, slug);
    const actor = await this.editor(located, caller);
    const change: Omit<SavePostInput, "baseVersion"> = {};
    if (input.title !== undefined) change.title = input.title;
    if (input.description !== undefined) change.excerpt = input.description;
    if (input.tagList !== undefined && input.tagList !== null) change.tags = input.tagList;
    const content = input.body !== undefined ? markdownToContent(input.body) : undefined;
    if (content) change.content = content;
    if (!Object.keys(change).length) return this.one(scope, caller, located);
    // The API has no versions: a save that met a concurrent studio save is made again on top of it
    // (the studio's next save then sees the conflict and shows both versions).
    for (let attempt = 0; ; attempt++) {
      const result = await this.deps.posts.save(located.tenant, actor, located.post._id.toHexString(), {
        ...change,
        baseVersion: located.post.version,
      });
      if (result.ok) break;
      if (attempt >= 3) throw new AppError("CONFLICT", "The article is being edited; try again.");
      located = { ...located, post: await this.reload(located.tenant, located.post._id.toHexString()) };
    }
    const id = located.post._id.toHexString();
    if (content && input.body !== undefined)
      await this.rememberMarkdown(located.tenant, id, input.body, content);
    return this.one(scope, caller, { tenant: located.tenant, post: await this.reload(located.tenant, id) });
  }

  async delete(scope: Scope, caller: ApiCaller, slug: string): Promise<void> {
    const located = await this.locate(scope, slug);
    const actor = await this.editor(located, caller);
    await this.deps.posts.delete(located.tenant, actor, located.post._id.toHexString());
  }

  /** Favourite = like: idempotent in both directions (the like is a toggle underneath). */
  async favorite(scope: Scope, caller: ApiCaller, slug: string, favorited: boolean): Promise<ArticleJson> {
    const located = await this.locate(scope, slug);
    const postId = located.post._id.toHexString();
    const likes = this.deps.db.forTenant(located.tenant).likes;
    const liked = async () =>
      (await likes.countDocuments({ postId: located.post._id, userId: caller.oid }, { limit: 1 })) > 0;
    if ((await liked()) !== favorited) {
      // A concurrent request of the same person may have toggled too: toggle until it says so.
      for (let attempt = 0; attempt < 4; attempt++) {
        const result = await this.deps.signals.toggleLike(located.tenant, caller.id, postId);
        if (result.liked === favorited) break;
      }
    }
    return this.one(scope, caller, {
      tenant: located.tenant,
      post: await this.reload(located.tenant, postId),
    });
  }

  // ───────────────────────────── lookups ─────────────────────────────

  /**
   * The published post a slug names in this scope: `blog~post` anywhere (its blog must be this
   * one on a blog's host), the bare post slug on a blog. An earlier slug of a post still finds it.
   */
  async locate(scope: Scope, rawSlug: string): Promise<Located> {
    const slug = safeDecode(rawSlug).trim();
    const named = parseNetworkSlug(slug);
    let tenant: TenantDoc | null;
    let postSlug: string;
    if (named) {
      tenant =
        scope.kind === "blog"
          ? named.blog === scope.tenant.slug
            ? scope.tenant
            : null
          : await this.deps.scopes.blog(named.blog);
      postSlug = named.post;
    } else {
      tenant = scope.kind === "blog" ? scope.tenant : null;
      postSlug = slug.toLowerCase();
    }
    if (!tenant || !postSlug || postSlug.length > 120) throw notFound("article");
    const posts = this.deps.db.forTenant(tenant).posts;
    const post =
      (await posts.findOne({ ...PUBLISHED, slug: postSlug })) ??
      (await posts.findOne({ ...PUBLISHED, previousSlugs: postSlug }));
    if (!post) throw notFound("article");
    return { tenant, post };
  }

  private async one(scope: Scope, caller: ApiCaller | null, located: Located): Promise<ArticleJson> {
    const [article] = await this.deps.presenter.present(scope, caller, [located], { body: true });
    if (!article) throw notFound("article");
    return article;
  }

  private async reload(tenant: TenantDoc, id: string): Promise<PostDoc> {
    const post = await this.deps.db
      .forTenant(tenant)
      .posts.findOne({ _id: new ObjectId(id), deletedAt: null });
    if (!post) throw notFound("article");
    return post;
  }

  private async rememberMarkdown(tenant: TenantDoc, id: string, source: string, content: unknown) {
    await this.deps.db
      .forTenant(tenant)
      .posts.updateOne(
        { _id: new ObjectId(id) },
        { $set: { markdown: { source, contentHash: contentHash(content) } } },
      );
  }

  private async usernamesToIds(names: (string | undefined)[]): Promise<(ObjectId | null)[]> {
    const wanted = names.map((n) => n?.trim().toLowerCase() || null);
    const present = wanted.filter((n): n is string => Boolean(n));
    if (!present.length) return wanted.map(() => null);
    const users = await this.deps.db
      .master()
      .users.find({ username: { $in: present } }, { projection: { username: 1 } })
      .toArray();
    const byName = new Map(users.map((u) => [u.username, u._id]));
    return wanted.map((n) => (n ? (byName.get(n) ?? null) : null));
  }

  /** Where a new article goes: this blog, the named blog, or the caller's personal blog. */
  private async targetBlog(scope: Scope, caller: ApiCaller, blogSlug: string | null): Promise<TenantDoc> {
    if (scope.kind === "blog") return scope.tenant;
    if (blogSlug) {
      const tenant = await this.deps.scopes.blog(blogSlug);
      if (!tenant) throw unprocessable("blog", "is not a blog on this network");
      return tenant;
    }
    return this.deps.personalBlogs.forUser({ _id: caller.oid }, tenantCaller(caller));
  }

  /** Anyone with a role on the blog writes there (authors, editors, owners). */
  private async writer(tenant: TenantDoc, caller: ApiCaller): Promise<PostActor> {
    const role = await this.deps.memberships.roleOf(tenant._id, caller.id);
    if (!role) throw forbidden("Only members of this blog can publish on it.");
    return { userId: caller.oid, role };
  }

  /** Editors and owners change every post; authors only their own. */
  private async editor(located: Located, caller: ApiCaller): Promise<PostActor> {
    const role = await this.deps.memberships.roleOf(located.tenant._id, caller.id);
    const actor = role ? { userId: caller.oid, role } : null;
    if (!actor || !canEditPost(actor, located.post)) {
      throw forbidden("Only the article's author or the blog's editors can change it.");
    }
    return actor;
  }

  /**
   * A page of a blog's articles. With a `cacheKey` (the filter) the page and its total come from
   * the cache while the blog's change counter is unchanged.
   */
  private async blogPage(
    scope: Extract<Scope, { kind: "blog" }>,
    caller: ApiCaller | null,
    filter: () => Promise<Filter<PostDoc>>,
    q: PageQuery,
    cacheKey?: string,
  ): Promise<ArticlesPage> {
    const posts = this.deps.db.forTenant(scope.tenant).posts;
    const read = async (): Promise<BlogPageRead> => {
      const f = await filter();
      const [docs, count] = await Promise.all([
        posts
          .find(f, { projection: LIST_PROJECTION })
          .sort({ publishedAt: -1, _id: -1 })
          .skip(q.offset)
          .limit(q.limit)
          .toArray(),
        posts.countDocuments(f),
      ]);
      return { docs, count };
    };
    const tenantId = scope.tenant._id.toHexString();
    const counter =
      cacheKey !== undefined && this.deps.blogChanges
        ? ((await this.deps.blogChanges([tenantId]))?.[0] ?? null)
        : null;
    const page =
      counter === null || cacheKey === undefined
        ? await read()
        : await shared(this.blogPages, `${tenantId}|${counter}|${cacheKey}|${q.offset}|${q.limit}`, read);
    const items = page.docs.map((post) => ({ tenant: scope.tenant, post }));
    return {
      articles: await this.deps.presenter.present(scope, caller, items, { body: false }),
      articlesCount: page.count,
    };
  }

  /**
   * A page of the network feed, each row read back from its blog (the post is the truth). With a
   * `cacheKey` (the filter, for filters of the feed's own fields) the rows and the total come
   * from the cache while the feed's change counter is unchanged.
   */
  private async networkPage(
    scope: Scope,
    caller: ApiCaller | null,
    filter: Filter<FeedItemDoc>,
    q: PageQuery,
    cacheKey?: string,
  ): Promise<ArticlesPage> {
    const feed = this.deps.db.master().globalFeed;
    const readRows = () =>
      feed
        .find(filter, { projection: { _id: 0, tenantSlug: 1, postId: 1 } })
        .sort({ publishedAt: -1, _id: -1 })
        .skip(q.offset)
        .limit(q.limit)
        .toArray() as Promise<FeedRef[]>;
    const readCount = () => feed.countDocuments(filter);
    const counter = cacheKey !== undefined && this.deps.feedCounter ? await this.deps.feedCounter() : null;
    const [rows, articlesCount] =
      counter === null || cacheKey === undefined
        ? await Promise.all([readRows(), readCount()])
        : await Promise.all([
            shared(this.networkRows, `${counter}|${cacheKey}|${q.offset}|${q.limit}`, readRows),
            shared(this.networkCounts, `${counter}|${cacheKey}`, readCount),
          ]);
    const bySlug = new Map<string, ObjectId[]>();
    for (const row of rows) bySlug.set(row.tenantSlug, [...(bySlug.get(row.tenantSlug) ?? []), row.postId]);
    const blogs = (
      await Promise.all(
        [...bySlug].map(async ([slug, ids]) => {
          const tenant = await this.deps.scopes.blog(slug);
          return tenant ? [{ slug, tenant, ids }] : [];
        }),
      )
    ).flat();
    const counters = this.deps.blogChanges
      ? await this.deps.blogChanges(blogs.map((b) => b.tenant._id.toHexString()))
      : null;
    const found = new Map<string, Located>();
    await Promise.all(
      blogs.map(async ({ slug, tenant, ids }, i) => {
        const counter = counters?.[i];
        const posts = await this.publishedPosts(tenant, ids, counter ?? null);
        for (const post of posts) found.set(`${slug}:${post._id.toHexString()}`, { tenant, post });
      }),
    );
    // In the feed's order; a row whose post left its blog a moment ago is skipped.
    const items = rows.flatMap((row) => {
      const hit = found.get(`${row.tenantSlug}:${row.postId.toHexString()}`);
      return hit ? [hit] : [];
    });
    return {
      articles: await this.deps.presenter.present(scope, caller, items, { body: false }),
      articlesCount,
    };
  }

  /**
   * The published posts among `ids` of one blog (list fields only), from the cache for this
   * value of the blog's change counter, the rest read in one query and remembered there.
   */
  private async publishedPosts(
    tenant: TenantDoc,
    ids: ObjectId[],
    counter: string | null,
  ): Promise<PostDoc[]> {
    const read = (wanted: ObjectId[]) =>
      this.deps.db
        .forTenant(tenant)
        .posts.find({ ...PUBLISHED, _id: { $in: wanted } }, { projection: LIST_PROJECTION })
        .toArray();
    if (counter === null) return read(ids);
    const key = `${tenant._id.toHexString()}|${counter}`;
    let known = this.blogPosts.get(key);
    if (!known) {
      known = new Map();
      this.blogPosts.set(key, known);
    }
    const missing = ids.filter((id) => !known.has(id.toHexString()));
    if (missing.length) {
      const docs = await read(missing);
      for (const id of missing) known.set(id.toHexString(), null);
      for (const doc of docs) known.set(doc._id.toHexString(), doc);
    }
    return ids.flatMap((id) => {
      const doc = known.get(id.toHexString());
      return doc ? [doc] : [];
    });
  }
}

/** The cached promise under `key`, or `read()` cached there (a failure is not kept). */
function shared<T extends {}>(cache: LRUCache<string, Promise<T>>, key: string, read: () => Promise<T>) {
  let hit = cache.get(key);
  if (!hit) {
    hit = read();
    cache.set(key, hit);
    hit.catch(() => cache.delete(key));
  }
  return hit;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
