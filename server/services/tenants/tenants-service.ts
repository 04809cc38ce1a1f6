import { ObjectId } from "mongodb";
import { type DatabaseService, isDuplicateKeyError, type Role, type TenantDoc, type Theme } from "../../db";
import { AppError } from "../../errors";
import type { Logger } from "../../log";
import type { AuditService, RequestActor } from "../audit/audit-service";
import { type MembershipsService, toUserObjectId } from "../memberships/memberships-service";
import {
  type CreateTenantInput,
  createTenantSchema,
  firstIssueMessage,
  slugLookupSchema,
  type UpdateTenantInput,
  updateTenantSchema,
} from "./schemas";
import { SLUG_TAKEN_MESSAGE, slugProblem } from "./slug";
import { type TenantDto, toTenantDto } from "./tenant-dto";

export type { TenantDto } from "./tenant-dto";

/** The signed-in user on whose behalf a call runs, plus request facts for the audit trail. */
export interface Caller {
  userId: string;
  email: string;
  platformAdmin: boolean;
  ip: string | null;
  requestId: string | null;
}

/** Creates one tenant's database; returns its name. Replaceable so tests can inject failures. */
export type Provisioner = (tenant: TenantDoc) => Promise<string>;

export interface TenantsServiceDeps {
  db: DatabaseService;
  log: Logger;
  audit: AuditService;
  memberships: MembershipsService;
  rootDomain: string;
  protocol: "http" | "https";
  now?: () => Date;
  provisioner?: Provisioner;
}

/** A `pending` record older than this is a crashed provisioning, which a retry may take over. */
const STALE_PENDING_MS = 60_000;

const rank: Record<Role, number> = { author: 1, editor: 2, owner: 3 };

function actorOf(caller: Caller): RequestActor {
  return { actor: { id: caller.userId, email: caller.email }, ip: caller.ip, requestId: caller.requestId };
}

/**
 * Blog lifecycle (seed 000 §1): a `pending` record claims the slug (the unique index decides
 * races), then the tenant database and the owner membership are created, then the record becomes
 * `active` with its audit entry — so a tenant is never served before its database exists, and a
 * failure at any step leaves `failed` with its reason for `retry` to complete idempotently.
 */
export class TenantsService {
  private readonly db: DatabaseService;
  private readonly log: Logger;
  private readonly audit: AuditService;
  private readonly memberships: MembershipsService;
  private readonly now: () => Date;
  private readonly provisioner: Provisioner;
  private readonly rootDomain: string;
  private readonly protocol: "http" | "https";
  /** Set by the container: purges the blog's cached reader pages after a name/theme change or delete. */
  onReaderVisibleChange?: (tenant: TenantDoc, reason: string) => Promise<void>;

  constructor(deps: TenantsServiceDeps) {
    this.db = deps.db;
    this.log = deps.log;
    this.audit = deps.audit;
    this.memberships = deps.memberships;
    this.now = deps.now ?? (() => new Date());
    this.provisioner = deps.provisioner ?? ((tenant) => this.db.provisionTenantDatabase(tenant));
    this.rootDomain = deps.rootDomain;
    this.protocol = deps.protocol;
  }

  urlOf(slug: string): string {
    return `${this.protocol}://${slug}.${this.rootDomain}`;
  }

  toDto(tenant: TenantDoc, role?: Role | null): TenantDto {
    return toTenantDto(tenant, this.urlOf(tenant.slug), role ?? undefined);
  }

  async checkSlug(rawSlug: string): Promise<{ available: boolean; reason: string | null }> {
    const slug = rawSlug.trim().toLowerCase();
    const problem = slugProblem(slug);
    if (problem) return { available: false, reason: problem };
    const taken = await this.db.master().tenants.countDocuments({ slug }, { limit: 1 });
    return taken ? { available: false, reason: SLUG_TAKEN_MESSAGE } : { available: true, reason: null };
  }

  async create(rawInput: CreateTenantInput, caller: Caller): Promise<TenantDto> {
    const parsed = createTenantSchema.safeParse(rawInput);
    if (!parsed.success) throw new AppError("BAD_REQUEST", firstIssueMessage(parsed.error));
    const input = parsed.data;
    await this.db.ensureMasterIndexes();

    const at = this.now();
    const tenant: TenantDoc = {
      _id: new ObjectId(),
      name: input.name,
      slug: input.slug,
      theme: input.theme,
      status: "pending",
      ownerId: toUserObjectId(caller.userId),
      createdAt: at,
      updatedAt: at,
    };
    try {
      await this.db.master().tenants.insertOne(tenant);
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new AppError("CONFLICT", SLUG_TAKEN_MESSAGE);
      throw error;
    }
    return this.toDto(await this.complete(tenant, caller, false), "owner");
  }

