import { type Filter, ObjectId } from "mongodb";
import type { DatabaseService, PostDoc, TenantRef } from "../../db";
import { AppError } from "../../errors";
import type { PostFanout } from "./fanout";
import { plainTextBlocks, type TextBlock } from "./plain-text";

export type PostStatus = PostDoc["status"];

/** What lists show: everything but the body. */
export interface PostSummary {
  id: string;
  slug: string;
  title: string;
  excerpt: string;
  tags: string[];
  status: PostStatus;
  publishedAt: Date | null;
  publishAt: Date | null;
  updatedAt: Date;
  authorIds: string[];
}

/** A published post for the reader: its body as plain-text blocks (rich rendering comes with the editor). */
export interface PublishedPost extends PostSummary {
  blocks: TextBlock[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type StatusCounts = Record<PostStatus, number>;

const MAX_LIMIT = 50;
const EXCERPT_LENGTH = 220;
const summaryProjection = { content: 0 } as const;

/**
 * Reads a blog's posts. Every query goes through `db.forTenant(tenant)`, so a call for blog A can
 * only ever see blog A's database. Writing and publishing arrive with the editor issue.
 */
export class PostsService {
  private readonly db: DatabaseService;
  /** Downstream hand-off after every committed write (feed, scheduler); optional, see fanout.ts. */
  fanout: PostFanout | undefined;

  constructor(deps: { db: DatabaseService; fanout?: PostFanout }) {
    this.db = deps.db;
    this.fanout = deps.fanout;
  }

  /** Published posts, newest first, `limit` at a time; `cursor` is the previous page's `nextCursor`. */
  async listPublished(
    tenant: TenantRef,
    opts: { limit: number; cursor?: string | null },
  ): Promise<Page<PostSummary>> {
    const limit = clampLimit(opts.limit);
    const filter: Filter<PostDoc> = { status: "published", publishedAt: { $ne: null } };
    if (opts.cursor) {
      const { at, id } = decodeCursor(opts.cursor);
      // Keyset on (publishedAt, _id): stable under inserts, no skip over earlier pages.
      filter.$or = [{ publishedAt: { $lt: at } }, { publishedAt: at, _id: { $lt: id } }];
    }
    const docs = await this.db
      .forTenant(tenant)
      // Content comes along so a post without a stored excerpt still gets one from its body.
      .posts.find(filter)
      .sort({ publishedAt: -1, _id: -1 })
      .limit(limit + 1)
      .toArray();
    const page = docs.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toSummary),
      nextCursor: docs.length > limit && last?.publishedAt ? encodeCursor(last.publishedAt, last._id) : null,
    };
  }

  /** A published post by its slug, or null (drafts and archived posts are not public). */
  async getPublishedBySlug(tenant: TenantRef, slug: string): Promise<PublishedPost | null> {
    const doc = await this.db.forTenant(tenant).posts.findOne({ slug, status: "published" });
    if (!doc) return null;
    return { ...toSummary(doc), blocks: plainTextBlocks(doc.content) };
  }

  async countsByStatus(tenant: TenantRef): Promise<StatusCounts> {
    const { posts } = this.db.forTenant(tenant);
    const statuses: PostStatus[] = ["draft", "scheduled", "published", "archived"];
    const counts = await Promise.all(statuses.map((status) => posts.countDocuments({ status })));
    return Object.fromEntries(statuses.map((s, i) => [s, counts[i] ?? 0])) as StatusCounts;
  }

  /** Every post whatever its status, most recently edited first, for the studio. */
  async listForStudio(tenant: TenantRef, opts: { limit: number }): Promise<PostSummary[]> {
    const docs = await this.db
      .forTenant(tenant)
      .posts.find({}, { projection: summaryProjection })
      .sort({ updatedAt: -1, _id: -1 })
      .limit(clampLimit(opts.limit, 200))
      .toArray();
    return docs.map(toSummary);
  }
}

function clampLimit(limit: number, max = MAX_LIMIT): number {
  return Number.isFinite(limit) ? Math.min(Math.max(Math.trunc(limit), 1), max) : 10;
}

function toSummary(doc: Omit<PostDoc, "content"> & { content?: unknown }): PostSummary {
  return {
    id: doc._id.toHexString(),
    slug: doc.slug,
    title: doc.title,
    excerpt: doc.excerpt || (doc.content !== undefined ? excerptOf(doc.content) : ""),
    tags: Array.isArray(doc.tags) ? doc.tags : [],
    status: doc.status,
    publishedAt: doc.publishedAt ?? null,
    publishAt: doc.publishAt ?? null,
    updatedAt: doc.updatedAt,
    authorIds: (doc.authorIds ?? []).map((id) => id.toHexString()),
  };
}

/** The opening prose of a body (headings and code left out), cut at a word near EXCERPT_LENGTH. */
function excerptOf(content: unknown): string {
  const prose = plainTextBlocks(content)
    .filter((b) => b.kind === "paragraph" || b.kind === "quote")
    .map((b) => b.text)
    .join(" ");
  const flat = prose.replace(/\s+/g, " ").trim();
  if (flat.length <= EXCERPT_LENGTH) return flat;
  const cut = flat.slice(0, EXCERPT_LENGTH);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), EXCERPT_LENGTH / 2)).trimEnd()}…`;
}

/** Opaque to clients: base64url of "<publishedAt ms>.<post id>". */
function encodeCursor(at: Date, id: ObjectId): string {
  return Buffer.from(`${at.getTime()}.${id.toHexString()}`).toString("base64url");
}

function decodeCursor(cursor: string): { at: Date; id: ObjectId } {
  const match = /^(\d{1,15})\.([0-9a-f]{24})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match?.[1] || !match[2]) throw new AppError("BAD_REQUEST", "That page cursor is not valid");
  return { at: new Date(Number(match[1])), id: new ObjectId(match[2]) };
}
