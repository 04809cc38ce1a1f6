import { randomBytes } from "node:crypto";
import { type Filter, ObjectId, type UpdateFilter } from "mongodb";
import { keyRing } from "../../auth/jwt";
import type { KeyRing } from "../../auth/keys";
import {
  type DatabaseService,
  isDuplicateKeyError,
  type PostDoc,
  type TenantDoc,
  type TenantRef,
} from "../../db";
import type { PostType } from "../../db/models";
import { AppError } from "../../errors";
import { log as appLog, type Logger } from "../../log";
import { EMPTY_DOCUMENT, renderDocument } from "../render";
import { RevisionsService } from "../revisions/revisions-service";
import { type PostFanout, type PostWriteKind, runFanout } from "./fanout";
import { excerptOf, normalizeTags, postSlugProblem, slugFromTitle } from "./fields";
import { assertCanEdit, canEditPost, editableFilter, type PostActor } from "./permissions";
import { plainTextBlocks, type TextBlock } from "./plain-text";
import {
  type EditorPost,
  type PostSummary,
  type SavedPost,
  toEditorPost,
  toSaved,
  toSummary,
} from "./post-dto";
import { PREVIEW_LINK_DAYS, signPreviewToken, verifyPreviewToken } from "./preview-links";

export type { EditorPost, PostSummary, SavedPost } from "./post-dto";
export type PostStatus = PostDoc["status"];
export type { PostActor } from "./permissions";

