/**
 * Starts what the e2e tests drive: an embedded Mongo (temp data dir) and `next start` on the
 * port chosen in playwright.config.ts, with a unique database prefix. Returns the teardown.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomAuthSecrets } from "../scripts/lib/auth-secret";
import { startEmbeddedKafka } from "../scripts/lib/kafka";
import { startEmbeddedMongo } from "../scripts/lib/mongo";
import { hasProductionBuild, nextBuild } from "../scripts/lib/next-build";
import { binary, repoRoot } from "../scripts/lib/paths";
import { waitForPort } from "../scripts/lib/ports";
import { killNow, type ManagedProcess, spawnManaged, stopManaged } from "../scripts/lib/processes";
import { DEV_S3_CREDENTIALS, startEmbeddedS3 } from "../scripts/lib/s3";

export default async function globalSetup(): Promise<() => Promise<void>> {
  const port = Number(process.env.CONDUIT_E2E_PORT);
  const started: ManagedProcess[] = [];
  const dbpath = await mkdtemp(path.join(tmpdir(), "conduit-e2e-mongo-"));
  const s3dir = await mkdtemp(path.join(tmpdir(), "conduit-e2e-s3-"));
  const pipelineDir = await mkdtemp(path.join(tmpdir(), "conduit-e2e-pipeline-"));
  const teardown = async () => {
    for (const proc of started.reverse()) await stopManaged(proc);
    await rm(dbpath, { recursive: true, force: true });
    await rm(s3dir, { recursive: true, force: true });
    await rm(pipelineDir, { recursive: true, force: true });
  };
  process.once("exit", () => killNow(started));

  try {
    const mongo = await startEmbeddedMongo({ port: 0, dbpath, echo: false });
    started.push(mongo.proc);
    // Media storage: the embedded S3 server (uploads go to it straight from the browser).
    const s3 = await startEmbeddedS3({ port: 0, dataDir: s3dir, echo: false });
    started.push(s3.proc);
    // The content pipeline (pipeline issue): Kafka and the search server; the ingestion service and
    // the worker start next to the app below.
    const kafka = await startEmbeddedKafka({ port: 0, dir: path.join(pipelineDir, "kafka"), echo: false });
    started.push(kafka.proc);
    const searchProc = spawnManaged({
      name: "search",
      command: process.execPath,
      args: [
        "--import",
        "tsx",
        "devservers/search/cli.ts",
        "--port",
        "0",
        "--dir",
        path.join(pipelineDir, "search"),
        "--quiet",
      ],
      cwd: repoRoot,
      echo: false,
    });
    started.push(searchProc);
    const searchUrl = (await searchProc.waitForLine(/^ready (\S+)$/))[1] as string;

    const id = randomBytes(4).toString("hex");
    const rootDomain = `localhost:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      MONGODB_URI: mongo.uri,
      MONGODB_DB_PREFIX: `e2e${id}`,
      REDIS_PREFIX: `conduit-e2e-${id}:`,
      ROOT_DOMAIN: rootDomain,
      NEXTAUTH_URL: `http://${rootDomain}`,
      AUTH_TRUST_HOST: "1",
      AUTH_SECRETS: process.env.AUTH_SECRETS || randomAuthSecrets(),
      LOG_LEVEL: process.env.LOG_LEVEL || "warn",
      NEXT_TELEMETRY_DISABLED: "1",
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
      S3_ACCESS_KEY_ID: DEV_S3_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: DEV_S3_CREDENTIALS.secretAccessKey,
      KAFKA_BROKERS: kafka.brokers,
      ELASTICSEARCH_URL: searchUrl,
      PIPELINE_NAMESPACE: `e2e-${id}`,
      KAFKAJS_NO_PARTITIONER_WARNING: "1",
    };
    if (!hasProductionBuild(env)) await nextBuild(env);
    // Workers inherit these, so a spec can put data in place that no API writes yet (e.g. posts).
    process.env.CONDUIT_E2E_MONGODB_URI = mongo.uri;
    process.env.CONDUIT_E2E_DB_PREFIX = env.MONGODB_DB_PREFIX;
    process.env.CONDUIT_E2E_REDIS_PREFIX = env.REDIS_PREFIX;

    // Through the front server (scripts/serve.ts), as `npm start` runs: reader pages and their cache.
    const next = spawnManaged({
      name: "next",
      command: binary("tsx"),
      args: ["scripts/serve.ts", "--port", String(port)],
      cwd: repoRoot,
      env,
    });
    started.push(next);
    // The pipeline's processes: the ingestion service and the worker (result consumer, re-drives).
    for (const [name, script] of [
      ["ingestion", "workers/ingestion/main.ts"],
      ["worker", "workers/main.ts"],
    ] as const) {
      started.push(
        spawnManaged({ name, command: binary("tsx"), args: [script], cwd: repoRoot, env, echo: false }),
      );
    }
    await Promise.race([
      waitForPort(port),
      next.exited.then((code) => Promise.reject(new Error(`next start exited (${code})`))),
    ]);
    return teardown;
  } catch (error) {
    await teardown();
    throw error;
  }
}
