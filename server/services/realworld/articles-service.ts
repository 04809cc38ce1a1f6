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
}

/** A published post of a blog (pages are not articles). */
const PUBLISHED: Filter<PostDoc> = {
  status: "published",
  deletedAt: null,
  type: { $ne: "page" },
  publishedAt: { $ne: null },
};
/** Visible rows of the network feed (tombstones have no publishedAt). */
const FEED_VISIBLE: Filter<FeedItemDoc> = {
  publishedAt: { $lte: new Date(8.64e15) },
  removedAt: { $exists: false },
};
/** Favourites or followed people considered for one list (a bound on the `$in`). */
const MAX_IDS = 5_000;

/**
 * RealWorld articles over the blogs' own posts: no second data model. On a blog's subdomain the
 * articles are its published posts (tenant `posts`); on the root domain they are the network's
 * (`global_feed`, newest first, then each page read from its blogs). Writes go through the
 * studio's PostsService (create → save → publish), so they fan out to the reader cache, the feed
 * and the pipeline like any studio write; favourites are the reader's likes (SignalsService).
 */
export class RealWorldArticles {
  constructor(private readonly deps: RealWorldArticlesDeps) {}

  // ───────────────────────────── reads ─────────────────────────────

  async list(scope: Scope, caller: ApiCaller | null, q: ListQuery): Promise<ArticlesPage> {
    const userIds = await this.usernamesToIds([q.author, q.favorited]);
    const [authorId, favoritedById] = userIds;
    // A filter naming nobody matches nothing.
    if ((q.author && !authorId) || (q.favorited && !favoritedById)) return { articles: [], articlesCount: 0 };
    const tag = q.tag ? normalizeFeedTag(q.tag) : undefined;
    if (scope.kind === "blog") {
      const filter: Filter<PostDoc> = { ...PUBLISHED };
      if (tag) filter.tags = tag;
      if (authorId) filter.authorIds = authorId;
      if (favoritedById) {
        const likes = await this.deps.db
          .forTenant(scope.tenant)
          .likes.find({ userId: favoritedById }, { projection: { postId: 1 } })
          .limit(MAX_IDS)
          .toArray();
        filter._id = { $in: likes.map((l) => l.postId) };
      }
      return this.blogPage(scope, caller, filter, q);
    }
    const filter: Filter<FeedItemDoc> = { ...FEED_VISIBLE };
    if (tag) filter.tags = tag;
    if (authorId) filter.authorIds = authorId;
    if (favoritedById) {
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
    }
    return this.networkPage(scope, caller, filter, q);
  }

  /** Articles by the people the caller follows, newest first. */
  async feed(scope: Scope, caller: ApiCaller, q: PageQuery): Promise<ArticlesPage> {
    const followees = await this.deps.follows.followees(caller.oid);
    if (!followees.length) return { articles: [], articlesCount: 0 };
    if (scope.kind === "blog") {
      return this.blogPage(scope, caller, { ...PUBLISHED, authorIds: { $in: followees } }, q);
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

  private async blogPage(
    scope: Extract<Scope, { kind: "blog" }>,
    caller: ApiCaller | null,
    filter: Filter<PostDoc>,
    q: PageQuery,
  ): Promise<ArticlesPage> {
    const posts = this.deps.db.forTenant(scope.tenant).posts;
    const [docs, articlesCount] = await Promise.all([
      posts
        .find(filter, { projection: LIST_PROJECTION })
        .sort({ publishedAt: -1, _id: -1 })
        .skip(q.offset)
        .limit(q.limit)
        .toArray(),
      posts.countDocuments(filter),
    ]);
    const items = docs.map((post) => ({ tenant: scope.tenant, post }));
    return {
      articles: await this.deps.presenter.present(scope, caller, items, { body: false }),
      articlesCount,
    };
  }

  /** A page of the network feed, each row read back from its blog (the post is the truth). */
  private async networkPage(
    scope: Scope,
    caller: ApiCaller | null,
    filter: Filter<FeedItemDoc>,
    q: PageQuery,
  ): Promise<ArticlesPage> {
    const feed = this.deps.db.master().globalFeed;
    const [rows, articlesCount] = await Promise.all([
      feed
        .find(filter, { projection: { tenantSlug: 1, postId: 1 } })
        .sort({ publishedAt: -1, _id: -1 })
        .skip(q.offset)
        .limit(q.limit)
        .toArray(),
      feed.countDocuments(filter),
    ]);
    const bySlug = new Map<string, ObjectId[]>();
    for (const row of rows) bySlug.set(row.tenantSlug, [...(bySlug.get(row.tenantSlug) ?? []), row.postId]);
    const found = new Map<string, Located>();
    await Promise.all(
      [...bySlug].map(async ([slug, ids]) => {
        const tenant = await this.deps.scopes.blog(slug);
        if (!tenant) return;
        const posts = await this.deps.db
          .forTenant(tenant)
          .posts.find({ ...PUBLISHED, _id: { $in: ids } }, { projection: LIST_PROJECTION })
          .toArray();
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
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
