import { Redis } from "ioredis";
import type { ObjectId } from "mongodb";
import pino from "pino";
import { DatabaseService, type TenantDoc } from "../server/db";
import { FeedFanout } from "../server/services/feed/feed-fanout";
import { FeedService } from "../server/services/feed/feed-service";
import { PostsService } from "../server/services/posts/posts-service";
import { JobQueues } from "../server/services/scheduler/queues";
import { SchedulerService } from "../server/services/scheduler/scheduler-service";

const port = Number(process.env.CONDUIT_E2E_PORT);

/**
 * Writers from the test process with the app's own post fan-out for the feed: the posts service
 * (versions, renderer) with the feed sync and scheduler as its fan-out, on the e2e database and
 * Redis prefix — so what a test publishes reaches `global_feed` exactly as a studio publish does.
 */
export async function withFeedWriter<T>(
  slug: string,
  work: (w: {
    posts: PostsService;
    tenant: TenantDoc;
    actor: { userId: ObjectId; role: "owner" };
  }) => Promise<T>,
): Promise<T> {
  const uri = process.env.CONDUIT_E2E_MONGODB_URI;
  const prefix = process.env.CONDUIT_E2E_DB_PREFIX;
  const redisPrefix = process.env.CONDUIT_E2E_REDIS_PREFIX;
  if (!uri || !prefix || !redisPrefix) throw new Error("e2e/global-setup.ts did not export the e2e services");
  const db = new DatabaseService({ uri, prefix });
  const redis = new Redis(process.env.REDIS_URL || "redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  const log = pino({ level: "warn", customLevels: { master: 35 } });
  const now = () => new Date();
  const queues = new JobQueues({ redis: () => redis, redisPrefix });
  try {
    const tenant = await db.master().tenants.findOne({ slug });
    if (!tenant) throw new Error(`blog ${slug} not found`);
    const feed = new FeedService({
      db,
      log,
      now,
      redis: () => redis,
      redisPrefix,
      rootDomain: `localhost:${port}`,
      protocol: "http",
      cacheMs: 0,
    });
    let posts: PostsService | null = null;
    const scheduler = new SchedulerService({
      db,
      log,
      now,
      queues,
      feed: feed.sync,
      publisher: () => posts as PostsService,
    });
    posts = new PostsService({ db, log, fanout: new FeedFanout({ feed: feed.sync, scheduler, log }) });
    return await work({ posts, tenant, actor: { userId: tenant.ownerId, role: "owner" } });
  } finally {
    await queues.close();
    redis.disconnect();
    await db.close();
  }
}

/** Publishes posts (title, tags) one after another; the last one is the newest. */
export async function publishMany(slug: string, list: { title: string; tags: string[] }[]): Promise<void> {
  await withFeedWriter(slug, async ({ posts, tenant, actor }) => {
    for (const p of list) {
      const created = await posts.create(tenant, actor, {
        title: p.title,
        content: {
          type: "doc",
          content: [
            { type: "paragraph", content: [{ type: "text", text: `${p.title}: a few words for the card.` }] },
          ],
        },
      });
      const saved = await posts.save(tenant, actor, created.id, {
        baseVersion: created.version,
        tags: p.tags,
      });
      if (!saved.ok) throw new Error("save conflict");
      await posts.publish(tenant, actor, created.id);
    }
  });
}
