import { LRUCache } from "lru-cache";
import type { ObjectId } from "mongodb";
import type { DatabaseService, PostDoc, TenantDoc, UserDoc } from "../../db";
import type { FollowsService } from "../follows/follows-service";
import { contentHash, contentToMarkdown } from "../markdown/markdown";
import { networkSlug } from "./network-slug";
import type { Scope } from "./scope";

/** A published post and its blog: what an "article" is. */
export interface Located {
  tenant: TenantDoc;
  post: PostDoc;
}

export interface ProfileJson {
  username: string;
  bio: string;
  image: string | null;
  following: boolean;
}

export interface ArticleJson {
  slug: string;
  title: string;
  description: string;
  body?: string;
  tagList: string[];
  createdAt: string;
  updatedAt: string;
  favorited: boolean;
  favoritesCount: number;
  author: ProfileJson;
}

export type Author = Pick<UserDoc, "_id" | "username" | "bio" | "image">;

/** A caller's follows (followee ids) and favourites (`tenantId:postId`), for their flags. */
interface Marks {
  followees: Set<string>;
  favorites: Set<string>;
}
/** People with more follows or favourites than this get their flags read per page instead. */
const MAX_MARKS = 1_000;

/** Everything of a post a list shows: the body and its renderings stay in the database. */
export const LIST_PROJECTION = {
  content: 0,
  html: 0,
  text: 0,
  markdown: 0,
  enrichment: 0,
  related: 0,
} as const;

export const AUTHOR_PROJECTION = { username: 1, bio: 1, image: 1 } as const;

export function profileJson(user: Author | null, following: boolean): ProfileJson {
  return {
    username: user?.username ?? "unknown",
    bio: user?.bio ?? "",
    image: user?.image ?? null,
    following,
  };
}

/**
 * The body as Markdown: what the API client sent while the content is still the document made
 * from it, otherwise (written or edited in the studio) Markdown made from the content.
 */
export function markdownOf(post: Pick<PostDoc, "content" | "markdown">): string {
  const stored = post.markdown;
  if (stored && stored.contentHash === contentHash(post.content)) return stored.source;
  return contentToMarkdown(post.content);
}

/** The slug an article has in this scope: network-unique on the root domain, the post's own on its blog. */
export function articleSlug(scope: Scope, { tenant, post }: Located): string {
  return scope.kind === "network" ? networkSlug(tenant.slug, post.slug) : post.slug;
}

/**
 * Published posts → RealWorld articles for one caller: authors (first author of the post),
 * `following` and `favorited` flags for the caller, `favoritesCount` from the post's like counter
 * (kept in the same request as the like). A handful of queries per page, never one per article.
 */
export class ArticlePresenter {
  /**
   * Callers' follows and favourites per value of their change counter (`personChanges`: moved
   * by every like, follow and unfollow of theirs before it answers), so flags are exact at once.
   */
  private readonly marks = new LRUCache<string, Promise<Marks | null>>({ max: 1_000, ttl: 60_000 });

  constructor(
    private readonly deps: {
      db: DatabaseService;
      follows: FollowsService;
      /** The caller's change counter now, or null (then flags are read per page). */
      personChanges?: (userId: string) => Promise<string | null>;
    },
  ) {}

  async present(
    scope: Scope,
    caller: { oid: ObjectId } | null,
    items: Located[],
    opts: { body: boolean },
  ): Promise<ArticleJson[]> {
    if (!items.length) return [];
    const authorIds = items.flatMap(({ post }) => (post.authorIds?.[0] ? [post.authorIds[0]] : []));
    const marks = caller ? this.marksOf(caller.oid) : Promise.resolve(null);
    const [authors, followed, favorited] = await Promise.all([
      this.authors(authorIds),
      marks.then((m) =>
        m
          ? new Set(authorIds.map((id) => id.toHexString()).filter((id) => m.followees.has(id)))
          : this.deps.follows.followedAmong(caller?.oid ?? null, authorIds),
      ),
      // On a blog the flag stays the blog's own `likes` (one query); across the network it is
      // the master `favorites` index, as `favoritedBy` reads it.
      marks.then((m) =>
        m && scope.kind === "network"
          ? new Set(items.map(keyOf).filter((key) => m.favorites.has(key)))
          : this.favoritedBy(scope, caller, items),
      ),
    ]);
    return items.map((item) => {
      const { post } = item;
      const authorId = post.authorIds?.[0]?.toHexString() ?? "";
      const publishedAt = post.publishedAt ?? post.createdAt;
      const updatedAt = new Date(Math.max(post.updatedAt.getTime(), publishedAt.getTime()));
      const article: ArticleJson = {
        slug: articleSlug(scope, item),
        title: post.title,
        description: post.excerpt ?? "",
        tagList: [...(post.tags ?? [])].sort(),
        createdAt: publishedAt.toISOString(),
        updatedAt: updatedAt.toISOString(),
        favorited: favorited.has(keyOf(item)),
        favoritesCount: Math.max(0, post.metrics?.likes ?? 0),
        author: profileJson(authors.get(authorId) ?? null, followed.has(authorId)),
      };
      if (opts.body) {
        // Keep the spec's key order: body right after description.
        const { slug, title, description, ...rest } = article;
        return { slug, title, description, body: markdownOf(post), ...rest };
      }
      return article;
    });
  }

