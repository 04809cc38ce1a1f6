import type { ObjectId } from "mongodb";
import type { PostDoc, TenantDoc, UserDoc } from "../../db";
import { hotScoreExpr, NO_SIGNALS, signalScoreExpr } from "../hot-score/formula";

/**
 * What a post contributes to `conduit_master.global_feed`, and the two writes (upsert of a
 * visible post, tombstone of one that left) as pipeline updates guarded by the post version.
 */

const EXCERPT_LENGTH = 220;

/** In the feed: a published, not deleted post (pages are not) of an active blog. */
export function isFeedVisible(
  tenant: Pick<TenantDoc, "status"> | null,
  post: Pick<PostDoc, "status" | "deletedAt" | "type" | "publishedAt"> | null,
): boolean {
  return (
    tenant?.status === "active" &&
    post !== null &&
    post.status === "published" &&
    !post.deletedAt &&
    (post.type ?? "post") === "post" &&
    post.publishedAt instanceof Date
  );
}

/** The stored excerpt, or the opening of the plain text cut at a word. */
export function excerptFor(post: Pick<PostDoc, "excerpt" | "text">): string {
  if (post.excerpt?.trim()) return post.excerpt.trim();
  const flat = (post.text ?? "").replace(/\s+/g, " ").trim();
  if (flat.length <= EXCERPT_LENGTH) return flat;
  const cut = flat.slice(0, EXCERPT_LENGTH);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), EXCERPT_LENGTH / 2)).trimEnd()}…`;
}

export type Author = Pick<UserDoc, "_id" | "name" | "username"> | null;

/** The content fields of a visible post's row (everything but key, metrics and scores). */
export function rowContent(tenant: Pick<TenantDoc, "slug">, post: PostDoc, author: Author, version: number) {
  const authorIds = post.authorIds ?? [];
  const authorId: ObjectId | null = author?._id ?? authorIds[0] ?? null;
  return {
    version,
    tenantSlug: tenant.slug,
    slug: post.slug,
    title: post.title,
    excerpt: excerptFor(post),
    tags: Array.isArray(post.tags) ? post.tags : [],
    authorId,
    authorIds,
    authorName: author ? author.name || author.username : "",
    authorUsername: author?.username ?? null,
    coverUrl: post.coverUrl ?? null,
    readingMinutes: post.readingMinutes ?? null,
    publishedAt: post.publishedAt as Date,
  };
}

/**
 * The upsert of a visible post as a pipeline: user values go in through `$literal` (a title such
 * as "$5 lunches" must stay text, not become a field path), metrics survive from an earlier row or
 * tombstone, and both scores are computed from the row being written.
 */
export function upsertPipeline(content: ReturnType<typeof rowContent>, at: Date) {
  const literal = Object.fromEntries(Object.entries(content).map(([k, v]) => [k, { $literal: v }]));
  return [
    { $set: { ...literal, updatedAt: { $literal: at }, metrics: { $ifNull: ["$metrics", NO_SIGNALS] } } },
    { $unset: ["removedAt"] },
    { $set: { signalScore: signalScoreExpr, hotScore: hotScoreExpr } },
  ];
}

/** Fields a tombstone drops, so that no feed query (tag, author, date or score) can match it. */
export const TOMBSTONE_UNSET = [
  "tenantSlug",
  "slug",
  "title",
  "excerpt",
  "tags",
  "authorId",
  "authorIds",
  "authorName",
  "authorUsername",
  "coverUrl",
  "readingMinutes",
  "publishedAt",
  "hotScore",
  "signalScore",
];

export function tombstonePipeline(version: number, at: Date) {
  return [
    { $set: { version: { $literal: version }, removedAt: { $literal: at }, updatedAt: { $literal: at } } },
    { $unset: TOMBSTONE_UNSET },
  ];
}
