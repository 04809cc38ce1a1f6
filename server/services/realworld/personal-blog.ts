import { ObjectId } from "mongodb";
import type { DatabaseService, TenantDoc, UserDoc } from "../../db";
import { AppError, isAppError } from "../../errors";
import { hasSlugShape, RESERVED_SLUGS } from "../tenants/slug";
import type { Caller as TenantCaller, TenantsService } from "../tenants/tenants-service";

/** A creation that has not finished in this long crashed; the next request takes over. */
const CLAIM_STALE_MS = 60_000;
/** How long a second request waits for a creation already under way. */
const WAIT_MS = 15_000;
const MAX_SUFFIX = 50;

/**
 * The blog's slug for a username: lower-cased, `_` → `-`, dashes trimmed from the ends, padded
 * to the 3-character minimum. `Jake_Doe` → `jake-doe`.
 */
export function personalSlugBase(username: string): string {
  let base = username
    .toLowerCase()
    .replace(/_/g, "-")
    .replace(/[^a-z0-9-]/g, "")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 55);
  if (base.length < 3) base = `${base || "blog"}-blog`.replace(/^-/, "");
  return base;
}

/** `base`, then `base-2`, `base-3` …: the candidates in order, reserved names skipped. */
export function personalSlugCandidates(username: string): string[] {
  const base = personalSlugBase(username);
  const out: string[] = [];
  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    if (hasSlugShape(slug) && !RESERVED_SLUGS.has(slug)) out.push(slug);
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The caller's personal blog: where a root-domain `POST /api/articles` publishes when it names no
 * blog. Created on first use through the usual provisioning (`TenantsService.create`), recorded
 * on the user as `personalBlogId`. A blog the person already owns at exactly the base slug is
 * adopted instead of creating a second one. Two first posts at once: one request claims the
 * creation on the user document, the other waits for it.
 */
export class PersonalBlogs {
  constructor(
    private readonly deps: {
      db: DatabaseService;
      tenants: Pick<TenantsService, "create" | "retry">;
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async forUser(user: Pick<UserDoc, "_id">, caller: TenantCaller): Promise<TenantDoc> {
    const { users, tenants } = this.deps.db.master();
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const fresh = await users.findOne(
        { _id: user._id },
        { projection: { username: 1, name: 1, personalBlogId: 1, personalBlogClaimAt: 1 } },
      );
      if (!fresh) throw new AppError("UNAUTHORIZED", "Sign in to continue.");
      if (fresh.personalBlogId) {
        const tenant = await tenants.findOne({ _id: fresh.personalBlogId });
        if (tenant?.status === "active") return tenant;
        if (tenant && (tenant.status === "failed" || tenant.status === "pending")) {
          await this.deps.tenants.retry(tenant.slug, caller);
          const done = await tenants.findOne({ _id: tenant._id });
          if (done?.status === "active") return done;
        }
        // Deleted (or vanished): the next post starts a new personal blog.
        await users.updateOne(
          { _id: user._id, personalBlogId: fresh.personalBlogId },
          { $set: { personalBlogId: null } },
        );
        continue;
      }
      const stale = new Date(this.now().getTime() - CLAIM_STALE_MS);
      const claimed = await users.findOneAndUpdate(
        {
          _id: user._id,
          personalBlogId: { $in: [null] },
          $or: [{ personalBlogClaimAt: { $in: [null] } }, { personalBlogClaimAt: { $lt: stale } }],
        },
        { $set: { personalBlogClaimAt: this.now() } },
        { returnDocument: "after", projection: { _id: 1 } },
      );
      if (claimed) return this.create(fresh, caller);
      if (Date.now() > deadline) {
        throw new AppError("UNAVAILABLE", "Your blog is still being set up. Try again in a moment.");
      }
      await sleep(100);
    }
  }

  private async create(user: Pick<UserDoc, "_id" | "username" | "name">, caller: TenantCaller) {
    const { users, tenants } = this.deps.db.master();
    try {
      const candidates = personalSlugCandidates(user.username);
      // A blog the person already owns at their own name is their personal blog.
      const own = await tenants.findOne({ slug: candidates[0], ownerId: user._id, status: "active" });
      let tenant: TenantDoc | null = own;
      for (const slug of own ? [] : candidates) {
        try {
          const dto = await this.deps.tenants.create(
            { name: user.name || user.username, slug, theme: "classic" },
            caller,
          );
          tenant = await tenants.findOne({ _id: new ObjectId(dto.id) });
          break;
        } catch (error) {
          if (isAppError(error) && error.code === "CONFLICT") continue; // taken: the next number
          const failedId = (error as { details?: { tenantId?: string } }).details?.tenantId;
          if (isAppError(error) && failedId && ObjectId.isValid(failedId)) {
            // Provisioning failed half-way: keep it as the personal blog, so the next post retries it.
            await users.updateOne(
              { _id: user._id },
              { $set: { personalBlogId: new ObjectId(failedId), personalBlogClaimAt: null } },
            );
          }
          throw error;
        }
      }
      if (!tenant) throw new AppError("UNAVAILABLE", "No free address was found for your blog.");
      await users.updateOne(
        { _id: user._id },
        { $set: { personalBlogId: tenant._id, personalBlogClaimAt: null } },
      );
      return tenant;
    } catch (error) {
      await users
        .updateOne({ _id: user._id }, { $set: { personalBlogClaimAt: null } })
        .catch(() => undefined);
      throw error;
    }
  }
}
