import type { ObjectId } from "mongodb";

/** Documents of `<prefix>_master` and of each `<prefix>_tenant_<id>` (see ARCHITECTURE.md › Data). */

export type TenantStatus = "pending" | "active" | "failed" | "deleted";
export type Theme = "classic" | "minimal" | "bold";
export type Role = "owner" | "editor" | "author";

export interface TenantDoc {
  _id: ObjectId;
  name: string;
  slug: string;
  theme: Theme;
  status: TenantStatus;
  databaseName?: string;
  /** A tenant may live on its own cluster (seed 002 §3.2); absent means the default cluster. */
  clusterUri?: string;
  ownerId: ObjectId;
  failureReason?: string;
  createdAt: Date;
  updatedAt: Date;
  deletedAt?: Date;
  /** Set when a platform admin dropped the (soft-deleted) tenant's database. */
  databaseDroppedAt?: Date;
  /** Set once a deleted tenant's rows were removed from `global_feed` (feed issue). */
  feedPurgedAt?: Date;
  /** When the pipeline sent the deleted tenant's tombstone (its posts leave the search index). */
  searchRemovedAt?: Date;
}

export interface UserDoc {
  _id: ObjectId;
  email: string; // lower-cased
  username: string; // unique, lower-cased
  name: string;
  passwordHash?: string; // argon2id; absent for OAuth-only users
  bio: string;
  image: string | null;
  platformAdmin: boolean;
  githubId?: string;
  createdAt: Date;
  updatedAt: Date;
  /**
   * Bumped on every change readers see next to the person's posts (name, username, avatar), with
   * its time: fan-out (global_feed.authorName, bylines) compares it with what it last copied.
   */
  profileVersion?: number;
  profileChangedAt?: Date;
  /** The avatar's object base (`avatars/<userId>/<id>`) and its square WebP sizes (size → key); `image` holds the 256 px URL. */
  avatar?: { base: string; variants: Record<string, string> } | null;
  /**
   * RealWorld API (issue 22): the blog a root-domain `POST /api/articles` publishes into, created on
   * first use; `personalBlogClaimAt` is set while one request creates it, so a second one waits.
   */
  personalBlogId?: ObjectId | null;
  personalBlogClaimAt?: Date | null;
}

export interface MembershipDoc {
  _id: ObjectId;
  tenantId: ObjectId;
  userId: ObjectId;
  role: Role;
  createdAt: Date;
}

export interface AuditEntryDoc {
  _id: ObjectId;
  actorId: ObjectId | null;
  actorEmail: string | null;
  action: string; // e.g. "tenant.create", "tenant.delete", "membership.role_change", "auth.secret_rotation"
  target: { type: string; id: string; label?: string };
  ip: string | null;
  requestId: string | null;
  details?: Record<string, unknown>;
  at: Date;
}

export type PostStatus = "draft" | "scheduled" | "published" | "archived";
export type PostType = "post" | "page";

/**
 * A post in a tenant database. This is the contract every content issue shares:
 * - `version` bumps on every saved change; `syncedVersion` / `ingestedVersion` / `enrichedVersion`
 *   record how far each fan-out step (global feed, ingestion task on Kafka, enrichment patched
 *   back) has got. A step is behind when its version is below `version` (for a published post) or
 *   when the post left the published state and its tombstone was not yet sent; the worker re-drives
 *   anything behind, so a crash between the write and the fan-out loses nothing.
 * - `html`, `text`, `wordCount` and `readingMinutes` are computed once by the shared renderer when
 *   the post is saved; reader requests never render Tiptap.
 * Fields added by later issues are optional so older documents stay valid.
 */