  /** The caller's follows and favourites for this value of their counter; null: read per page. */
  private async marksOf(oid: ObjectId): Promise<Marks | null> {
    if (!this.deps.personChanges) return null;
    const id = oid.toHexString();
    const counter = await this.deps.personChanges(id);
    if (counter === null) return null;
    const key = `${id}|${counter}`;
    let hit = this.marks.get(key);
    if (!hit) {
      hit = this.readMarks(oid);
      this.marks.set(key, hit);
      hit.catch(() => this.marks.delete(key));
    }
    return hit;
  }

  private async readMarks(oid: ObjectId): Promise<Marks | null> {
    const master = this.deps.db.master();
    const [follows, favorites] = await Promise.all([
      master.follows
        .find({ followerId: oid }, { projection: { followeeId: 1 } })
        .limit(MAX_MARKS + 1)
        .toArray(),
      master.favorites
        .find({ userId: oid }, { projection: { tenantId: 1, postId: 1 } })
        .limit(MAX_MARKS + 1)
        .toArray(),
    ]);
    if (follows.length > MAX_MARKS || favorites.length > MAX_MARKS) return null;
    return {
      followees: new Set(follows.map((f) => f.followeeId.toHexString())),
      favorites: new Set(favorites.map((f) => `${f.tenantId.toHexString()}:${f.postId.toHexString()}`)),
    };
  }

  async authors(ids: ObjectId[]): Promise<Map<string, Author>> {
    if (!ids.length) return new Map();
    const users = await this.deps.db
      .master()
      .users.find({ _id: { $in: ids } }, { projection: AUTHOR_PROJECTION })
      .toArray();
    return new Map(users.map((u) => [u._id.toHexString(), u]));
  }

  /**
   * Which of these articles the caller likes: the blog's own `likes` on a blog, the master
   * `favorites` index (written in the same request as the like) across the network.
   */
  private async favoritedBy(
    scope: Scope,
    caller: { oid: ObjectId } | null,
    items: Located[],
  ): Promise<Set<string>> {
    if (!caller) return new Set();
    const postIds = items.map((i) => i.post._id);
    if (scope.kind === "blog") {
      const rows = await this.deps.db
        .forTenant(scope.tenant)
        .likes.find({ userId: caller.oid, postId: { $in: postIds } }, { projection: { postId: 1 } })
        .toArray();
      return new Set(rows.map((r) => `${scope.tenant._id.toHexString()}:${r.postId.toHexString()}`));
    }
    // One branch per blog, so each is an exact range of the (userId, tenantId, postId) index
    // rather than a walk through every favourite of the caller.
    const byTenant = new Map<string, { tenantId: ObjectId; postIds: ObjectId[] }>();
    for (const { tenant, post } of items) {
      const key = tenant._id.toHexString();
      const entry = byTenant.get(key) ?? { tenantId: tenant._id, postIds: [] };
      entry.postIds.push(post._id);
      byTenant.set(key, entry);
    }
    const rows = await this.deps.db
      .master()
      .favorites.find(
        {
          $or: [...byTenant.values()].map(({ tenantId, postIds }) => ({
            userId: caller.oid,
            tenantId,
            postId: { $in: postIds },
          })),
        },
        { projection: { tenantId: 1, postId: 1 } },
      )
      .toArray();
    return new Set(rows.map((r) => `${r.tenantId.toHexString()}:${r.postId.toHexString()}`));
  }
}

function keyOf({ tenant, post }: Located): string {
  return `${tenant._id.toHexString()}:${post._id.toHexString()}`;
}
