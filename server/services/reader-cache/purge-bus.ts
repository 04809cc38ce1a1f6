import type { Redis } from "ioredis";
import { z } from "zod";

/**
 * Purges of the reader page cache, across every app instance. A purge names a blog: everything
 * cached for its host goes (home, lists, feeds, sitemap and every post page all show the blog's
 * posts, comment counts, theme and settings, so a per-blog purge is the one that is always right).
 *
 * Delivery: listeners in this process first (synchronously, so the request that made the change
 * already sees it), then Redis pub/sub to the other instances (and to this one again: harmless).
 * Listeners live on globalThis because Next's server bundle and the front server load separate
 * copies of this module in one process.
 */
export const purgeEventSchema = z.object({
  /** The blog whose cached pages go; absent for a user-only event. */
  tenantSlug: z.string().min(1).max(63).optional(),
  tenantId: z.string().max(24).optional(),
  /** An author whose profile changed: cached author data goes too. */
  userId: z.string().max(24).optional(),
  reason: z.string().max(64),
});
export type PurgeEvent = z.infer<typeof purgeEventSchema>;
export type PurgeListener = (event: PurgeEvent) => void;

const listenersKey = Symbol.for("conduit.reader-purge.listeners");
type WithListeners = typeof globalThis & { [listenersKey]?: Set<PurgeListener> };

function localListeners(): Set<PurgeListener> {
  const g = globalThis as WithListeners;
  g[listenersKey] ??= new Set();
  return g[listenersKey];
}

/** Registers a listener for every purge reaching this process; returns the unsubscribe. */
export function onPurge(listener: PurgeListener): () => void {
  localListeners().add(listener);
  return () => localListeners().delete(listener);
}

export function purgeChannel(prefix: string): string {
  return `${prefix}reader:purge`;
}

export function deliverLocally(event: PurgeEvent): void {
  for (const listener of localListeners()) {
    try {
      listener(event);
    } catch {
      // One broken listener must not keep the others from purging.
    }
  }
}

/** Subscribes this process to purges published by the others; returns the stop function. */
export async function subscribeToPurges(subscriber: Redis, prefix: string): Promise<() => Promise<void>> {
  const channel = purgeChannel(prefix);
  subscriber.on("message", (ch: string, message: string) => {
    if (ch !== channel) return;
    try {
      const parsed = purgeEventSchema.safeParse(JSON.parse(message));
      if (parsed.success) deliverLocally(parsed.data);
    } catch {
      // Not JSON: not ours.
    }
  });
  await subscriber.subscribe(channel);
  return async () => {
    await subscriber.unsubscribe(channel).catch(() => undefined);
  };
}
