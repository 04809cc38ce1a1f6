import { ObjectId } from "mongodb";
import { type DatabaseService, isDuplicateKeyError, type MembershipDoc, type Role } from "../../db";
import { AppError } from "../../errors";
import type { AuditService, RequestActor } from "../audit/audit-service";

export const ROLES = ["owner", "editor", "author"] as const satisfies readonly Role[];

/** Parses a user id from a session or input; a malformed id is a client error, not a crash. */
export function toUserObjectId(userId: string): ObjectId {
  if (!ObjectId.isValid(userId) || userId.length !== 24)
    throw new AppError("BAD_REQUEST", "Invalid user id.");
  return new ObjectId(userId);
}

/** Roles per blog live in master (`memberships`), unique per (tenant, user). */
export class MembershipsService {
  private readonly db: DatabaseService;
  private readonly audit: AuditService;
  private readonly now: () => Date;

  constructor(deps: { db: DatabaseService; audit: AuditService; now?: () => Date }) {
    this.db = deps.db;
    this.audit = deps.audit;
    this.now = deps.now ?? (() => new Date());
  }

  async roleOf(tenantId: ObjectId, userId: string): Promise<Role | null> {
    if (!ObjectId.isValid(userId) || userId.length !== 24) return null;
    const m = await this.db
      .master()
      .memberships.findOne({ tenantId, userId: new ObjectId(userId) }, { projection: { role: 1 } });
    return m?.role ?? null;
  }

  async listForUser(userId: string): Promise<MembershipDoc[]> {
    return this.db
      .master()
      .memberships.find({ userId: toUserObjectId(userId) })
      .toArray();
  }

  async listForTenant(tenantId: ObjectId): Promise<MembershipDoc[]> {
    return this.db.master().memberships.find({ tenantId }).sort({ createdAt: 1 }).toArray();
  }

  /** Adds a member (audited); an existing member keeps their role. */
  async add(tenantId: ObjectId, userId: string, role: Role, by: RequestActor): Promise<Role> {
    const existing = await this.insertIfAbsent(tenantId, userId, role);
    if (existing) return existing;
    await this.audit.record({
      ...by,
      action: "membership.add",
      target: { type: "tenant", id: tenantId.toHexString() },
      details: { userId, role },
    });
    return role;
  }

  /**
   * The creator's membership, written during provisioning (the `tenant.create` audit entry covers
   * it). Idempotent, so a retried provisioning doesn't fail on the row it already wrote.
   */
  async ensureOwner(tenantId: ObjectId, userId: string): Promise<void> {
    await this.insertIfAbsent(tenantId, userId, "owner");
  }

  /** Null when inserted; the current role when the (tenant, user) pair already exists. */
  private async insertIfAbsent(tenantId: ObjectId, userId: string, role: Role): Promise<Role | null> {
    const uid = toUserObjectId(userId);
    const memberships = this.db.master().memberships;
    try {
      await memberships.insertOne({
        _id: new ObjectId(),
        tenantId,
        userId: uid,
        role,
        createdAt: this.now(),
      });
      return null;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await memberships.findOne({ tenantId, userId: uid });
      if (existing) return existing.role;
      throw error;
    }
  }

  async changeRole(tenantId: ObjectId, userId: string, role: Role, by: RequestActor): Promise<void> {
    const uid = toUserObjectId(userId);
    const memberships = this.db.master().memberships;
    const current = await memberships.findOne({ tenantId, userId: uid });
    if (!current) throw new AppError("NOT_FOUND", "That user is not a member of this blog.");
    if (current.role === role) return;
    if (current.role === "owner" && (await memberships.countDocuments({ tenantId, role: "owner" })) <= 1) {
      throw new AppError("CONFLICT", "A blog needs at least one owner.");
    }
    await memberships.updateOne({ _id: current._id }, { $set: { role } });
    await this.audit.record({
      ...by,
      action: "membership.role_change",
      target: { type: "tenant", id: tenantId.toHexString() },
      details: { userId, from: current.role, to: role },
    });
  }

  async remove(tenantId: ObjectId, userId: string, by: RequestActor): Promise<void> {
    const uid = toUserObjectId(userId);
    const memberships = this.db.master().memberships;
    const current = await memberships.findOne({ tenantId, userId: uid });
    if (!current) return;
    if (current.role === "owner" && (await memberships.countDocuments({ tenantId, role: "owner" })) <= 1) {
      throw new AppError("CONFLICT", "A blog needs at least one owner.");
    }
    await memberships.deleteOne({ _id: current._id });
    await this.audit.record({
      ...by,
      action: "membership.remove",
      target: { type: "tenant", id: tenantId.toHexString() },
      details: { userId, role: current.role },
    });
  }
}