  /** Completes a `failed` (or crashed `pending`) provisioning; every step is idempotent. */
  async retry(rawSlug: string, caller: Caller): Promise<TenantDto> {
    const tenant = await this.findBySlug(rawSlug);
    if (!tenant.ownerId.equals(toUserObjectId(caller.userId)) && !caller.platformAdmin) {
      throw new AppError("FORBIDDEN", "Only the blog's owner can retry its setup.");
    }
    if (tenant.status === "active") return this.toDto(tenant, "owner");
    if (tenant.status === "deleted") throw new AppError("NOT_FOUND", "This blog was deleted.");
    if (tenant.status === "pending" && this.now().getTime() - tenant.updatedAt.getTime() < STALE_PENDING_MS) {
      throw new AppError("CONFLICT", "This blog is still being set up.");
    }
    await this.db
      .master()
      .tenants.updateOne({ _id: tenant._id }, { $set: { status: "pending", updatedAt: this.now() } });
    return this.toDto(await this.complete(tenant, caller, true), "owner");
  }

  private async complete(tenant: TenantDoc, caller: Caller, retry: boolean): Promise<TenantDoc> {
    const tenants = this.db.master().tenants;
    try {
      // Independent writes run together: fewer serial round trips (each one durable) per create.
      const [databaseName] = await Promise.all([
        this.provisioner(tenant),
        this.memberships.ensureOwner(tenant._id, tenant.ownerId.toHexString()),
      ]);
      const updatedAt = this.now();
      // Both settle before deciding: if the audit write failed, the catch below records `failed`
      // after the status flip has landed, so a tenant stays active only with its audit entry.
      const settled = await Promise.allSettled([
        this.audit.record({
          ...actorOf(caller),
          action: "tenant.create",
          target: { type: "tenant", id: tenant._id.toHexString(), label: tenant.slug },
          details: {
            name: tenant.name,
            theme: tenant.theme,
            databaseName,
            ...(retry ? { retry: true } : {}),
          },
        }),
        tenants.updateOne(
          { _id: tenant._id },
          { $set: { status: "active", databaseName, updatedAt }, $unset: { failureReason: "" } },
        ),
      ]);
      const rejected = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (rejected) throw rejected.reason;
      const { failureReason: _, ...rest } = tenant;
      return { ...rest, status: "active", databaseName, updatedAt };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.log.error(
        { tenantId: tenant._id.toHexString(), slug: tenant.slug, err: reason },
        "provisioning failed",
      );
      await tenants
        .updateOne(
          { _id: tenant._id },
          { $set: { status: "failed", failureReason: reason, updatedAt: this.now() } },
        )
        .catch((e: unknown) =>
          this.log.error({ err: String(e) }, "could not record the provisioning failure"),
        );
      throw new AppError("UNAVAILABLE", "Your blog could not be set up. Please retry in a moment.", {
        tenantId: tenant._id.toHexString(),
        slug: tenant.slug,
      });
    }
  }

  /** Blogs the user belongs to (and failed/pending ones they own, so they can retry), newest first. */
  async mine(userId: string): Promise<TenantDto[]> {
    const uid = toUserObjectId(userId);
    const memberships = await this.memberships.listForUser(userId);
    const roleByTenant = new Map(memberships.map((m) => [m.tenantId.toHexString(), m.role]));
    const tenants = await this.db
      .master()
      .tenants.find({
        $or: [
          { _id: { $in: memberships.map((m) => m.tenantId) } },
          { ownerId: uid, status: { $ne: "active" } },
        ],
        status: { $ne: "deleted" },
      })
      .sort({ createdAt: -1 })
      .toArray();
    return tenants.map((t) => this.toDto(t, roleByTenant.get(t._id.toHexString()) ?? "owner"));
  }

  /** A blog its caller belongs to (any role); platform admins see every blog. */
  async get(rawSlug: string, caller: Caller): Promise<TenantDto> {
    const tenant = await this.findBySlug(rawSlug);
    const role = await this.roleOf(tenant, caller.userId);
    if (!role && !caller.platformAdmin) throw new AppError("FORBIDDEN", "You are not a member of this blog.");
    return this.toDto(tenant, role);
  }

  async update(rawInput: UpdateTenantInput, caller: Caller): Promise<TenantDto> {
    const parsed = updateTenantSchema.safeParse(rawInput);
    if (!parsed.success) throw new AppError("BAD_REQUEST", firstIssueMessage(parsed.error));
    const { slug, name, theme } = parsed.data;
    const tenant = await this.requireRole(slug, caller, "owner");
    const patch: { name?: string; theme?: Theme } = {};
    if (name !== undefined) patch.name = name;
    if (theme !== undefined) patch.theme = theme;
    if (Object.keys(patch).length === 0) return this.toDto(tenant, "owner");
    const updatedAt = this.now();
    await this.db.master().tenants.updateOne({ _id: tenant._id }, { $set: { ...patch, updatedAt } });
    if (tenant.status === "active") {
      // The tenant DB keeps a copy for the reader site's settings; keep them in step.
      await this.db
        .forTenant(tenant)
        .settings.updateOne(
          { _id: "blog" },
          { $set: { ...(patch.name ? { title: patch.name } : {}), ...patch, updatedAt } },
        );
    }
    await this.onReaderVisibleChange?.(tenant, "settings");
    return this.toDto({ ...tenant, ...patch, updatedAt }, "owner");
  }