export interface PostDoc {
  _id: ObjectId;
  title: string;
  slug: string;
  /** Earlier slugs of this post; the reader answers them with a 301 to `slug`. */
  previousSlugs?: string[];
  content: unknown; // Tiptap JSON
  /** Rendered and sanitized at save time by the shared renderer. */
  html?: string;
  /** Plain text of the content (ingestion, excerpts, search). */
  text?: string;
  wordCount?: number;
  readingMinutes?: number;
  excerpt: string;
  /** True when the writer typed the excerpt; otherwise it follows the content. */
  customExcerpt?: boolean;
  /** Normalised: trimmed, lower-cased, inner whitespace collapsed; unique per post. */
  tags: string[];
  coverUrl?: string | null;
  coverAlt?: string;
  type?: PostType; // absent means "post"
  featured?: boolean;
  status: PostStatus;
  publishAt: Date | null;
  publishedAt: Date | null;
  authorIds: ObjectId[];
  version: number;
  /** Version last written to `conduit_master.global_feed` (or removed from it). */
  syncedVersion: number;
  /** Version whose ingestion task (or tombstone) Kafka acknowledged. */
  ingestedVersion?: number;
  /** Version whose enrichment was patched back and indexed for search. */
  enrichedVersion?: number;
  /** Times of each pipeline step for the latest version (studio pipeline chips). */
  pipeline?: {
    savedAt?: Date;
    syncedAt?: Date;
    ingestedAt?: Date;
    enrichedAt?: Date;
    indexedAt?: Date;
    /** When the pipeline sent this post's tombstone (it left the network); cleared by the next task. */
    tombstonedAt?: Date;
  };
  enrichment?: {
    summary: string;
    entities: { text: string; type: string }[];
    keyConcepts: string[];
    language: string;
    model: string;
    version: number;
    enrichedAt: Date;
  };
  /** Nearest neighbours across the network, stored by the result consumer. */
  related?: {
    tenantId: string;
    tenantSlug: string;
    postId: string;
    slug: string;
    title: string;
    url: string;
  }[];
  /** Counters maintained off the render path (views, likes, comments). */
  metrics?: { views: number; likes: number; comments: number };
  /** Soft delete: the tombstone stays until every fan-out step has removed the post downstream. */
  deletedAt?: Date | null;
  /** Studio: true once the writer set the slug by hand (until then a draft's slug follows its title). */
  slugCustom?: boolean;
  /** Studio: nonce of the live shareable preview link; replacing or clearing it revokes the link. */
  previewKey?: string | null;
  /** Studio: who saved last. */
  updatedBy?: ObjectId;
  /**
   * RealWorld API (issue 22): the Markdown an API client sent, returned verbatim while `content`
   * still hashes to `contentHash` (i.e. until the body is edited in the studio).
   */
  markdown?: { source: string; contentHash: string } | null;
  /** RealWorld API: the last comment number handed out for this post (comment ids are integers). */
  commentSeq?: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface CommentDoc {
  _id: ObjectId;
  postId: ObjectId;
  /** A reply names its top-level comment; replies to replies attach to the same parent. */
  parentId?: ObjectId | null;
  authorId: ObjectId | null;
  body: string;
  hidden?: boolean;
  editedAt?: Date | null;
  /** RealWorld API: the comment's integer id within its post (from `PostDoc.commentSeq`). */
  number?: number;
  deletedAt?: Date | null;
  createdAt: Date;
}

/** One saved state of a post (autosaves coalesced, plus one per publish). Tenant `revisions`. */
export interface RevisionDoc {
  _id: ObjectId;
  postId: ObjectId;
  authorId: ObjectId;
  title: string;
  content: unknown;
  version: number;
  reason: "autosave" | "publish" | "restore";
  /** An autosave revision still absorbing its author's saves (coalescing window); cleared when another opens. */
  open?: boolean;
  wordCount?: number;
  createdAt: Date;
  updatedAt: Date;
}

/** An uploaded object of the blog. Tenant `media`; the S3 key always starts with the tenant id. */
export interface MediaDoc {
  _id: ObjectId;
  key: string;
  filename: string;
  contentType: string;
  size: number;
  width?: number;
  height?: number;
  /** Resized variants (width → key), made once after upload. */
  variants?: Record<string, string>;
  uploaderId: ObjectId;
  status: "pending" | "ready";
  createdAt: Date;
  /** Set while one confirm call makes the variants, so a second call doesn't make them again. */
  processingAt?: Date;
  readyAt?: Date;
  /** Default alt text offered when the image is inserted (the post keeps its own). */
  alt?: string;
  /** Bytes of all variants, and the sharp time to make them (measured at upload). */
  variantBytes?: number;
  resizeMs?: number;
}

/** A signed-in reader's like of a post. Tenant `likes`, unique on (postId, userId). */
export interface LikeDoc {
  _id: ObjectId;
  postId: ObjectId;
  userId: ObjectId;
  createdAt: Date;
}

/** One counted view per reader per post per day. Tenant `views`, unique on (postId, reader, day). */
export interface ViewDoc {
  _id: ObjectId;
  postId: ObjectId;
  reader: string; // user id or a hash of ip + user agent
  day: string; // YYYY-MM-DD (UTC)
  createdAt: Date;
}

/** `conduit_master.global_feed`: one row per published post, upserted only (ARCHITECTURE.md › Data). */
export interface FeedItemDoc {
  _id: ObjectId;
  tenantId: ObjectId;
  tenantSlug: string;
  postId: ObjectId;
  /** The post version this row reflects; an upsert with an older version never overwrites. */
  version: number;
  slug: string;
  title: string;
  excerpt: string;
  tags: string[];
  authorId: ObjectId;
  authorIds: ObjectId[];
  authorName: string;
  authorUsername?: string;
  coverUrl: string | null;
  readingMinutes?: number;
  publishedAt: Date;
  hotScore: number;
  metrics: { views: number; likes: number; comments: number };
  /** Weighted signals (views + 4·likes + 8·comments), the `top` sort key (feed issue). */
  signalScore?: number;
  /**
   * Set on a tombstone: the post left the feed at `version`. A tombstone keeps only the key,
   * `version` and `metrics` (no publishedAt/tags/hotScore, so no feed query matches it) and blocks
   * an older sync that arrives late; a TTL index drops it after an hour. Read the feed through
   * `FeedService`, or filter `removedAt: {$exists: false}`.
   */
  removedAt?: Date;
  updatedAt: Date;
}

/** `conduit_master.scheduled_posts`: where the scheduler's sweep looks, written with the post. */
export interface ScheduledPostDoc {
  _id: string; // `${tenantId}:${postId}`
  tenantId: ObjectId;
  postId: ObjectId;
  version: number;
  publishAt: Date;
}

/** `conduit_master.follows`: a user follows a person, platform-wide. */
export interface FollowDoc {
  _id: ObjectId;
  followerId: ObjectId;
  followeeId: ObjectId;
  createdAt: Date;
}

/** `conduit_master.favorites`: master-level index of likes (user, tenant, post), written with the like. */
export interface FavoriteDoc {
  _id: ObjectId;
  userId: ObjectId;
  tenantId: ObjectId;
  postId: ObjectId;
  createdAt: Date;
}

/**
 * `conduit_master.pipeline_latency`: one row per post version made searchable (pipeline issue),
 * for the platform-admin p50/p99 over the last 1,000 posts. Written by the result consumer.
 */
export interface PipelineLatencyDoc {
  _id: string; // `${tenantId}:${postId}:${version}`
  tenantId: ObjectId;
  postId: ObjectId;
  version: number;
  /** Saved (or published) → searchable, in ms. */
  latencyMs: number;
  /** The ingestion service's own share (analysis + embedding). */
  enrichMs: number;
  indexedAt: Date;
  /**
   * Where the latency went, in ms (absent on rows written before it was recorded): saved → task
   * on Kafka, task → taken by the ingestion service, its work, result → taken by the worker, the
   * worker's reads and patch, the index write until searchable.
   */
  stages?: Partial<Record<PipelineStage, number>>;
}

export type PipelineStage = "fanout" | "ingestWait" | "ingestWork" | "deliver" | "apply" | "index";

/** Blog-wide settings: a single document with `_id: "blog"`. */
export interface SettingsDoc {
  _id: string;
  title: string;
  description: string;
  theme: Theme;
  /** Media URL of the blog's logo (media issue). */
  logoUrl?: string | null;
  /** Header navigation of the reader site (reader issue). */
  navigation?: { label: string; url: string }[];
  updatedAt: Date;
}
