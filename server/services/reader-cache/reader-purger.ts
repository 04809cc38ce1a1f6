import type { Redis } from "ioredis";
import { ObjectId } from "mongodb";
import type { DatabaseService } from "../../db";
import type { Logger } from "../../log";
import { bumpBlogChanges, bumpPersonChanges, readBlogChanges, readPersonChanges } from "./blog-changes";
import { deliverLocally, type PurgeEvent, purgeChannel } from "./purge-bus";

export interface ReaderPurgerDeps {
  db: DatabaseService;
  log: Pick<Logger, "warn">;
  /** The shared Redis connection (publish only); a failure is logged, local purge still happens. */
  redis: () => Redis;
  redisPrefix: string;
}

type TenantLike = { _id: ObjectId | string; slug: string };

/**
 * The purge API for every service that changes what a reader page shows: posts (through the
 * `PostFanout` hook), comments, blog settings and theme, author profiles, tenant deletion.
 * Awaiting a call means this instance's cache is already purged and the other instances have
 * been told.
 */
export class ReaderPurger {
  constructor(private readonly deps: ReaderPurgerDeps) {}

  /** Everything cached for one blog (its host); its change counter moves first (blog-changes.ts). */
  async purgeTenant(tenant: TenantLike, reason: string): Promise<void> {
    const tenantId = typeof tenant._id === "string" ? tenant._id : tenant._id.toHexString();
    await bumpBlogChanges(this.deps.redis(), this.deps.redisPrefix, tenantId).catch((error: unknown) =>
      this.deps.log.warn(
        { err: error instanceof Error ? error.message : String(error), tenantId, reason },
        "blog change counter not bumped (Redis unavailable)",
      ),
    );
    await this.publish({ tenantSlug: tenant.slug, tenantId, reason });
  }

  /** A person liked, followed or unfollowed (blog-changes.ts); a failure is logged. */
  async personChanged(userId: string): Promise<void> {
    await bumpPersonChanges(this.deps.redis(), this.deps.redisPrefix, userId).catch((error: unknown) =>
      this.deps.log.warn(
        { err: error instanceof Error ? error.message : String(error), userId },
        "person change counter not bumped (Redis unavailable)",
      ),
    );
  }

  /** The person's change counter as Redis holds it now; null without Redis. */
  personChanges(userId: string): Promise<string | null> {
    return readPersonChanges(this.deps.redis(), this.deps.redisPrefix, userId);
  }

  /** The blogs' change counters as Redis holds them now (blog-changes.ts); null without Redis. */
  blogChanges(tenantIds: string[]): Promise<string[] | null> {
    return readBlogChanges(this.deps.redis(), this.deps.redisPrefix, tenantIds);
  }

  /**
   * An author's name, avatar or bio changed: their cached profile goes, and so does every blog
   * they belong to (bylines and author pages show the profile).
   */
  async purgeAuthor(userId: ObjectId | string, reason = "author-profile"): Promise<void> {
    const id = typeof userId === "string" ? userId : userId.toHexString();
    await this.publish({ userId: id, reason });
    const master = this.deps.db.master();
    if (!ObjectId.isValid(id)) return;
    const memberships = await master.memberships
      .find({ userId: new ObjectId(id) }, { projection: { tenantId: 1 } })
      .toArray()
      .catch(() => []);
    if (!memberships.length) return;
    const tenants = await master.tenants
      .find({ _id: { $in: memberships.map((m) => m.tenantId) } }, { projection: { slug: 1 } })
      .toArray();
    await Promise.all(tenants.map((t) => this.purgeTenant(t, reason)));
  }

  private async publish(event: PurgeEvent): Promise<void> {
    deliverLocally(event);
    try {
      await this.deps.redis().publish(purgeChannel(this.deps.redisPrefix), JSON.stringify(event));
    } catch (error) {
      this.deps.log.warn(
        { err: error instanceof Error ? error.message : String(error), ...event },
        "reader purge not published to other instances (Redis unavailable); this instance is purged",
      );
    }
  }
}
