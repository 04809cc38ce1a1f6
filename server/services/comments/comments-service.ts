import type { Redis } from "ioredis";
import { ObjectId } from "mongodb";
import { z } from "zod";
import { RateLimiter } from "../../auth/rate-limit";
import type { CommentDoc, DatabaseService, Role, TenantDoc, TenantRef } from "../../db";
import { AppError } from "../../errors";
import type { Logger } from "../../log";
import { markTenantDirty } from "../hot-score/dirty";
import type { MembershipsService } from "../memberships/memberships-service";
import type { ReaderPurger } from "../reader-cache/reader-purger";

export const COMMENT_MAX_LENGTH = 5_000;

const idSchema = z.string().regex(/^[0-9a-f]{24}$/i, "Unknown id.");
export const createCommentSchema = z.object({
  postId: idSchema,
  parentId: idSchema.nullish(),
  body: z
    .string()
    .transform((s) => s.replace(/\r\n?/g, "\n").trim())
    .pipe(
      z
        .string()
        .min(1, "Write something first.")
        .max(COMMENT_MAX_LENGTH, `Comments are at most ${COMMENT_MAX_LENGTH} characters.`),
    ),
});
export const editCommentSchema = createCommentSchema.pick({ body: true }).extend({ id: idSchema });
export const commentIdSchema = z.object({ id: idSchema });
export const hideCommentSchema = z.object({ id: idSchema, hidden: z.boolean() });

export type CreateCommentInput = z.input<typeof createCommentSchema>;

/** Who is acting: a signed-in user. */
export interface Commenter {
  userId: string;
}

export interface CommentsServiceDeps {
  db: DatabaseService;
  log: Pick<Logger, "warn">;
  memberships: Pick<MembershipsService, "roleOf">;
  purger: Pick<ReaderPurger, "purgeTenant">;
  redis: () => Redis;
  redisPrefix: string;
  /** Comments per user per window (default 5 a minute). */
  rateLimit?: { limit: number; windowSeconds: number };
  now?: () => Date;
}

/** A comment as the reader page shows it, replies under their top-level comment. */
export interface CommentView {
  id: string;
  postId: string;
  parentId: string | null;
  authorId: string | null;
  body: string;
  hidden: boolean;
  deleted: boolean;
  editedAt: Date | null;
  createdAt: Date;
  replies: CommentView[];
}

const MODERATOR: ReadonlySet<Role> = new Set(["owner", "editor"]);

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new AppError("BAD_REQUEST", parsed.error.issues[0]?.message ?? "Invalid input.");
  return parsed.data;
}

/**
 * Comments on a blog's posts: signed-in readers write plain text (links are made clickable when
 * shown, never stored as HTML), with one level of replies; authors edit and delete their own;
 * owners and editors hide or delete any. Every change purges the blog's cached pages (the post
 * shows its comments and lists show counts) and marks the tenant dirty for the hot score.
 */
export class CommentsService {
  private readonly now: () => Date;
  private limiter: RateLimiter | null = null;