  /** Soft delete: the blog stops being served, its slug stays taken, its data stays until an admin drops it. */
  async delete(rawSlug: string, caller: Caller): Promise<TenantDto> {
    const tenant = await this.requireRole(rawSlug, caller, "owner");
    const at = this.now();
    await this.db
      .master()
      .tenants.updateOne({ _id: tenant._id }, { $set: { status: "deleted", deletedAt: at, updatedAt: at } });
    await this.audit.record({
      ...actorOf(caller),
      action: "tenant.delete",
      target: { type: "tenant", id: tenant._id.toHexString(), label: tenant.slug },
      details: { previousStatus: tenant.status },
    });
    await this.onReaderVisibleChange?.(tenant, "tenant-deleted");
    return this.toDto({ ...tenant, status: "deleted", deletedAt: at, updatedAt: at }, "owner");
  }

  /** The "Master" privilege: irreversibly drops a soft-deleted blog's database. */
  async dropDatabase(rawSlug: string, caller: Caller): Promise<void> {
    if (!caller.platformAdmin) throw new AppError("FORBIDDEN", "Platform administrators only.");
    const tenant = await this.findBySlug(rawSlug, { includeDeleted: true });
    if (tenant.status !== "deleted") {
      throw new AppError("CONFLICT", "Only a deleted blog's database can be dropped.");
    }
    await this.db.dropTenantDatabase(tenant);
    await this.db
      .master()
      .tenants.updateOne({ _id: tenant._id }, { $set: { databaseDroppedAt: this.now() } });
    await this.audit.record({
      ...actorOf(caller),
      action: "admin.drop_tenant_database",
      target: { type: "tenant", id: tenant._id.toHexString(), label: tenant.slug },
      details: { databaseName: tenant.databaseName ?? this.db.tenantDatabaseName(tenant._id) },
    });
  }

  /** Grants or changes a member's role; the blog's owner or a platform admin may do it. */
  async setRole(rawSlug: string, userId: string, role: Role, caller: Caller): Promise<void> {
    const tenant = await this.findBySlug(rawSlug);
    if (!caller.platformAdmin) await this.requireRole(tenant.slug, caller, "owner");
    const uid = toUserObjectId(userId);
    if (!(await this.db.master().users.countDocuments({ _id: uid }, { limit: 1 }))) {
      throw new AppError("NOT_FOUND", "No such user.");
    }
    const current = await this.memberships.roleOf(tenant._id, userId);
    if (current) await this.memberships.changeRole(tenant._id, userId, role, actorOf(caller));
    else await this.memberships.add(tenant._id, userId, role, actorOf(caller));
  }

  /** Public list of live blogs, newest first. */
  async directory(limit = 100): Promise<TenantDto[]> {
    const tenants = await this.db
      .master()
      .tenants.find({ status: "active" })
      .sort({ createdAt: -1 })
      .limit(Math.min(Math.max(limit, 1), 500))
      .toArray();
    return tenants.map((t) => this.toDto(t));
  }

  /** Every blog, for the platform admin page (newest first). */
  async listAll(status?: TenantDoc["status"], limit = 500): Promise<TenantDto[]> {
    const tenants = await this.db
      .master()
      .tenants.find(status ? { status } : {})
      .sort({ createdAt: -1 })
      .limit(limit)
      .toArray();
    return tenants.map((t) => this.toDto(t));
  }

  /** The tenant a host names, if it may be served; everything else (pending, failed, deleted) is null. */
  async findActiveBySlug(rawSlug: string): Promise<TenantDoc | null> {
    const parsed = slugLookupSchema.safeParse(rawSlug);
    if (!parsed.success) return null;
    return this.db.master().tenants.findOne({ slug: parsed.data, status: "active" });
  }

  async roleOf(tenant: TenantDoc, userId: string): Promise<Role | null> {
    const role = await this.memberships.roleOf(tenant._id, userId);
    if (role) return role;
    // A provisioning that failed before the owner membership was written still belongs to its creator.
    if (tenant.status !== "active" && tenant.ownerId.toHexString() === userId) return "owner";
    return null;
  }

  private async findBySlug(rawSlug: string, opts: { includeDeleted?: boolean } = {}): Promise<TenantDoc> {
    const parsed = slugLookupSchema.safeParse(rawSlug);
    const tenant = parsed.success ? await this.db.master().tenants.findOne({ slug: parsed.data }) : null;
    if (!tenant || (tenant.status === "deleted" && !opts.includeDeleted)) {
      throw new AppError("NOT_FOUND", "This blog does not exist.");
    }
    return tenant;
  }

  private async requireRole(rawSlug: string, caller: Caller, needed: Role): Promise<TenantDoc> {
    const tenant = await this.findBySlug(rawSlug);
    const role = await this.roleOf(tenant, caller.userId);
    if (!role) throw new AppError("FORBIDDEN", "You are not a member of this blog.");
    if (rank[role] < rank[needed])
      throw new AppError("FORBIDDEN", `This needs the ${needed} role on this blog.`);
    return tenant;
  }
}
