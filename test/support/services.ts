import { Writable } from "node:stream";
import pino from "pino";
import { signToken } from "@/server/auth/jwt";
import type { Session } from "@/server/auth/session";
import { createContext } from "@/server/context";
import { DatabaseService, type UserDoc } from "@/server/db";
import { parseEnv } from "@/server/env";
import type { Logger } from "@/server/log";
import { createServices, type Services } from "@/server/services/container";
import { type Provisioner, TenantsService } from "@/server/services/tenants/tenants-service";
import { dropPrefixedDatabases, testMongoUri, uniquePrefix, uniqueRedisPrefix } from "./mongo";

export const TEST_ROOT_DOMAIN = "localhost:3101";

/** A logger like the app's whose lines are kept in memory, so tests can read `master` entries. */
export function memoryLogger(): { log: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const log = pino({ level: "info", customLevels: { master: 35 }, base: { service: "conduit" } }, stream);
  const lines = () =>
    chunks
      .join("")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, lines };
}

export interface TestServices {
  services: Services;
  db: DatabaseService;
  prefix: string;
  logLines: () => Record<string, unknown>[];
  cleanup: () => Promise<void>;
}

/**
 * The real service container on the shared test Mongo under a fresh prefix. `provisioner`
 * replaces how a tenant database is created (to inject failures); everything else is the app's.
 */
export async function createTestServices(
  opts: {
    provisioner?: Provisioner;
    adminEmails?: string[];
    now?: () => Date;
    /** Redis for purges, signals and comment rate limits (reader tests), with its own key prefix. */
    redis?: import("ioredis").Redis;
    redisPrefix?: string;
    /** More environment (pipeline tests: KAFKA_BROKERS, ELASTICSEARCH_URL, PIPELINE_NAMESPACE). */
    env?: Record<string, string>;
  } = {},
): Promise<TestServices> {
  const prefix = uniquePrefix();
  const uri = testMongoUri();
  const env = parseEnv({
    MONGODB_URI: uri,
    MONGODB_DB_PREFIX: prefix,
    ROOT_DOMAIN: TEST_ROOT_DOMAIN,
    PLATFORM_ADMIN_EMAILS: (opts.adminEmails ?? []).join(","),
    NODE_ENV: "test",
    // Own key prefix by default: jobs a test schedules never land in a real environment's queues.
    REDIS_PREFIX: opts.redisPrefix ?? uniqueRedisPrefix(),
    ...opts.env,
  });
  const db = new DatabaseService({ uri, prefix });
  const { log, lines } = memoryLogger();
  const redis = opts.redis;
  const services = createServices({ db, log, env, now: opts.now, ...(redis ? { redis: () => redis } : {}) });
  if (opts.provisioner) {
    services.tenants = new TenantsService({
      db,
      log,
      audit: services.audit,
      memberships: services.memberships,
      rootDomain: env.ROOT_DOMAIN,
      protocol: env.PUBLIC_PROTOCOL,
      provisioner: opts.provisioner,
      now: opts.now,
    });
  }
  await db.ensureMasterIndexes();
  const cleanup = async () => {
    await services.queues.dispose({ deleteKeys: true });
    await dropPrefixedDatabases(db);
  };
  return { services, db, prefix, logLines: lines, cleanup };
}

let userCounter = 0;

/** A real account (through UsersService) and an API token for it. */
export async function createUser(
  services: Services,
  name: string,
  opts: { platformAdmin?: boolean } = {},
): Promise<{ user: UserDoc; session: Session; token: string }> {
  userCounter += 1;
  const username = `${name}${userCounter}${Math.floor(Math.random() * 1e6)}`.toLowerCase();
  let user = await services.users.signUp({
    email: `${username}@example.test`,
    username,
    password: "correct horse battery staple",
    name,
  });
  if (opts.platformAdmin) {
    await services.db.master().users.updateOne({ _id: user._id }, { $set: { platformAdmin: true } });
    user = { ...user, platformAdmin: true };
  }
  const sessionUser = services.users.toSessionUser(user);
  const token = await signToken({
    sub: sessionUser.id,
    email: sessionUser.email,
    username: sessionUser.username,
    name: sessionUser.name,
    platformAdmin: sessionUser.platformAdmin,
  });
  return { user, session: { user: sessionUser }, token };
}

/** The tRPC context of a real request (token in `Authorization`, tenant header as middleware sets it). */
export function contextFor(
  services: Services,
  opts: { token?: string; tenantSlug?: string; ip?: string; requestId?: string } = {},
) {
  const headers = new Headers();
  if (opts.token) headers.set("authorization", `Token ${opts.token}`);
  if (opts.tenantSlug) headers.set("x-tenant-slug", opts.tenantSlug);
  if (opts.ip) headers.set("x-forwarded-for", `${opts.ip}, 10.0.0.1`);
  if (opts.requestId) headers.set("x-request-id", opts.requestId);
  const req = new Request(`http://${TEST_ROOT_DOMAIN}/api/trpc`, { headers });
  return createContext({ req, resHeaders: new Headers() }, services);
}
