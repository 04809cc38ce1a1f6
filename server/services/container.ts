import { DatabaseService } from "../db";
import { type Env, env } from "../env";
import { type Logger, log } from "../log";
import { AuditService } from "./audit/audit-service";
import { MediaService } from "./media/media-service";
import type { ObjectStorage } from "./media/object-storage";
import { createObjectStorage, mediaPublicBase } from "./media/storage-config";
import { MembershipsService } from "./memberships/memberships-service";
import { PostsService } from "./posts/posts-service";
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
}

export interface ServiceDeps {
  db: DatabaseService;
  log: Logger;
  env: Env;
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
  const posts = new PostsService({ db });
  return { storage, media, profiles, db, tenants, memberships, audit, users, posts };
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
