/**
 * `npm run dev` / `npm start` (`--production`): the whole platform with no configuration.
 *
 *   1. MongoDB: MONGODB_URI when set; else whatever answers on 127.0.0.1:<mongo-port>; else the
 *      embedded server (`devservers/mongo`, data in `<data-dir>/mongo`).
 *   2. Redis at REDIS_URL: started (`redis-server`) when nothing answers and the binary exists.
 *   2b. Kafka: KAFKA_BROKERS when set; else whatever answers on 127.0.0.1:<kafka-port>; else the
 *      embedded broker (`devservers/kafka`, data in `<data-dir>/kafka`).
 *   2c. Elasticsearch: ELASTICSEARCH_URL when set; else an Elasticsearch answering on
 *      127.0.0.1:<search-port>; else the embedded server (`devservers/search`, data in `<data-dir>/search`).
 *   3. The app processes in `appProcesses` (Next today; the workers join that list later).
 *   4. Idempotent demo content (`scripts/seed-demo.ts`), then the URLs.
 *
 * Ctrl-C (SIGINT/SIGTERM/SIGHUP) stops every child process group: apps first, then infrastructure.
 * Flags: --port <n> (or PORT, default 3000), --mongo-port <n> (default 27017; 0 = any free port),
 * --data-dir <dir> (default .data), --no-seed, --production, --kafka-port <n> (default 9092; 0 = any
 * free port), --search-port <n> (default 9200; 0 = any free port).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { localAuthSecrets } from "./lib/auth-secret";
import { firstBroker, startEmbeddedKafka } from "./lib/kafka";
import { mongoAddress, startEmbeddedMongo } from "./lib/mongo";
import { hasProductionBuild, nextBuild } from "./lib/next-build";
import { binary, repoRoot } from "./lib/paths";
import { portAnswers, waitForPort } from "./lib/ports";
import { killNow, type ManagedProcess, spawnManaged, stopManaged } from "./lib/processes";
import { redisAddress, redisAnswers } from "./lib/redis";
import { DEV_S3_CREDENTIALS, LOCAL_S3_BUCKET, startEmbeddedS3 } from "./lib/s3";
import { searchAnswers, startEmbeddedSearch } from "./lib/search";

const { values: flags } = parseArgs({
  options: {
    production: { type: "boolean", default: false },
    port: { type: "string" },
    "mongo-port": { type: "string" },
    "kafka-port": { type: "string" },
    "search-port": { type: "string" },
    "data-dir": { type: "string" },
    "no-seed": { type: "boolean", default: false },
  },
});

const portSchema = z.coerce.number().int().min(0).max(65_535);
const config = z
  .object({
    production: z.boolean(),
    port: portSchema.refine((p) => p > 0, "the app needs a fixed port"),
    mongoPort: portSchema,
    kafkaPort: portSchema,
    searchPort: portSchema,
    elasticsearchUrl: z
      .string()
      .regex(/^https?:\/\//)
      .optional(),
    kafkaBrokers: z
      .string()
      .regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, "host:port[,host:port…]")
      .optional(),
    dataDir: z.string().min(1),
    seed: z.boolean(),
    mongoUri: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//)
      .optional(),
    redisUrl: z.string().regex(/^rediss?:\/\//),
  })
  .parse({
    production: flags.production,
    port: flags.port ?? process.env.PORT ?? 3000,
    mongoPort: flags["mongo-port"] ?? 27017,
    kafkaPort: flags["kafka-port"] ?? 9092,
    searchPort: flags["search-port"] ?? 9200,
    elasticsearchUrl: process.env.ELASTICSEARCH_URL || undefined,
    kafkaBrokers: process.env.KAFKA_BROKERS || undefined,
    dataDir: path.resolve(repoRoot, flags["data-dir"] ?? ".data"),
    seed: !flags["no-seed"],
    mongoUri: process.env.MONGODB_URI || undefined,
    redisUrl: process.env.REDIS_URL || "redis://127.0.0.1:6379",
  });

const say = (line: string) => console.log(`[dev] ${line}`);
const displayPath = (p: string) => (p.startsWith(repoRoot + path.sep) ? path.relative(repoRoot, p) : p);

/** Everything we started, in start order; stopped in reverse. */
const running: ManagedProcess[] = [];
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say("stopping…");
    for (const proc of [...running].reverse()) await stopManaged(proc);
    say("stopped");
  }
  process.exit(code);
}

// One Ctrl-C can arrive twice (from the terminal to the whole group, and relayed by npm/tsx), so
// only a signal well after the first one means "stop waiting" and kills what is left.
let firstSignalAt = 0;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (!firstSignalAt) {
      firstSignalAt = Date.now();
      void shutdown(signal === "SIGINT" ? 130 : 143);
    } else if (Date.now() - firstSignalAt > 1_000) {
      say("stopping now");
      killNow(running);
      process.exit(1);
    }
  });
}
process.on("exit", () => killNow(running));

