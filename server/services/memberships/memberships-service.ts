import { ObjectId } from "mongodb";
import { type DatabaseService, isDuplicateKeyError, type MembershipDoc, type Role } from "../../db";
import { AppError } from "../../errors";
import type { AuditService, RequestActor } from "../audit/audit-service";
import { listMembers, type MemberDto } from "./members";

export type { MemberDto } from "./members";

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

  /**
   * Removes a member (audited). Their posts stay, with their byline: authorship is history, and
   * the owners can still edit or unpublish those posts. The person just can't open the studio.
   */
  async remove(tenantId: ObjectId, userId: string, by: RequestActor): Promise<void> {
    await this.drop(tenantId, userId, by, "membership.remove");
  }

  /** A member leaves on their own (audited); the last owner can't. */
  async leave(tenantId: ObjectId, userId: string, by: RequestActor): Promise<void> {
    const role = await this.roleOf(tenantId, userId);
    if (!role) throw new AppError("NOT_FOUND", "You are not a member of this blog.");
    await this.drop(tenantId, userId, by, "membership.leave");
  }

  private async drop(
    tenantId: ObjectId,
    userId: string,
    by: RequestActor,
    action: "membership.remove" | "membership.leave",
  ): Promise<void> {
    const uid = toUserObjectId(userId);
    const memberships = this.db.master().memberships;
    const current = await memberships.findOne({ tenantId, userId: uid });
    if (!current) return;
    if (current.role === "owner" && (await memberships.countDocuments({ tenantId, role: "owner" })) <= 1) {
      throw new AppError(
        "CONFLICT",
        action === "membership.leave"
          ? "You are this blog's only owner. Make someone else an owner before you leave."
          : "A blog needs at least one owner.",
      );
    }
    await memberships.deleteOne({ _id: current._id });
    await this.audit.record({
      ...by,
      action,
      target: { type: "tenant", id: tenantId.toHexString() },
      details: { userId, role: current.role },
    });
  }

  /**
   * Adds an existing Conduit account, found by e-mail, with a role (audited as `membership.add`
   * with `invited: true`). There is no pending invitation: the person sees the blog in their
   * studio at once.
   */
  async invite(
    tenantId: ObjectId,
    email: string,
    role: Exclude<Role, "owner">,
    by: RequestActor,
  ): Promise<MemberDto> {
    const master = this.db.master();
    const user = await master.users.findOne({ email: email.trim().toLowerCase() });
    if (!user) {
      throw new AppError(
        "NOT_FOUND",
        "No Conduit account uses that e-mail. Ask them to sign up first, then invite them.",
      );
    }
    const userId = user._id.toHexString();
    const existing = await this.insertIfAbsent(tenantId, userId, role);
    if (existing) throw new AppError("CONFLICT", `${user.name} is already a member (${existing}).`);
    await this.audit.record({
      ...by,
      action: "membership.add",
      target: { type: "tenant", id: tenantId.toHexString() },
      details: { userId, email: user.email, role, invited: true },
    });
    return {
      userId,
      name: user.name,
      username: user.username,
      email: user.email,
      image: user.image ?? null,
      role,
      joinedAt: this.now(),
    };
  }

  /** Members with names and pictures, owners first. */
  members(tenantId: ObjectId): Promise<MemberDto[]> {
    return listMembers(this.db, tenantId);
  }
}