/** A published post for the reader: stored HTML plus its body as plain-text blocks. */
export interface PublishedPost extends PostSummary {
  html: string;
  blocks: TextBlock[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type StatusCounts = Record<PostStatus, number>;

export interface CreatePostInput {
  type?: PostType;
  title?: string;
  content?: unknown;
}

/** Fields the editor changes; only those present are written. `baseVersion` is the version edited. */
export interface SavePostInput {
  baseVersion: number;
  title?: string;
  content?: unknown;
  slug?: string;
  tags?: string[];
  /** "" goes back to the excerpt taken from the content. */
  excerpt?: string;
  coverUrl?: string | null;
  coverAlt?: string;
  featured?: boolean;
  type?: PostType;
  authorIds?: string[];
}

export type SaveResult = { ok: true; post: SavedPost } | { ok: false; conflict: EditorPost };

/** The post's state after a status change. */
export interface PostState {
  id: string;
  status: PostStatus;
  version: number;
  slug: string;
  publishAt: Date | null;
  publishedAt: Date | null;
}

export interface StudioListOptions {
  limit: number;
  status?: PostStatus;
  type?: PostType;
  /** Case-insensitive search in titles. */
  q?: string;
}

export interface BulkResult {
  id: string;
  ok: boolean;
  error?: string;
}

const MAX_LIMIT = 50;
const MAX_TITLE = 300;
const STATUSES: PostStatus[] = ["draft", "scheduled", "published", "archived"];
/** Everything but the body and its renderings: what write checks need. */
const metaProjection = { content: 0, html: 0, text: 0 } as const;
const summaryProjection = { content: 0, html: 0, text: 0 } as const;
const notDeleted = { deletedAt: null } as const;

export interface PostsServiceDeps {
  db: DatabaseService;
  /** Downstream hand-off (feed, scheduler, reader cache); see fanout.ts. */
  fanout?: PostFanout;
  /** Defaults to the app's logger. */
  log?: Pick<Logger, "warn">;
  /** Defaults to a RevisionsService on the same database and clock. */
  revisions?: RevisionsService;
  /** Signs shareable preview links; defaults to the app's key ring (AUTH_SECRETS). */
  keys?: () => KeyRing;
  now?: () => Date;
}

/**
 * A blog's posts: the studio's writes (optimistic versions, slugs with redirects, status
 * changes, revisions, preview links) and the reads of the studio and the reader. Every query goes
 * through `db.forTenant(tenant)`, so a call for blog A only ever touches blog A's database.
 * After every committed write, `fanout.afterWrite` hands the change downstream (feed, scheduler);
 * its failure is logged, never returned: the version record on the post lets the worker re-drive.
 */
export class PostsService {
  private readonly db: DatabaseService;
  private readonly log: Pick<Logger, "warn">;
  private readonly revisions: RevisionsService;
  private readonly keys: () => KeyRing;
  private readonly now: () => Date;
  /** Downstream hand-off after every committed write (feed, scheduler); optional, see fanout.ts. */
  fanout: PostFanout | undefined;

  constructor(deps: PostsServiceDeps) {
    this.db = deps.db;
    this.now = deps.now ?? (() => new Date());
    this.log = deps.log ?? appLog;
    this.revisions = deps.revisions ?? new RevisionsService({ db: deps.db, now: this.now });
    this.keys = deps.keys ?? keyRing;
    this.fanout = deps.fanout;
  }

  // ───────────────────────────── reader ─────────────────────────────

  /** Published posts (pages stay out), newest first, `limit` at a time; `cursor` is the previous page's `nextCursor`. */
  async listPublished(
    tenant: TenantRef,
    opts: { limit: number; cursor?: string | null },
  ): Promise<Page<PostSummary>> {
    const limit = clampLimit(opts.limit);
    const filter: Filter<PostDoc> = {
      status: "published",
      publishedAt: { $ne: null },
      type: { $ne: "page" },
      ...notDeleted,
    };
    if (opts.cursor) {
      const { at, id } = decodeCursor(opts.cursor);
      // Keyset on (publishedAt, _id): stable under inserts, no skip over earlier pages.
      filter.$or = [{ publishedAt: { $lt: at } }, { publishedAt: at, _id: { $lt: id } }];
    }
    const docs = await this.db
      .forTenant(tenant)
      .posts.find(filter, { projection: { html: 0, text: 0 } })
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

  /** A published post or page by its slug, or null (drafts, archived and deleted posts are not public). */
  async getPublishedBySlug(tenant: TenantRef, slug: string): Promise<PublishedPost | null> {
    const doc = await this.db.forTenant(tenant).posts.findOne({ slug, status: "published", ...notDeleted });
    if (!doc) return null;
    return { ...toSummary(doc), html: doc.html ?? "", blocks: plainTextBlocks(doc.content) };
  }

  /**
   * What the reader answers for `/<slug>`: the post, a permanent redirect when it is an earlier
   * slug of a published post, or null.
   */
  async resolvePublishedSlug(
    tenant: TenantRef,
    slug: string,
  ): Promise<{ kind: "post"; post: PublishedPost } | { kind: "redirect"; slug: string } | null> {
    const post = await this.getPublishedBySlug(tenant, slug);
    if (post) return { kind: "post", post };
    const moved = await this.db
      .forTenant(tenant)
      .posts.findOne(
        { previousSlugs: slug, status: "published", ...notDeleted },
        { projection: { slug: 1 } },
      );
    return moved ? { kind: "redirect", slug: moved.slug } : null;
  }

  // ───────────────────────────── studio reads ─────────────────────────────

  async countsByStatus(tenant: TenantRef, opts: { type?: PostType } = {}): Promise<StatusCounts> {
    const { posts } = this.db.forTenant(tenant);
    const typeFilter = opts.type ? typeMatch(opts.type) : {};
    const counts = await Promise.all(
      STATUSES.map((status) => posts.countDocuments({ status, ...typeFilter, ...notDeleted })),
    );
    return Object.fromEntries(STATUSES.map((s, i) => [s, counts[i] ?? 0])) as StatusCounts;
  }

  /** Posts whatever their status, most recently edited first, filtered for the studio list. */
  async listForStudio(tenant: TenantRef, opts: StudioListOptions): Promise<PostSummary[]> {
    const filter: Filter<PostDoc> = { ...notDeleted };
    if (opts.status) filter.status = opts.status;
    if (opts.type) Object.assign(filter, typeMatch(opts.type));
    const q = opts.q?.trim();
    if (q) filter.title = { $regex: escapeRegex(q.slice(0, 100)), $options: "i" };
    const docs = await this.db
      .forTenant(tenant)
      .posts.find(filter, { projection: summaryProjection })
      .sort({ updatedAt: -1, _id: -1 })
      .limit(clampLimit(opts.limit, 200))
      .toArray();
    return docs.map(toSummary);
  }

  /** The post for the editor. Everyone in the blog may open it; `canEdit` says whether they may change it. */
  async getForEditor(
    tenant: TenantRef,
    actor: PostActor,
    id: string,
  ): Promise<EditorPost & { canEdit: boolean }> {
    const doc = await this.load(tenant, id);
    return { ...toEditorPost(doc), canEdit: canEditPost(actor, doc) };
  }

  /** Members of the blog who can be credited as authors. */
  async members(tenant: TenantDoc): Promise<{ id: string; name: string; username: string; role: string }[]> {
    const memberships = await this.db.master().memberships.find({ tenantId: tenant._id }).toArray();
    const users = await this.db
      .master()
      .users.find(
        { _id: { $in: memberships.map((m) => m.userId) } },
        { projection: { name: 1, username: 1 } },
      )
      .toArray();
    const byId = new Map(users.map((u) => [u._id.toHexString(), u]));
    return memberships
      .map((m) => {
        const u = byId.get(m.userId.toHexString());
        return {
          id: m.userId.toHexString(),
          name: u?.name || u?.username || "Member",
          username: u?.username ?? "",
          role: m.role,
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  // ───────────────────────────── writes ─────────────────────────────

  /** A new draft (or page) credited to the actor; the slug follows the title until set by hand. */
  async create(tenant: TenantDoc, actor: PostActor, input: CreatePostInput = {}): Promise<EditorPost> {
    const at = this.now();
    const title = (input.title ?? "").trim().slice(0, MAX_TITLE);
    const content = input.content ?? EMPTY_DOCUMENT;
    const rendered = renderDocument(content);
    const _id = new ObjectId();
    const doc: PostDoc = {
      _id,
      type: input.type ?? "post",
      title,
      slug: await this.uniqueSlug(
        tenant,
        title ? slugFromTitle(title) : `untitled-${_id.toHexString().slice(-6)}`,
        _id,
      ),
      previousSlugs: [],
      slugCustom: false,
      content,
      ...rendered,
      excerpt: excerptOf(content),
      customExcerpt: false,
      tags: [],
      coverUrl: null,
      coverAlt: "",
      featured: false,
      status: "draft",
      publishAt: null,
      publishedAt: null,
      authorIds: [actor.userId],
      version: 1,
      // Nothing downstream to bring in line for a new draft (see `hasNothingDownstream`).
      syncedVersion: 1,
      pipeline: { savedAt: at },
      deletedAt: null,
      updatedBy: actor.userId,
      createdAt: at,
      updatedAt: at,
    };
    await this.insertWithFreeSlug(tenant, doc);
    await this.revisions.recordAutosave(tenant, {
      postId: _id,
      authorId: actor.userId,
      title: doc.title,
      content,
      version: 1,
      wordCount: rendered.wordCount,
    });
    return toEditorPost(doc);
  }

  /**
   * Saves the editor's changes if nobody saved since `baseVersion`; otherwise answers with the
   * current post so the editor can show both versions (never a silent overwrite).
   */
  async save(
    tenant: TenantDoc,
    actor: PostActor,
    id: string,
    input: SavePostInput,
    opts: { autosaveRevision?: boolean } = {},
  ): Promise<SaveResult> {
    const { posts } = this.db.forTenant(tenant);
    // The post as this process's last save of it left it, when that is the version the editor
    // builds on: no read before the write. Everything below that depends on it is then also a
    // condition of the write, so the write only lands if the post still is exactly that — else
    // the save starts over from a fresh read.
    const cacheKey = `${tenant._id.toHexString()}:${id}`;
    let known = this.savedMeta.get(cacheKey);
    if (
      known &&
      (known.version !== input.baseVersion ||
        !canEditPost(actor, known) ||
        input.slug !== undefined ||
        input.authorIds !== undefined ||
        (input.title !== undefined && input.title.trim().slice(0, MAX_TITLE) !== known.title))
    )
      known = undefined;
    const current = known ?? (await this.loadMeta(tenant, id));
    assertCanEdit(actor, current);
    if (current.version !== input.baseVersion)
      return { ok: false, conflict: toEditorPost(await this.load(tenant, id)) };

    const at = this.now();
    const set: Partial<PostDoc> & Record<string, unknown> = {
      updatedAt: at,
      updatedBy: actor.userId,
      "pipeline.savedAt": at,
    };
    // The write below is guarded by `baseVersion`, so `current` is exactly the state it replaces.
    const quiet = hasNothingDownstream(current);
    if (quiet) set.syncedVersion = input.baseVersion + 1;
    const title = input.title !== undefined ? input.title.trim().slice(0, MAX_TITLE) : current.title;
    if (input.title !== undefined) set.title = title;

    // Slug: set by hand, or following the title while the post was never published.
    let slug = current.slug;
    if (input.slug !== undefined && input.slug !== current.slug) {
      const problem = postSlugProblem(input.slug);
      if (problem) throw new AppError("BAD_REQUEST", problem);
      slug = input.slug;
      set.slugCustom = true;
    } else if (
      input.title !== undefined &&
      title !== current.title &&
      !current.slugCustom &&
      !current.publishedAt
    ) {
      slug = await this.uniqueSlug(tenant, title ? slugFromTitle(title) : current.slug, current._id);
    }
    if (slug !== current.slug) {
      set.slug = slug;
      // Readers of a published post keep finding it: the old slug answers with a 301.
      const previous = (current.previousSlugs ?? []).filter((s) => s !== slug);
      if (current.publishedAt && !previous.includes(current.slug)) previous.push(current.slug);
      set.previousSlugs = previous.slice(-20);
    }

    let rendered: ReturnType<typeof renderDocument> | null = null;
    if (input.content !== undefined) {
      rendered = renderDocument(input.content);
      Object.assign(set, { content: input.content, ...rendered });
    }
    if (input.excerpt !== undefined) {
      const excerpt = input.excerpt.replace(/\s+/g, " ").trim().slice(0, 500);
      set.customExcerpt = excerpt.length > 0;
      set.excerpt = excerpt || excerptOf(input.content ?? (await this.load(tenant, id)).content);
    } else if (input.content !== undefined && !current.customExcerpt) {
      set.excerpt = excerptOf(input.content);
    }
    if (input.tags !== undefined) set.tags = normalizeTags(input.tags);
    if (input.coverUrl !== undefined) set.coverUrl = input.coverUrl ? checkCoverUrl(input.coverUrl) : null;
    if (input.coverAlt !== undefined) set.coverAlt = input.coverAlt.trim().slice(0, 300);
    if (input.featured !== undefined) set.featured = input.featured;
    if (input.type !== undefined) set.type = input.type;
    if (input.authorIds !== undefined)
      set.authorIds = await this.checkAuthors(tenant, actor, input.authorIds);

    let updated: PostDoc | null;
    try {
      updated = await posts.findOneAndUpdate(
        {
          _id: current._id,
          version: input.baseVersion,
          ...notDeleted,
          ...(known ? { ...assumedMeta(known), ...editableFilter(actor) } : {}),
        },
        { $set: set, $inc: { version: 1 } } as UpdateFilter<PostDoc>,
        { returnDocument: "after", projection: metaProjection },
      );
    } catch (error) {
      if (isDuplicateKeyError(error))
        throw new AppError("CONFLICT", "Another post of this blog already uses that address.");
      throw error;
    }
    if (!updated) {
      this.savedMeta.delete(cacheKey);
      // Not the post remembered (changed elsewhere): decide from what is stored now.
      if (known) return this.save(tenant, actor, id, input, opts);
      return { ok: false, conflict: toEditorPost(await this.load(tenant, id)) };
    }
    this.rememberSaved(cacheKey, updated);
    if (slug !== current.slug) await this.releaseSlug(tenant, slug, current._id);

    if ((input.content !== undefined || input.title !== undefined) && opts.autosaveRevision !== false) {
      await this.revisions.recordAutosave(tenant, {
        postId: current._id,
        authorId: actor.userId,
        title,
        content: input.content ?? (await this.load(tenant, id)).content,
        version: updated.version,
        wordCount: rendered?.wordCount ?? updated.wordCount ?? 0,
      });
    }
    if (!quiet)
      await this.emit(
        tenant,
        updated,
        updated.status === "published" ? "updated" : "saved",
        actor.userId,
        at,
      );
    return { ok: true, post: toSaved(updated) };
  }

  /** Draft, scheduled or archived → published now. Publishing a published post changes nothing. */
  async publish(
    tenant: TenantDoc,
    actor: PostActor | null,
    id: string,
    baseVersion?: number,
  ): Promise<PostState> {
    const current = await this.load(tenant, id);
    if (actor) assertCanEdit(actor, current);
    checkBase(current, baseVersion);
    if (current.status === "published") return toState(current);
    const at = this.now();
    const set: Partial<PostDoc> & Record<string, unknown> = {
      status: "published",
      publishAt: null,
      // A post that was live before keeps its first publication date.
      publishedAt: current.publishedAt ?? at,
      updatedAt: at,
      "pipeline.savedAt": at,
    };
    // Posts written before the renderer existed get their HTML now.
    if (current.html === undefined) Object.assign(set, renderDocument(current.content));
    if (actor) set.updatedBy = actor.userId;
    const updated = await this.commit(tenant, current, set);
    await this.unindexSchedule(tenant, current._id);
    await this.revisions.recordMilestone(
      tenant,
      {
        postId: current._id,
        authorId: actor?.userId ?? current.authorIds[0] ?? current._id,
        title: updated.title,
        content: current.content,
        version: updated.version,
        wordCount: updated.wordCount ?? 0,
      },
      "publish",
    );
    await this.emit(tenant, updated, "published", actor?.userId ?? null, at);
    return toState(updated);
  }

  /** Published → draft: off the blog and the feed, kept for later. */
  async unpublish(tenant: TenantDoc, actor: PostActor, id: string, baseVersion?: number): Promise<PostState> {
    return this.transition(tenant, actor, id, baseVersion, ["published"], { status: "draft" }, "unpublished");
  }

  /** Draft → scheduled, or a scheduled post's new time. `publishAt` must be in the future. */
  async schedule(
    tenant: TenantDoc,
    actor: PostActor,
    id: string,
    publishAt: Date,
    baseVersion?: number,
  ): Promise<PostState> {
    const at = this.now();
    if (!(publishAt.getTime() > at.getTime()))
      throw new AppError("BAD_REQUEST", "Pick a time in the future.");
    const current = await this.loadMeta(tenant, id);
    assertCanEdit(actor, current);
    checkBase(current, baseVersion);
    if (current.status !== "draft" && current.status !== "scheduled") {
      throw new AppError("CONFLICT", statusMessage(current.status, "scheduled"));
    }
    // Recorded before the post says "scheduled", so the scheduler's sweep can never miss it.
    await this.db
      .master()
      .scheduledPosts.updateOne(
        { _id: scheduleKey(tenant, current._id) },
        { $set: { tenantId: tenant._id, postId: current._id, version: current.version + 1, publishAt } },
        { upsert: true },
      );
    const kind: PostWriteKind = current.status === "scheduled" ? "rescheduled" : "scheduled";
    const updated = await this.commit(tenant, current, {
      status: "scheduled",
      publishAt,
      updatedAt: at,
      updatedBy: actor.userId,
    });
    await this.emit(tenant, updated, kind, actor.userId, at);
    return toState(updated);
  }

  /** Scheduled → draft. */
  async cancelSchedule(
    tenant: TenantDoc,
    actor: PostActor,
    id: string,
    baseVersion?: number,
  ): Promise<PostState> {
    return this.transition(
      tenant,
      actor,
      id,
      baseVersion,
      ["scheduled"],
      { status: "draft", publishAt: null },
      "unscheduled",
    );
  }

  /** Any state → archived: off the blog and the feed, out of the way in the studio. */
  async archive(tenant: TenantDoc, actor: PostActor, id: string, baseVersion?: number): Promise<PostState> {
    return this.transition(
      tenant,
      actor,
      id,
      baseVersion,
      ["draft", "scheduled", "published"],
      { status: "archived", publishAt: null },
      "archived",
    );
  }

  /** Archived → draft. */
  async unarchive(tenant: TenantDoc, actor: PostActor, id: string, baseVersion?: number): Promise<PostState> {
    return this.transition(tenant, actor, id, baseVersion, ["archived"], { status: "draft" }, "saved");
  }

  /**
   * Soft delete: the post leaves every list at once and its slug is freed; the tombstone
   * (`deletedAt`) stays so the fan-out can remove it downstream.
   */
  async delete(tenant: TenantDoc, actor: PostActor, id: string): Promise<PostState> {
    const current = await this.loadMeta(tenant, id);
    assertCanEdit(actor, current);
    const at = this.now();
    const updated = await this.commit(tenant, current, {
      deletedAt: at,
      slug: `deleted-${current._id.toHexString()}`,
      previousSlugs: [],
      publishAt: null,
      previewKey: null,
      updatedAt: at,
      updatedBy: actor.userId,
    });
    await this.unindexSchedule(tenant, current._id);
    await this.emit(tenant, updated, "deleted", actor.userId, at);
    return toState(updated);
  }

  /**
   * For the scheduler: publishes the post if it is still scheduled and due. Idempotent — a second
   * call, or a call for a post that was cancelled or rescheduled later, does nothing.
   */
  async publishDue(tenant: TenantDoc, postId: string): Promise<PostState | null> {
    const current = await this.load(tenant, postId).catch(() => null);
    if (current?.status !== "scheduled" || !current.publishAt || current.publishAt > this.now()) return null;
    return this.publish(tenant, null, postId);
  }

  /** Archive or delete many posts; each one is checked on its own. */
  async bulk(
    tenant: TenantDoc,
    actor: PostActor,
    ids: string[],
    action: "archive" | "delete",
  ): Promise<BulkResult[]> {
    const out: BulkResult[] = [];
    for (const id of ids) {
      try {
        if (action === "delete") await this.delete(tenant, actor, id);
        else {
          const meta = await this.loadMeta(tenant, id);
          if (meta.status !== "archived") await this.archive(tenant, actor, id);
        }
        out.push({ id, ok: true });
      } catch (error) {
        out.push({
          id,
          ok: false,
          error: error instanceof AppError ? error.message : "Something went wrong.",
        });
      }
    }
    return out;
  }

  /** Restores a revision's title and content as a new save (and a revision of its own). */
  async restoreRevision(
    tenant: TenantDoc,
    actor: PostActor,
    id: string,
    revisionId: string,
    baseVersion: number,
  ): Promise<SaveResult> {
    const post = await this.loadMeta(tenant, id);
    const revision = await this.revisions.get(tenant, post._id, revisionId);
    const result = await this.save(
      tenant,
      actor,
      id,
      { baseVersion, title: revision.title, content: revision.content },
      // The restore is its own revision, not folded into the open autosave.
      { autosaveRevision: false },
    );
    if (result.ok) {
      await this.revisions.recordMilestone(
        tenant,
        {
          postId: post._id,
          authorId: actor.userId,
          title: revision.title,
          content: revision.content,
          version: result.post.version,
          wordCount: result.post.wordCount,
        },
        "restore",
      );
    }
    return result;
  }

  async listRevisions(tenant: TenantDoc, id: string) {
    const post = await this.loadMeta(tenant, id);
    return this.revisions.list(tenant, post._id);
  }

  /** A revision with its word diff against the current post. */
  async revisionDiff(tenant: TenantDoc, id: string, revisionId: string) {
    const post = await this.load(tenant, id);
    const revision = await this.revisions.get(tenant, post._id, revisionId);
    return {
      id: revision._id.toHexString(),
      title: revision.title,
      createdAt: revision.createdAt,
      reason: revision.reason,
      parts: this.revisions.diff(revision, post),
    };
  }

  // ───────────────────────────── preview links ─────────────────────────────

  /** A signed link to the post as it is now, valid for PREVIEW_LINK_DAYS unless revoked. */
  async createPreviewLink(
    tenant: TenantDoc,
    actor: PostActor,
    id: string,
  ): Promise<{ token: string; expiresAt: Date }> {
    const current = await this.loadMeta(tenant, id);
    assertCanEdit(actor, current);
    let key = current.previewKey;
    if (!key) {
      key = randomBytes(12).toString("base64url");
      await this.db.forTenant(tenant).posts.updateOne({ _id: current._id }, { $set: { previewKey: key } });
    }
    const expiresAt = new Date(this.now().getTime() + PREVIEW_LINK_DAYS * 86_400_000);
    const token = await signPreviewToken(
      { tenantId: tenant._id.toHexString(), postId: current._id.toHexString(), key },
      this.keys(),
      expiresAt,
    );
    return { token, expiresAt };
  }

  /** Every preview link of the post stops working. */
  async revokePreviewLinks(tenant: TenantDoc, actor: PostActor, id: string): Promise<void> {
    const current = await this.loadMeta(tenant, id);
    assertCanEdit(actor, current);
    await this.db.forTenant(tenant).posts.updateOne({ _id: current._id }, { $set: { previewKey: null } });
  }

  /** The post a preview token opens, or null when the token is forged, expired, revoked or for another blog. */
  async getByPreviewToken(tenant: TenantRef, token: string): Promise<EditorPost | null> {
    const claims = await verifyPreviewToken(token, this.keys(), this.now());
    if (!claims || claims.tenantId !== tenant._id.toHexString() || !ObjectId.isValid(claims.postId))
      return null;
    const doc = await this.db
      .forTenant(tenant)
      .posts.findOne({ _id: new ObjectId(claims.postId), previewKey: claims.key, ...notDeleted });
    return doc ? toEditorPost(doc) : null;
  }

  // ───────────────────────────── internals ─────────────────────────────

  private async transition(
    tenant: TenantDoc,
    actor: PostActor,
    id: string,
    baseVersion: number | undefined,
    from: PostStatus[],
    set: Partial<PostDoc>,
    kind: PostWriteKind,
  ): Promise<PostState> {
    const current = await this.loadMeta(tenant, id);
    assertCanEdit(actor, current);
    checkBase(current, baseVersion);
    if (!from.includes(current.status))
      throw new AppError("CONFLICT", statusMessage(current.status, set.status ?? "draft"));
    const at = this.now();
    const updated = await this.commit(tenant, current, { ...set, updatedAt: at, updatedBy: actor.userId });
    if (current.status === "scheduled") await this.unindexSchedule(tenant, current._id);
    await this.emit(tenant, updated, kind, actor.userId, at);
    return toState(updated);
  }

  /** One versioned write: applies `set` and bumps `version` only if nobody wrote since `current`. */
  private async commit(
    tenant: TenantRef,
    current: Pick<PostDoc, "_id" | "version">,
    set: Partial<PostDoc> & Record<string, unknown>,
  ): Promise<PostDoc> {
    const updated = await this.db
      .forTenant(tenant)
      .posts.findOneAndUpdate(
        { _id: current._id, version: current.version, ...notDeleted },
        { $set: set, $inc: { version: 1 } } as UpdateFilter<PostDoc>,
        { returnDocument: "after", projection: metaProjection },
      );
    if (!updated)
      throw new AppError("CONFLICT", "This post changed in the meantime. Reload it and try again.");
    return updated;
  }

  private async emit(
    tenant: TenantDoc,
    post: PostDoc,
    kind: PostWriteKind,
    actorId: ObjectId | null,
    at: Date,
  ) {
    await runFanout(
      this.fanout,
      {
        tenantId: tenant._id,
        tenantSlug: tenant.slug,
        postId: post._id,
        version: post.version,
        kind,
        status: post.status,
        type: post.type ?? "post",
        publishAt: post.publishAt ?? null,
        publishedAt: post.publishedAt ?? null,
        actorId,
        at,
      },
      this.log,
    );
  }

  private async unindexSchedule(tenant: TenantDoc, postId: ObjectId): Promise<void> {
    await this.db.master().scheduledPosts.deleteOne({ _id: scheduleKey(tenant, postId) });
  }

  /** Post metadata (no bodies) as this process's last save of each post wrote it; see save(). */
  private readonly savedMeta = new Map<string, PostDoc>();

  private rememberSaved(key: string, meta: PostDoc): void {
    this.savedMeta.delete(key);
    if (this.savedMeta.size >= SAVED_META_MAX) {
      const oldest = this.savedMeta.keys().next().value;
      if (oldest !== undefined) this.savedMeta.delete(oldest);
    }
    this.savedMeta.set(key, meta);
  }

  private async load(tenant: TenantRef, id: string): Promise<PostDoc> {
    const doc = await this.db.forTenant(tenant).posts.findOne({ _id: toPostId(id), ...notDeleted });
    if (!doc) throw new AppError("NOT_FOUND", "This post doesn't exist (or was deleted).");
    return doc;
  }

  private async loadMeta(tenant: TenantRef, id: string): Promise<PostDoc> {
    const doc = await this.db
      .forTenant(tenant)
      .posts.findOne({ _id: toPostId(id), ...notDeleted }, { projection: metaProjection });
    if (!doc) throw new AppError("NOT_FOUND", "This post doesn't exist (or was deleted).");
    return doc;
  }

  /** `base`, or `base-2`, `base-3` … : the first slug no other post of the blog uses. */
  private async uniqueSlug(tenant: TenantRef, base: string, self: ObjectId): Promise<string> {
    const { posts } = this.db.forTenant(tenant);
    const taken = new Set(
      (
        await posts
          .find(
            { slug: { $regex: `^${escapeRegex(base)}(-\\d+)?$` }, _id: { $ne: self } },
            { projection: { slug: 1 } },
          )
          .toArray()
      ).map((p) => p.slug),
    );
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
  }

  private async insertWithFreeSlug(tenant: TenantRef, doc: PostDoc): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.db.forTenant(tenant).posts.insertOne(doc);
        return;
      } catch (error) {
        // Two drafts created at once with the same title: the second takes the next number.
        if (!isDuplicateKeyError(error) || attempt >= 5) throw error;
        doc.slug = `${doc.slug}-${randomBytes(2).toString("hex")}`;
      }
    }
  }

  /** A slug now in use is no longer a redirect of any other post. */
  private async releaseSlug(tenant: TenantRef, slug: string, owner: ObjectId): Promise<void> {
    await this.db
      .forTenant(tenant)
      .posts.updateMany({ previousSlugs: slug, _id: { $ne: owner } }, { $pull: { previousSlugs: slug } });
  }

  private async checkAuthors(tenant: TenantDoc, actor: PostActor, ids: string[]): Promise<ObjectId[]> {
    const unique = [...new Set(ids)].map(toUserId);
    if (unique.length === 0) throw new AppError("BAD_REQUEST", "A post needs at least one author.");
    if (actor.role === "author" && !unique.some((id) => id.equals(actor.userId))) {
      throw new AppError("FORBIDDEN", "Authors can't remove themselves from their post.");
    }
    const members = await this.db
      .master()
      .memberships.countDocuments({ tenantId: tenant._id, userId: { $in: unique } });
    if (members !== unique.length)
      throw new AppError("BAD_REQUEST", "Every author must be a member of this blog.");
    return unique;
  }
}

/**
 * A draft that was never published (`publishedAt` stays set once a post went live) has nothing
 * downstream: no feed row or tombstone to move, no search document, no cached reader page, no
 * scheduled job. Its creation and saves skip the fan-out — the autosave path stays a post write
 * plus a revision — and record `syncedVersion` in the same write, so the worker's re-drive (which
 * looks for `syncedVersion < version`) has nothing to catch up on either. Every other write
 * (a published, scheduled, archived or once-published post) fans out as before.
 */
const SAVED_META_MAX = 2_000;

/**
 * What save() reads from the post besides its version, as a filter: a save built on remembered
 * metadata writes only if the stored post still matches it (missing and false/null alike).
 */
function assumedMeta(post: PostDoc): Filter<PostDoc> {
  const flag = (value: boolean | undefined) => (value ? true : { $in: [null, false] });
  return {
    status: post.status,
    publishedAt: post.publishedAt ?? null,
    title: post.title,
    slug: post.slug,
    slugCustom: flag(post.slugCustom),
    customExcerpt: flag(post.customExcerpt),
  } as Filter<PostDoc>;
}

export function hasNothingDownstream(post: Pick<PostDoc, "status" | "publishedAt">): boolean {
  return post.status === "draft" && !post.publishedAt;
}

function toState(doc: PostDoc): PostState {
  return {
    id: doc._id.toHexString(),
    status: doc.status,
    version: doc.version,
    slug: doc.slug,
    publishAt: doc.publishAt ?? null,
    publishedAt: doc.publishedAt ?? null,
  };
}

function checkBase(current: PostDoc, baseVersion: number | undefined): void {
  if (baseVersion !== undefined && current.version !== baseVersion) {
    throw new AppError("CONFLICT", "This post changed in the meantime. Reload it and try again.");
  }
}

function statusMessage(from: PostStatus, to: PostStatus): string {
  return `A ${from} post can't become ${to} that way.`;
}

function scheduleKey(tenant: TenantRef, postId: ObjectId): string {
  return `${tenant._id.toHexString()}:${postId.toHexString()}`;
}

function typeMatch(type: PostType): Filter<PostDoc> {
  // Posts written before `type` existed are posts.
  return type === "page" ? { type: "page" } : { type: { $ne: "page" } };
}

function toPostId(id: string): ObjectId {
  if (!ObjectId.isValid(id) || id.length !== 24)
    throw new AppError("NOT_FOUND", "This post doesn't exist (or was deleted).");
  return new ObjectId(id);
}

function toUserId(id: string): ObjectId {
  if (!ObjectId.isValid(id) || id.length !== 24)
    throw new AppError("BAD_REQUEST", "That author id is not valid.");
  return new ObjectId(id);
}

/** Cover images: http(s) URLs or paths on this site (uploaded media). */
function checkCoverUrl(url: string): string {
  const trimmed = url.trim();
  if (/^\/(?!\/)/.test(trimmed)) return trimmed;
  try {
    const parsed = new URL(trimmed);
    if (parsed.protocol === "http:" || parsed.protocol === "https:") return parsed.toString();
  } catch {
    // fall through
  }
  throw new AppError("BAD_REQUEST", "The cover must be an http(s) image URL.");
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function clampLimit(limit: number, max = MAX_LIMIT): number {
  return Number.isFinite(limit) ? Math.min(Math.max(Math.trunc(limit), 1), max) : 10;
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
