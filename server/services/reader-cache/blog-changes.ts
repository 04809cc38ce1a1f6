import type { Redis } from "ioredis";

/**
 * A counter per blog of changes to what its readers and API clients see
 * (`<prefix>blog:changes:<tenantId>`): bumped after the change committed and before the request
 * that made it answers — by every purge of the blog's reader pages (post writes, comments,
 * settings…, `ReaderPurger.purgeTenant`) and by every like (`SignalsService.toggleLike`). A cache
 * keyed by a blog's counter value therefore never serves what a finished write changed; when the
 * counter cannot be read, callers read the database.
 */
export const blogChangesKey = (prefix: string, tenantId: string) => `${prefix}blog:changes:${tenantId}`;

export async function bumpBlogChanges(redis: Redis, prefix: string, tenantId: string): Promise<void> {
  await redis.incr(blogChangesKey(prefix, tenantId));
}

/**
 * A counter per person of their own marks on others' work — likes and follows —
 * (`<prefix>person:changes:<userId>`), bumped by `SignalsService.toggleLike` and `FollowsService`
 * before the request answers: caches of a caller's `favorited`/`following` flags key on it.
 */
export const personChangesKey = (prefix: string, userId: string) => `${prefix}person:changes:${userId}`;

export async function bumpPersonChanges(redis: Redis, prefix: string, userId: string): Promise<void> {
  await redis.incr(personChangesKey(prefix, userId));
}

/** The person's counter now ("0" if never bumped); null when Redis cannot say. */
export async function readPersonChanges(
  redis: Redis,
  prefix: string,
  userId: string,
): Promise<string | null> {
  try {
    return (await redis.get(personChangesKey(prefix, userId))) ?? "0";
  } catch {
    return null;
  }
}

/** The blogs' counters now, in order ("0" for a blog never changed); null when Redis cannot say. */
export async function readBlogChanges(
  redis: Redis,
  prefix: string,
  tenantIds: string[],
): Promise<string[] | null> {
  if (!tenantIds.length) return [];
  try {
    const values = await redis.mget(tenantIds.map((id) => blogChangesKey(prefix, id)));
    return values.map((v) => v ?? "0");
  } catch {
    return null;
  }
}
