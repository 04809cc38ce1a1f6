import { Redis } from "ioredis";
import type { ObjectId } from "mongodb";
import pino from "pino";
import { DatabaseService, type TenantDoc } from "../server/db";
import { PostsService } from "../server/services/posts/posts-service";
import { ReaderPurgeFanout } from "../server/services/reader-cache/purge-fanout";
import { ReaderPurger } from "../server/services/reader-cache/reader-purger";

/**
 * The blog's writer, from the test process: the real posts service (renderer, versions, slugs)
 * on the e2e database, with the reader-cache purge as its fan-out. The purge reaches the app
 * server through Redis pub/sub, exactly as a second app instance's would.
 */
export async function withWriter<T>(
  slug: string,
  work: (w: {
    purger: ReaderPurger;
    posts: PostsService;
    tenant: TenantDoc;
    actor: { userId: ObjectId; role: "owner" };
    db: DatabaseService;
  }) => Promise<T>,
): Promise<T> {
  const uri = process.env.CONDUIT_E2E_MONGODB_URI;
  const prefix = process.env.CONDUIT_E2E_DB_PREFIX;
  const redisPrefix = process.env.CONDUIT_E2E_REDIS_PREFIX;
  if (!uri || !prefix || !redisPrefix) throw new Error("e2e/global-setup.ts did not export the e2e services");
  const db = new DatabaseService({ uri, prefix });
  const redis = new Redis(process.env.REDIS_URL || "redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  const log = pino({ level: "warn", customLevels: { master: 35 } });
  try {
    const tenant = await db.master().tenants.findOne({ slug });
    if (!tenant) throw new Error(`blog ${slug} not found`);
    const purger = new ReaderPurger({ db, log, redis: () => redis, redisPrefix });
    const posts = new PostsService({ db, log, fanout: new ReaderPurgeFanout(purger) });
    return await work({ purger, posts, tenant, db, actor: { userId: tenant.ownerId, role: "owner" } });
  } finally {
    redis.disconnect();
    await db.close();
  }
}

export const text = (t: string, marks?: unknown[]) => ({
  type: "text",
  text: t,
  ...(marks ? { marks } : {}),
});
export const para = (...parts: unknown[]) => ({ type: "paragraph", content: parts });
export const heading = (level: number, t: string) => ({
  type: "heading",
  attrs: { level },
  content: [text(t)],
});
export const doc = (...content: unknown[]) => ({ type: "doc", content });
export const code = (language: string, source: string) => ({
  type: "codeBlock",
  attrs: { language },
  content: [text(source)],
});
export const image = (src: string, alt: string) => ({ type: "image", attrs: { src, alt } });

/** Creates, fills and publishes a post; returns its id and version. */
export async function publishPost(
  slug: string,
  input: { title: string; content: unknown; tags?: string[]; featured?: boolean; excerpt?: string },
): Promise<{ id: string; slug: string }> {
  return withWriter(slug, async ({ posts, tenant, actor }) => {
    const created = await posts.create(tenant, actor, { title: input.title, content: input.content });
    const saved = await posts.save(tenant, actor, created.id, {
      baseVersion: created.version,
      tags: input.tags ?? [],
      ...(input.featured ? { featured: true } : {}),
      ...(input.excerpt ? { excerpt: input.excerpt } : {}),
    });
    if (!saved.ok) throw new Error("save conflict");
    await posts.publish(tenant, actor, created.id);
    const post = await posts.getForEditor(tenant, actor, created.id);
    return { id: created.id, slug: post?.slug ?? "" };
  });
}
