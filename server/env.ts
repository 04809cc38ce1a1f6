import { z } from "zod";

/**
 * The one reader of `process.env`. Every variable the platform understands is declared here;
 * an invalid value stops the process at start with a message listing every problem.
 * With nothing set, the defaults describe the local embedded setup (`npm run dev`).
 */
const emptyToUndefined = (v: unknown) => (v === "" ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
    /** Host (with port when not 80/443) under which blogs get subdomains: `<slug>.<ROOT_DOMAIN>`. */
    ROOT_DOMAIN: z
      .string()
      .regex(/^[a-z0-9.-]+(:\d+)?$/, "a host name with an optional port, e.g. localhost:3000")
      .default("localhost:3000"),
    /** Public scheme used when building URLs for API answers. */
    PUBLIC_PROTOCOL: z.enum(["http", "https"]).default("http"),
    MONGODB_URI: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, "a mongodb:// URI")
      .default("mongodb://127.0.0.1:27017"),
    /** Database names are `<prefix>_master` and `<prefix>_tenant_<id>`; tests use a unique prefix. */
    MONGODB_DB_PREFIX: z
      .string()
      .regex(/^[a-z][a-z0-9]{0,19}$/, "lower-case letters and digits, starting with a letter")
      .default("conduit"),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, "a redis:// URL")
      .default("redis://127.0.0.1:6379"),
    /** Prefix for every Redis key, so tests and environments never collide. */
    REDIS_PREFIX: z.string().default("conduit:"),
    /**
     * `kid:secret[,kid:secret…]`. The first pair signs new tokens; every pair verifies, so a secret
     * is rotated by prepending a new pair and dropping the old one after the longest token lifetime.
     */
    AUTH_SECRETS: optionalString,
    NEXTAUTH_URL: optionalString,
    GITHUB_ID: optionalString,
    GITHUB_SECRET: optionalString,
    /** Comma-separated e-mails that get the platform-admin ("Master") privilege on sign-up. */
    PLATFORM_ADMIN_EMAILS: z.preprocess(emptyToUndefined, z.string().default("")),
    // Later infrastructure; health reports "not_configured" while unset.
    KAFKA_BROKERS: optionalString,
    ELASTICSEARCH_URL: optionalString,
    S3_ENDPOINT: optionalString,
    /** Media storage (media issue): the bucket the app writes to; uploads go there straight from the browser. */
    S3_BUCKET: z.preprocess(emptyToUndefined, z.string().default("conduit-media")),
    S3_REGION: z.preprocess(emptyToUndefined, z.string().default("us-east-1")),
    S3_ACCESS_KEY_ID: optionalString,
    S3_SECRET_ACCESS_KEY: optionalString,
    /** Path-style addressing (`<endpoint>/<bucket>/<key>`): MinIO and the local server need it. */
    S3_FORCE_PATH_STYLE: z.preprocess(emptyToUndefined, z.enum(["true", "false"]).default("true")),
    /**
     * Base URL under which resized images are served (a CDN or the bucket's public URL). Unset:
     * the app serves them itself at `<PUBLIC_PROTOCOL>://<ROOT_DOMAIN>/media/<key>`.
     */
    S3_PUBLIC_URL: z.preprocess(emptyToUndefined, z.url().optional()),
    /**
     * Names of the pipeline's topics, consumer groups and search index derive from this (pipeline
     * issue): `<ns>.ingestion.tasks`, `<ns>.ingestion.results`, index `<ns>-posts`. Tests use a unique one.
     */
    PIPELINE_NAMESPACE: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^[a-z][a-z0-9-]{0,40}$/, "lower-case letters, digits and dashes")
        .default("conduit"),
    ),
    // Feed and worker (feed issue). The sweep is the seed's 10-minute cron, kept as a safety net
    // behind the exact delayed jobs; the deep pass reads one page of tenants per run.
    SCHEDULER_SWEEP_MS: z.coerce.number().int().min(1_000).default(600_000),
    SCHEDULER_DEEP_PASS_MS: z.coerce.number().int().min(1_000).default(60_000),
    SCHEDULER_DEEP_PASS_PAGE: z.coerce.number().int().min(1).max(10_000).default(200),
    HOT_SCORE_INTERVAL_MS: z.coerce.number().int().min(500).default(15_000),
    /** `GET /api/feed` response cache; the issue allows at most one second. */
    FEED_CACHE_MS: z.coerce.number().int().min(0).max(1_000).default(1_000),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
    /** How long a job's lock lasts without renewal: a killed worker's job runs again after this. */
    WORKER_LOCK_MS: z.coerce.number().int().min(1_000).default(30_000),
    /** Set by Next while `next build` runs: no secret is needed to compile, only to serve. */
    NEXT_PHASE: optionalString,
  })
  .superRefine((v, ctx) => {
    if (v.NODE_ENV === "production" && !v.AUTH_SECRETS && v.NEXT_PHASE !== "phase-production-build") {
      ctx.addIssue({ code: "custom", path: ["AUTH_SECRETS"], message: "required in production" });
    }
    if (
      v.AUTH_SECRETS &&
      !/^[A-Za-z0-9_-]+:[^,\s]{32,}(,[A-Za-z0-9_-]+:[^,\s]{32,})*$/.test(v.AUTH_SECRETS)
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_SECRETS"],
        message: "expected kid:secret[,kid:secret…] with secrets of at least 32 characters",
      });
    }
  });

export type Env = z.infer<typeof schema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return result.data;
}

export const env: Env = parseEnv(process.env);

// next-auth v4 reads NEXTAUTH_URL itself (not through this module) to build its callback and
// redirect URLs. Sign-in lives on the root domain, so with the variable unset it is derived here.
if (!process.env.NEXTAUTH_URL) process.env.NEXTAUTH_URL = `${env.PUBLIC_PROTOCOL}://${env.ROOT_DOMAIN}`;

/** Development-only signing secret, used when AUTH_SECRETS is unset outside production. */
export const DEV_AUTH_SECRETS = "dev:conduit-development-secret-do-not-use-in-production";