/** A managed child that exits on its own takes the whole platform down with it. */
function supervise(proc: ManagedProcess): ManagedProcess {
  running.push(proc);
  void proc.exited.then((code) => {
    if (stopping) return;
    say(`${proc.name} exited (${code}); stopping the rest`);
    void shutdown(1);
  });
  return proc;
}

async function ensureMongo(): Promise<string> {
  if (config.mongoUri) {
    say(`MongoDB: using MONGODB_URI (${mongoAddress(config.mongoUri)?.host ?? "remote"})`);
    return config.mongoUri;
  }
  if (config.mongoPort !== 0 && (await portAnswers(config.mongoPort))) {
    const uri = `mongodb://127.0.0.1:${config.mongoPort}`;
    say(`MongoDB: reusing the server already answering on ${uri}`);
    return uri;
  }
  const dbpath = path.join(config.dataDir, "mongo");
  mkdirSync(dbpath, { recursive: true });
  const started = await startEmbeddedMongo({ port: config.mongoPort, dbpath });
  supervise(started.proc);
  say(`MongoDB: embedded server on ${started.uri} (data in ${displayPath(dbpath)})`);
  return started.uri;
}

async function ensureKafka(): Promise<string> {
  if (config.kafkaBrokers) {
    say(`Kafka: using KAFKA_BROKERS (${firstBroker(config.kafkaBrokers).host})`);
    return config.kafkaBrokers;
  }
  if (config.kafkaPort !== 0 && (await portAnswers(config.kafkaPort))) {
    const brokers = `127.0.0.1:${config.kafkaPort}`;
    say(`Kafka: reusing the broker already answering on ${brokers}`);
    return brokers;
  }
  const dir = path.join(config.dataDir, "kafka");
  mkdirSync(dir, { recursive: true });
  const started = await startEmbeddedKafka({ port: config.kafkaPort, dir });
  supervise(started.proc);
  say(`Kafka: embedded broker on ${started.brokers} (data in ${displayPath(dir)})`);
  return started.brokers;
}

async function ensureSearch(): Promise<string> {
  if (config.elasticsearchUrl) {
    say(`Elasticsearch: using ELASTICSEARCH_URL (${new URL(config.elasticsearchUrl).host})`);
    return config.elasticsearchUrl;
  }
  if (config.searchPort !== 0 && (await searchAnswers(config.searchPort))) {
    const url = `http://127.0.0.1:${config.searchPort}`;
    say(`Elasticsearch: reusing the server already answering on ${url}`);
    return url;
  }
  const dir = path.join(config.dataDir, "search");
  mkdirSync(dir, { recursive: true });
  // A port taken by something else than Elasticsearch: any free port instead.
  const port = config.searchPort !== 0 && (await portAnswers(config.searchPort)) ? 0 : config.searchPort;
  const started = await startEmbeddedSearch({ port, dir });
  supervise(started.proc);
  say(`Elasticsearch: embedded server on ${started.url} (data in ${displayPath(dir)})`);
  return started.url;
}

async function ensureRedis(): Promise<void> {
  if (await redisAnswers(config.redisUrl)) return say(`Redis: answering on ${config.redisUrl}`);
  const { host, port } = redisAddress(config.redisUrl);
  const local = host === "127.0.0.1" || host === "localhost";
  const hasBinary = spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
  if (!local || !hasBinary) {
    say(
      `Redis: nothing answers on ${config.redisUrl}; install and start redis-server (apt-get install redis-server) — /api/health reports redis failing until then`,
    );
    return;
  }
  supervise(
    spawnManaged({
      name: "redis",
      command: "redis-server",
      args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    }),
  );
  await waitForPort(port, "127.0.0.1", 15_000);
  say(`Redis: started redis-server on ${config.redisUrl}`);
}

/**
 * Media storage: S3_ENDPOINT (with S3_BUCKET and credentials) when set; else the embedded
 * S3-compatible server on a free port with its data in `<data-dir>/s3` and the bucket created.
 */
async function ensureS3(): Promise<Record<string, string>> {
  if (process.env.S3_ENDPOINT) {
    say(
      `S3: using S3_ENDPOINT (${process.env.S3_ENDPOINT}, bucket ${process.env.S3_BUCKET || LOCAL_S3_BUCKET})`,
    );
    return {};
  }
  const dataDir = path.join(config.dataDir, "s3");
  mkdirSync(dataDir, { recursive: true });
  const started = await startEmbeddedS3({ port: 0, dataDir });
  supervise(started.proc);
  say(
    `S3: embedded server on ${started.endpoint}, bucket ${started.bucket} (data in ${displayPath(dataDir)})`,
  );
  return {
    S3_ENDPOINT: started.endpoint,
    S3_BUCKET: started.bucket,
    S3_REGION: "us-east-1",
    S3_ACCESS_KEY_ID: DEV_S3_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: DEV_S3_CREDENTIALS.secretAccessKey,
  };
}

