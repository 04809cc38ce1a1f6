import { type Filter, ObjectId } from "mongodb";
import type { AuditEntryDoc, DatabaseService } from "../../db";
import type { Logger } from "../../log";

/** Who did something, and from where (taken from the request context). */
export interface AuditActor {
  id: string | null;
  email: string | null;
}

/** Who is acting, passed by routers/handlers to every audited service call. */
export interface RequestActor {
  actor: AuditActor | null;
  ip?: string | null;
  requestId?: string | null;
}

export interface AuditRecord extends RequestActor {
  action: string;
  target: AuditEntryDoc["target"];
  details?: Record<string, unknown>;
}

export interface AuditQuery {
  action?: string;
  actorEmail?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  /** Opaque: `nextCursor` of the previous page. */
  cursor?: string;
  limit?: number;
}

export interface AuditEntryDto {
  id: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  target: AuditEntryDoc["target"];
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown> | null;
  at: Date;
}

/**
 * The privileged-action trail (seed 002 §4.1): every entry goes to `audit_log` in master and to
 * stdout at level "master", so it survives both a lost log pipeline and a lost database.
 */
export class AuditService {
  private readonly db: DatabaseService;
  private readonly log: Logger;
  private readonly now: () => Date;

  constructor(deps: { db: DatabaseService; log: Logger; now?: () => Date }) {
    this.db = deps.db;
    this.log = deps.log;
    this.now = deps.now ?? (() => new Date());
  }

  async record(entry: AuditRecord): Promise<AuditEntryDoc> {
    const doc: AuditEntryDoc = {
      _id: new ObjectId(),
      actorId: entry.actor?.id && ObjectId.isValid(entry.actor.id) ? new ObjectId(entry.actor.id) : null,
      actorEmail: entry.actor?.email ?? null,
      action: entry.action,
      target: entry.target,
      ip: entry.ip ?? null,
      requestId: entry.requestId ?? null,
      ...(entry.details ? { details: entry.details } : {}),
      at: this.now(),
    };
    this.log.master(
      {
        audit: true,
        actor: doc.actorEmail ?? doc.actorId?.toHexString() ?? null,
        action: doc.action,
        target: doc.target,
        ip: doc.ip,
        requestId: doc.requestId,
        details: doc.details,
      },
      `audit ${doc.action}`,
    );
    await this.db.master().auditLog.insertOne(doc);
    return doc;
  }

  async list(query: AuditQuery): Promise<{ items: AuditEntryDto[]; nextCursor: string | null }> {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
    const filter: Filter<AuditEntryDoc> = {};
    if (query.action) filter.action = query.action;
    if (query.actorEmail) filter.actorEmail = query.actorEmail.toLowerCase();
    if (query.targetId) filter["target.id"] = query.targetId;
    if (query.from || query.to) {
      filter.at = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lte: query.to } : {}) };
    }
    const after = decodeCursor(query.cursor);
    if (after) {
      filter.$or = [{ at: { $lt: after.at } }, { at: after.at, _id: { $lt: after.id } }];
    }
    const docs = await this.db
      .master()
      .auditLog.find(filter)
      .sort({ at: -1, _id: -1 })
      .limit(limit + 1)
      .toArray();
    const page = docs.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toDto),
      nextCursor: docs.length > limit && last ? encodeCursor(last) : null,
    };
  }
}

function toDto(doc: AuditEntryDoc): AuditEntryDto {
  return {
    id: doc._id.toHexString(),
    actorId: doc.actorId?.toHexString() ?? null,
    actorEmail: doc.actorEmail,
    action: doc.action,
    target: doc.target,
    ip: doc.ip,
    requestId: doc.requestId,
    details: doc.details ?? null,
    at: doc.at,
  };
}

/** Newest first by time, ties broken by id: the cursor carries both. */
function encodeCursor(doc: AuditEntryDoc): string {
  return `${doc.at.getTime()}_${doc._id.toHexString()}`;
}

function decodeCursor(cursor: string | undefined): { at: Date; id: ObjectId } | null {
  const match = cursor ? /^(\d{1,15})_([0-9a-f]{24})$/.exec(cursor) : null;
  if (!match) return null;
  return { at: new Date(Number(match[1])), id: new ObjectId(match[2]) };
}
