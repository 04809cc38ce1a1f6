import { diffWords } from "diff";
import { ObjectId } from "mongodb";
import type { DatabaseService, RevisionDoc, TenantRef } from "../../db";
import { AppError } from "../../errors";
import { plainText } from "../posts/plain-text";
import { KEEP_RECENT, revisionsToThin } from "./thinning";

/** Autosaves of one author within this window land in the same revision. */
export const COALESCE_WINDOW_MS = 5 * 60_000;

export interface RevisionSummary {
  id: string;
  authorId: string;
  authorName: string;
  reason: RevisionDoc["reason"];
  title: string;
  version: number;
  wordCount: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface RevisionState {
  postId: ObjectId;
  authorId: ObjectId;
  title: string;
  content: unknown;
  version: number;
  wordCount: number;
}

export type DiffPart = { kind: "same" | "added" | "removed"; text: string };

/**
 * A post's history in the tenant's `revisions` collection. Autosaves coalesce: while an author
 * keeps saving, their open revision is updated in place, and a new one opens after the window
 * (or when someone else saves, or at a publish/restore). Every publish and restore is a revision
 * of its own. Old revisions are thinned (thinning.ts) so storage stays bounded.
 */
export class RevisionsService {
  private readonly db: DatabaseService;
  private readonly now: () => Date;
  private readonly windowMs: number;

  constructor(deps: { db: DatabaseService; now?: () => Date; coalesceWindowMs?: number }) {
    this.db = deps.db;
    this.now = deps.now ?? (() => new Date());
    this.windowMs = deps.coalesceWindowMs ?? COALESCE_WINDOW_MS;
  }

  /** An autosave: folded into the author's open revision when it is recent enough. */
  async recordAutosave(tenant: TenantRef, state: RevisionState): Promise<void> {
    const at = this.now();
    const { revisions } = this.db.forTenant(tenant);
    const updated = await revisions.findOneAndUpdate(
      {
        postId: state.postId,
        open: true,
        authorId: state.authorId,
        createdAt: { $gte: new Date(at.getTime() - this.windowMs) },
      },
      {
        $set: {
          title: state.title,
          content: state.content,
          version: state.version,
          wordCount: state.wordCount,
          updatedAt: at,
        },
      },
      { projection: { _id: 1 } },
    );
    if (!updated) await this.insert(tenant, state, "autosave", at);
  }

  /** A publish or a restore: always a revision of its own. */
  async recordMilestone(
    tenant: TenantRef,
    state: RevisionState,
    reason: "publish" | "restore",
  ): Promise<void> {
    await this.insert(tenant, state, reason, this.now());
  }

  private async insert(
    tenant: TenantRef,
    state: RevisionState,
    reason: RevisionDoc["reason"],
    at: Date,
  ): Promise<void> {
    const { revisions } = this.db.forTenant(tenant);
    await revisions.updateMany({ postId: state.postId, open: true }, { $unset: { open: "" } });
    await revisions.insertOne({
      _id: new ObjectId(),
      postId: state.postId,
      authorId: state.authorId,
      title: state.title,
      content: state.content,
      version: state.version,
      wordCount: state.wordCount,
      reason,
      ...(reason === "autosave" ? { open: true } : {}),
      createdAt: at,
      updatedAt: at,
    });
    await this.thin(tenant, state.postId, at);
  }

  /** Deletes what the thinning policy drops; cheap (ids and times only) and idle below KEEP_RECENT. */
  async thin(tenant: TenantRef, postId: ObjectId, at: Date = this.now()): Promise<number> {
    const { revisions } = this.db.forTenant(tenant);
    const stamps = await revisions
      .find({ postId }, { projection: { _id: 1, createdAt: 1 } })
      .sort({ createdAt: -1 })
      .toArray();
    if (stamps.length <= KEEP_RECENT) return 0;
    const drop = revisionsToThin(stamps, at);
    if (drop.length) await revisions.deleteMany({ _id: { $in: drop } });
    return drop.length;
  }

  async list(tenant: TenantRef, postId: ObjectId): Promise<RevisionSummary[]> {
    const docs = await this.db
      .forTenant(tenant)
      .revisions.find({ postId }, { projection: { content: 0 } })
      .sort({ createdAt: -1, _id: -1 })
      .toArray();
    const authorIds = [...new Map(docs.map((d) => [d.authorId.toHexString(), d.authorId])).values()];
    const users = authorIds.length
      ? await this.db
          .master()
          .users.find({ _id: { $in: authorIds } }, { projection: { name: 1, username: 1 } })
          .toArray()
      : [];
    const names = new Map(users.map((u) => [u._id.toHexString(), u.name || u.username]));
    return docs.map((d) => ({
      id: d._id.toHexString(),
      authorId: d.authorId.toHexString(),
      authorName: names.get(d.authorId.toHexString()) ?? "Former member",
      reason: d.reason,
      title: d.title,
      version: d.version,
      wordCount: d.wordCount ?? null,
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
    }));
  }

  async get(tenant: TenantRef, postId: ObjectId, revisionId: string): Promise<RevisionDoc> {
    if (!ObjectId.isValid(revisionId) || revisionId.length !== 24) {
      throw new AppError("BAD_REQUEST", "That revision id is not valid.");
    }
    const doc = await this.db.forTenant(tenant).revisions.findOne({ _id: new ObjectId(revisionId), postId });
    if (!doc) throw new AppError("NOT_FOUND", "That revision no longer exists.");
    return doc;
  }

  /** Word-level changes from the revision to the current text (title as the first line). */
  diff(
    revision: { title: string; content: unknown },
    current: { title: string; content: unknown },
  ): DiffPart[] {
    const before = `${revision.title}\n\n${plainText(revision.content)}`;
    const after = `${current.title}\n\n${plainText(current.content)}`;
    const parts = diffWords(before, after, { timeout: 2_000 }) ?? [
      { value: after, added: true, removed: false },
    ];
    return parts.map((p) => ({ kind: p.added ? "added" : p.removed ? "removed" : "same", text: p.value }));
  }
}
