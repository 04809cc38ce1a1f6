import type { Redis } from "ioredis";
import type { ObjectId } from "mongodb";

/**
 * The hand-off between the reader sites (which record views, likes and comments in a tenant
 * database) and the hot-score aggregation in the worker. A signal writer marks its tenant (and,
 * when it knows it, the post) dirty after the signal is committed; the aggregator recomputes only
 * what is marked, so a run never scans every tenant.
 *
 * Keys (all under the environment's REDIS_PREFIX):
 * - `<prefix>hot:dirty`                 SET of tenant ids with new signals since the last run
 * - `<prefix>hot:dirty:<tenantId>`      SET of post ids of that tenant ("*" = every post)
 * - `<prefix>hot:processing`            tenants claimed by a run that has not finished yet
 * - `<prefix>hot:processing:<tenantId>` their claimed post ids
 * A run that crashes leaves its claim in `processing`, which the next run picks up again, so a
 * mark is only cleared after the scores it asked for are written.
 */

type Id = string | ObjectId;
const idOf = (id: Id) => (typeof id === "string" ? id : id.toHexString());

/** Stands for "every post of the tenant" in a tenant's post set. */
export const ALL_POSTS = "*";

export const dirtyTenantsKey = (prefix: string) => `${prefix}hot:dirty`;
export const dirtyPostsKey = (prefix: string, tenantId: Id) => `${prefix}hot:dirty:${idOf(tenantId)}`;
export const processingTenantsKey = (prefix: string) => `${prefix}hot:processing`;
export const processingPostsKey = (prefix: string, tenantId: Id) =>
  `${prefix}hot:processing:${idOf(tenantId)}`;

/**
 * Marks a tenant's signals as changed: call it after a view, like or comment is committed.
 * With `postId` only that post is recomputed; without it, every post of the tenant in the feed.
 * One round trip (MULTI); cheap enough for the request path.
 */
export async function markTenantDirty(
  redis: Redis,
  prefix: string,
  tenantId: Id,
  postId?: Id,
): Promise<void> {
  await redis
    .multi()
    .sadd(dirtyPostsKey(prefix, tenantId), postId === undefined ? ALL_POSTS : idOf(postId))
    .sadd(dirtyTenantsKey(prefix), idOf(tenantId))
    .exec();
}

/** What one aggregation run has to recompute for one tenant. */
export interface DirtyTenant {
  tenantId: string;
  /** null: every post of the tenant; otherwise these post ids. */
  postIds: string[] | null;
}

/**
 * Claims up to `limit` dirty tenants (plus any claim a crashed run left behind). Each tenant moves
 * from `dirty` to `processing` in one MULTI with its post set, so a mark that arrives meanwhile
 * lands in a fresh `dirty` entry for the next run instead of being lost.
 */
export async function claimDirtyTenants(redis: Redis, prefix: string, limit = 500): Promise<DirtyTenant[]> {
  const fresh = await redis.srandmember(dirtyTenantsKey(prefix), limit);
  for (const tenantId of fresh) {
    await redis
      .multi()
      .smove(dirtyTenantsKey(prefix), processingTenantsKey(prefix), tenantId)
      .sunionstore(
        processingPostsKey(prefix, tenantId),
        processingPostsKey(prefix, tenantId),
        dirtyPostsKey(prefix, tenantId),
      )
      .del(dirtyPostsKey(prefix, tenantId))
      .exec();
  }
  const claimed = await redis.smembers(processingTenantsKey(prefix));
  const out: DirtyTenant[] = [];
  for (const tenantId of claimed) {
    const posts = await redis.smembers(processingPostsKey(prefix, tenantId));
    out.push({ tenantId, postIds: posts.length === 0 || posts.includes(ALL_POSTS) ? null : posts });
  }
  return out;
}

/** Clears a claim once its scores are written. */
export async function releaseDirtyTenant(redis: Redis, prefix: string, tenantId: Id): Promise<void> {
  await redis
    .multi()
    .del(processingPostsKey(prefix, tenantId))
    .srem(processingTenantsKey(prefix), idOf(tenantId))
    .exec();
}

/** How many tenants wait for the next run (admin page, health detail). */
export async function dirtyTenantCount(redis: Redis, prefix: string): Promise<number> {
  const [dirty, processing] = await Promise.all([
    redis.scard(dirtyTenantsKey(prefix)),
    redis.scard(processingTenantsKey(prefix)),
  ]);
  return dirty + processing;
}