/** One line per long-running app process; the workers of later issues are added here. */
function appProcesses(env: NodeJS.ProcessEnv) {
  // The front server (scripts/serve.ts): blog reader pages itself (cached), Next's handler for the rest.
  const serve = [path.join(repoRoot, "scripts/serve.ts"), "--port", String(config.port)];
  const next = config.production ? serve : [...serve, "--dev"];
  return [
    { name: "next", command: binary("tsx"), args: next, env },
    // The background worker (feed issue): scheduled publishing, re-drives, hot scores.
    { name: "worker", command: binary("tsx"), args: [path.join(repoRoot, "workers/main.ts")], env },
    // The ingestion service (pipeline issue): Kafka tasks → summary, entities, concepts, embedding.
    {
      name: "ingestion",
      command: binary("tsx"),
      args: [path.join(repoRoot, "workers/ingestion/main.ts")],
      env,
    },
  ];
}

async function seed(env: NodeJS.ProcessEnv): Promise<void> {
  const proc = spawnManaged({
    name: "seed",
    command: binary("tsx"),
    args: [path.join(repoRoot, "scripts/seed-demo.ts")],
    cwd: repoRoot,
    env: { ...env, LOG_LEVEL: "warn" },
  });
  running.push(proc);
  const code = await proc.exited;
  running.splice(running.indexOf(proc), 1);
  if (code !== 0 && !stopping) say(`demo content could not be seeded (exit ${code}); the app still runs`);
}

/**
 * The first request also compiles the pages in dev, so the printed URLs answer at once;
 * the health summary tells at a glance whether a dependency is missing.
 */
async function firstHealth(port: number): Promise<string> {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(180_000) });
    const res = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(60_000) });
    const body = (await res.json()) as { status?: string; checks?: Record<string, string> };
    const failing = Object.entries(body.checks ?? {}).filter(([, v]) => v.startsWith("error"));
    return failing.length
      ? `(failing: ${failing.map(([k]) => k).join(", ")})`
      : `(${body.status ?? res.status})`;
  } catch (error) {
    return `(no answer yet: ${error instanceof Error ? error.message : String(error)})`;
  }
}

async function main(): Promise<void> {
  say(`Conduit ${config.production ? "production" : "development"} start`);
  const kafkaStarting = ensureKafka(); // in parallel with the rest; awaited before the apps start
  kafkaStarting.catch(() => {});
  const searchStarting = ensureSearch(); // likewise
  searchStarting.catch(() => {});
  const [mongoUri] = await Promise.all([ensureMongo(), ensureRedis()]);
  const s3Env = await ensureS3();
  const kafkaBrokers = await kafkaStarting;
  const elasticsearchUrl = await searchStarting;

  const rootDomain = process.env.ROOT_DOMAIN || `localhost:${config.port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MONGODB_URI: mongoUri,
    REDIS_URL: config.redisUrl,
    ROOT_DOMAIN: rootDomain,
    NEXTAUTH_URL: process.env.NEXTAUTH_URL || `http://${rootDomain}`,
    AUTH_TRUST_HOST: "1",
    KAFKA_BROKERS: kafkaBrokers,
    ELASTICSEARCH_URL: elasticsearchUrl,
    ...s3Env,
    NEXT_TELEMETRY_DISABLED: "1",
    // Locally the demo login holds the platform-admin privilege, so the audit log can be tried.
    PLATFORM_ADMIN_EMAILS:
      process.env.PLATFORM_ADMIN_EMAILS ?? (config.production ? "" : "demo@conduit.blog"),
  };
  if (config.production) {
    env.AUTH_SECRETS = process.env.AUTH_SECRETS || localAuthSecrets(config.dataDir);
    if (!hasProductionBuild(env)) {
      say("no production build yet: running next build");
      await nextBuild({ ...env, NODE_ENV: "production" });
    }
  }

  for (const spec of appProcesses(env)) supervise(spawnManaged({ ...spec, cwd: repoRoot }));
  await Promise.all([config.seed ? seed(env) : undefined, waitForPort(config.port, "127.0.0.1", 300_000)]);
  if (stopping) return;
  const health = await firstHealth(config.port);
  if (stopping) return;

  const [host, port] = rootDomain.split(":");
  const at = (sub: string) => `http://${sub}${host}${port ? `:${port}` : ""}`;
  console.log(
    [
      "",
      "  Conduit is running",
      `    platform     ${at("")}`,
      `    demo blog    ${at("demo.")}   (also ${at("ada.")}, ${at("grace.")})`,
      "    demo login   demo@conduit.blog / conduit-demo",
      `    media        ${process.env.S3_ENDPOINT || s3Env.S3_ENDPOINT}   (S3 bucket ${process.env.S3_BUCKET || LOCAL_S3_BUCKET})`,
      `    kafka        ${kafkaBrokers}   (KAFKA_BROKERS)`,
      `    search       ${elasticsearchUrl}   (ELASTICSEARCH_URL)`,
      `    audit log    ${at("")}/admin/audit   (platform admins; the demo login is one in development)`,
      `    health       ${at("")}/api/health   ${health}`,
      "  Ctrl-C stops everything.",
      "",
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`);
  void shutdown(1);
});
