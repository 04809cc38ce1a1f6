import { getAuthRedis } from "../auth/redis";
import { DatabaseService } from "../db";
import { type Env, env } from "../env";
import { type Logger, log } from "../log";
import { AuditService } from "./audit/audit-service";
import { CommentsService } from "./comments/comments-service";
import { FeedFanout } from "./feed/feed-fanout";
import { FeedService } from "./feed/feed-service";
import { MediaService } from "./media/media-service";
import type { ObjectStorage } from "./media/object-storage";
import { createObjectStorage, mediaPublicBase } from "./media/storage-config";
import { MembershipsService } from "./memberships/memberships-service";
import { sequenceFanouts } from "./pipeline/fanout";
import { createPipeline, type Pipeline } from "./pipeline/wiring";
import { PostsService } from "./posts/posts-service";
import { ReaderPurgeFanout } from "./reader-cache/purge-fanout";
import { ReaderPurger } from "./reader-cache/reader-purger";
import { JobQueues } from "./scheduler/queues";
import { SchedulerService } from "./scheduler/scheduler-service";
import { SignalsService } from "./signals/signals-service";
import { TenantsService } from "./tenants/tenants-service";
import { ProfileService } from "./users/profile-service";
import { UsersService } from "./users/users-service";

/** Every service the app uses, wired once per process (or once per test). */
export interface Services {
  db: DatabaseService;
  tenants: TenantsService;
  memberships: MembershipsService;
  audit: AuditService;
  users: UsersService;
  posts: PostsService;
  /** Media (media issue): the S3 client (null while S3_ENDPOINT is unset), blog images, people's profiles. */
  storage: ObjectStorage | null;
  media: MediaService;
  profiles: ProfileService;
  /** Content pipeline (pipeline issue): ingestion-task producer, search index, hybrid search. */
  pipeline: Pipeline;
  /** Network feed (feed issue): `global_feed` reads (`feed`) and sync (`feed.sync`). */
  feed: FeedService;
  /** Exact publishing of scheduled posts (delayed jobs, sweep, deep pass); the worker runs the jobs. */
  scheduler: SchedulerService;
  /** BullMQ producers of this process (lazy: nothing connects until a job is added). */
  queues: JobQueues;
  /** Reader page cache purges (reader issue): call after any change a blog's readers see. */
  readerPurger: ReaderPurger;
  comments: CommentsService;
  signals: SignalsService;
}

export interface ServiceDeps {
  db: DatabaseService;
  log: Logger;
  env: Env;
  /** The Redis connection of purges, comment rate limits and signals; defaults to the shared one. */
  redis?: () => import("ioredis").Redis;
  /** Injected so tests can pin time; defaults to the wall clock. */
  now?: () => Date;
}

export function createServices(deps: ServiceDeps): Services {
  const { db, log, env } = deps;
  const now = deps.now ?? (() => new Date());
  const audit = new AuditService({ db, log, now });
  const memberships = new MembershipsService({ db, audit, now });
  const tenants = new TenantsService({
    db,
    log,
    audit,
    memberships,
    now,
    rootDomain: env.ROOT_DOMAIN,
    protocol: env.PUBLIC_PROTOCOL,
  });
  const adminEmails = env.PLATFORM_ADMIN_EMAILS.split(",")
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  const users = new UsersService({ db, log, audit, adminEmails });
  const storage = createObjectStorage(env);
  const publicBase = mediaPublicBase(env);
  const media = new MediaService({ db, storage, publicBase, log, now });
  const profiles = new ProfileService({ db, storage, publicBase, audit, log, now });
  // Reader cache purges, comments and signals (reader issue); Redis is the app's shared connection.
  const redis = deps.redis ?? getAuthRedis;
  const readerPurger = new ReaderPurger({ db, log, redis, redisPrefix: env.REDIS_PREFIX });
  // Bylines on cached reader pages follow a name or picture change (media issue).
  profiles.onVisibleChange = (userId) => readerPurger.purgeAuthor(userId, "author-profile");
  media.onReaderVisibleChange = (tenant, reason) => readerPurger.purgeTenant(tenant, reason);
  const feed = new FeedService({
    db,
    log,
    now,
    redis,
    redisPrefix: env.REDIS_PREFIX,
    rootDomain: env.ROOT_DOMAIN,
    protocol: env.PUBLIC_PROTOCOL,
    cacheMs: env.FEED_CACHE_MS,
  });
  tenants.onReaderVisibleChange = async (tenant, reason) => {
    await readerPurger.purgeTenant(tenant, reason);
    // A deleted blog leaves the feed now; the worker's purge re-drives it if this fails.
    if (reason === "tenant-deleted") await feed.sync.removeTenant(tenant._id);
  };
  const comments = new CommentsService({
    db,
    log,
    memberships,
    purger: readerPurger,
    redis,
    redisPrefix: env.REDIS_PREFIX,
    now,
  });
  const signals = new SignalsService({ db, log, redis, redisPrefix: env.REDIS_PREFIX, now });
  // Fan-out after each post write, in order: reader cache, feed sync, then the ingestion task.
  const pipeline = createPipeline({ db, log, env, now });
  // Feed sync and scheduling (feed issue): the fan-out's middle step, and the scheduler's publish
  // goes through PostsService.publishDue (one publish path for writers and the scheduler).
  const queues = new JobQueues({ redis, redisPrefix: env.REDIS_PREFIX });
  const scheduler = new SchedulerService({
    db,
    log,
    now,
    queues,
    feed: feed.sync,
    publisher: () => posts,
  });
  const posts: PostsService = new PostsService({
    db,
    fanout: sequenceFanouts(
      new ReaderPurgeFanout(readerPurger),
      new FeedFanout({ feed: feed.sync, scheduler, log }),
      pipeline.producer,
    ),
  });
  return {
    storage,
    media,
    profiles,
    db,
    tenants,
    memberships,
    audit,
    users,
    posts,
    readerPurger,
    comments,
    signals,
    pipeline,
    feed,
    scheduler,
    queues,
  };
}

// Next dev re-evaluates modules on every edit; keeping the container on globalThis keeps one
// MongoClient pool per process instead of one per reload.
const globalKey = Symbol.for("conduit.services");
type GlobalWithServices = typeof globalThis & { [globalKey]?: Services };

/** The process-wide container, built lazily from the validated environment. */
export function getServices(): Services {
  const g = globalThis as GlobalWithServices;
  let services = g[globalKey];
  if (!services) {
    const db = new DatabaseService({ uri: env.MONGODB_URI, prefix: env.MONGODB_DB_PREFIX });
    services = createServices({ db, log, env });
    g[globalKey] = services;
    // Start-up index creation; memoized in the DatabaseService, and retried by the writers that
    // depend on it (tenant creation awaits it) if the database was not reachable yet.
    db.ensureMasterIndexes().catch((error: unknown) =>
      log.warn({ err: String(error) }, "master indexes not created yet; will retry on first write"),
    );
  }
  return services;
}