  constructor(private readonly deps: CommentsServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  private rateLimiter(): RateLimiter {
    this.limiter ??= new RateLimiter({
      redis: this.deps.redis(),
      prefix: this.deps.redisPrefix,
      limit: this.deps.rateLimit?.limit ?? 5,
      windowSeconds: this.deps.rateLimit?.windowSeconds ?? 60,
    });
    return this.limiter;
  }

  async isModerator(tenant: Pick<TenantDoc, "_id">, userId: string): Promise<boolean> {
    const role = await this.deps.memberships.roleOf(tenant._id, userId);
    return role !== null && MODERATOR.has(role);
  }

  private async changed(
    tenant: TenantRef & { slug: string },
    postId: ObjectId,
    reason: string,
  ): Promise<void> {
    await markTenantDirty(this.deps.redis(), this.deps.redisPrefix, tenant._id, postId).catch(
      (error: unknown) => this.deps.log.warn({ err: String(error) }, "could not mark the tenant dirty"),
    );
    await this.deps.purger.purgeTenant(tenant, reason);
  }

  async create(tenant: TenantDoc, who: Commenter, input: CreateCommentInput): Promise<CommentView> {
    const { postId, parentId, body } = parse(createCommentSchema, input);
    const t = this.deps.db.forTenant(tenant);
    const pid = new ObjectId(postId);
    const post = await t.posts.findOne(
      { _id: pid, status: "published", deletedAt: null },
      { projection: { _id: 1 } },
    );
    if (!post) throw new AppError("NOT_FOUND", "That post is not open for comments.");
    let parent: ObjectId | null = null;
    if (parentId) {
      const parentDoc = await t.comments.findOne({ _id: new ObjectId(parentId), postId: pid });
      if (!parentDoc || parentDoc.deletedAt) throw new AppError("NOT_FOUND", "That comment is gone.");
      // One level of replies: a reply to a reply joins the same thread.
      parent = parentDoc.parentId ?? parentDoc._id;
    }
    const limit = await this.rateLimiter().hit("comment", who.userId, tenant._id.toHexString());
    if (!limit.allowed) {
      throw new AppError(
        "TOO_MANY_REQUESTS",
        `You're commenting quickly. Try again in ${Math.max(1, limit.retryAfterSeconds)} seconds.`,
      );
    }
    const doc: CommentDoc = {
      _id: new ObjectId(),
      postId: pid,
      parentId: parent,
      authorId: new ObjectId(who.userId),
      body,
      hidden: false,
      editedAt: null,
      deletedAt: null,
      createdAt: this.now(),
    };
    await t.comments.insertOne(doc);
    await t.posts.updateOne({ _id: pid }, { $inc: { "metrics.comments": 1 } });
    await this.changed(tenant, pid, "comment");
    return toView(doc);
  }

  private async existing(tenant: TenantDoc, id: string): Promise<CommentDoc> {
    const doc = await this.deps.db.forTenant(tenant).comments.findOne({ _id: new ObjectId(id) });
    if (!doc || doc.deletedAt) throw new AppError("NOT_FOUND", "That comment is gone.");
    return doc;
  }

  async edit(tenant: TenantDoc, who: Commenter, input: { id: string; body: string }): Promise<CommentView> {
    const { id, body } = parse(editCommentSchema, input);
    const doc = await this.existing(tenant, id);
    if (!doc.authorId?.equals(who.userId))
      throw new AppError("FORBIDDEN", "Only its author can edit a comment.");
    const editedAt = this.now();
    await this.deps.db.forTenant(tenant).comments.updateOne({ _id: doc._id }, { $set: { body, editedAt } });
    await this.changed(tenant, doc.postId, "comment-edit");
    return toView({ ...doc, body, editedAt });
  }

  /** Its author, or an owner/editor of the blog. Soft delete: a thread keeps its replies. */
  async delete(tenant: TenantDoc, who: Commenter, input: { id: string }): Promise<void> {
    const { id } = parse(commentIdSchema, input);
    const doc = await this.existing(tenant, id);
    const mine = doc.authorId?.equals(who.userId) ?? false;
    if (!mine && !(await this.isModerator(tenant, who.userId))) {
      throw new AppError("FORBIDDEN", "Only its author or the blog's editors can delete a comment.");
    }
    const t = this.deps.db.forTenant(tenant);
    const res = await t.comments.updateOne(
      { _id: doc._id, deletedAt: null },
      { $set: { deletedAt: this.now() } },
    );
    if (res.modifiedCount && doc.hidden !== true) {
      await t.posts.updateOne({ _id: doc.postId }, { $inc: { "metrics.comments": -1 } });
    }
    await this.changed(tenant, doc.postId, "comment-delete");
  }

  /** Owners and editors only: a hidden comment leaves the public page but stays in the studio. */
  async setHidden(tenant: TenantDoc, who: Commenter, input: { id: string; hidden: boolean }): Promise<void> {
    const { id, hidden } = parse(hideCommentSchema, input);
    if (!(await this.isModerator(tenant, who.userId))) {
      throw new AppError("FORBIDDEN", "Only the blog's owners and editors can hide comments.");
    }
    const doc = await this.existing(tenant, id);
    const t = this.deps.db.forTenant(tenant);
    const res = await t.comments.updateOne(
      { _id: doc._id, hidden: hidden ? { $ne: true } : true },
      { $set: { hidden } },
    );
    if (res.modifiedCount) {
      await t.posts.updateOne({ _id: doc.postId }, { $inc: { "metrics.comments": hidden ? -1 : 1 } });
    }
    await this.changed(tenant, doc.postId, hidden ? "comment-hide" : "comment-show");
  }

  /**
   * The public thread of a post, oldest first: hidden and deleted comments left out, except a
   * deleted (or hidden) top-level comment that still has visible replies, shown as a placeholder.
   */
  async listForPost(tenant: TenantRef, postId: ObjectId): Promise<CommentView[]> {
    const docs = await this.deps.db
      .forTenant(tenant)
      .comments.find({ postId })
      .sort({ createdAt: 1, _id: 1 })
      .limit(2_000)
      .toArray();
    return threadOf(docs);
  }

  /** Recent comments of the blog for the studio's moderation list, hidden ones included. */
  async listForStudio(
    tenant: TenantRef,
    opts: { limit?: number; postId?: string } = {},
  ): Promise<CommentView[]> {
    const filter: Record<string, unknown> = { deletedAt: null };
    if (opts.postId) filter.postId = new ObjectId(parse(idSchema, opts.postId));
    const docs = await this.deps.db
      .forTenant(tenant)
      .comments.find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .limit(Math.min(Math.max(opts.limit ?? 50, 1), 200))
      .toArray();
    return docs.map(toView);
  }
}

function toView(doc: CommentDoc): CommentView {
  return {
    id: doc._id.toHexString(),
    postId: doc.postId.toHexString(),
    parentId: doc.parentId?.toHexString() ?? null,
    authorId: doc.authorId?.toHexString() ?? null,
    body: doc.deletedAt ? "" : doc.body,
    hidden: doc.hidden === true,
    deleted: !!doc.deletedAt,
    editedAt: doc.editedAt ?? null,
    createdAt: doc.createdAt,
    replies: [],
  };
}

export function threadOf(docs: CommentDoc[]): CommentView[] {
  const visible = (d: CommentDoc) => !d.deletedAt && d.hidden !== true;
  const tops: CommentView[] = [];
  const byId = new Map<string, CommentView>();
  for (const doc of docs) {
    if (doc.parentId) continue;
    const view = toView(doc);
    byId.set(view.id, view);
    tops.push(view);
  }
  for (const doc of docs) {
    if (!doc.parentId || !visible(doc)) continue;
    byId.get(doc.parentId.toHexString())?.replies.push(toView(doc));
  }
  return tops
    .filter((c) => (!c.deleted && !c.hidden) || c.replies.length > 0)
    .map((c) => (c.hidden ? { ...c, body: "" } : c));
}
