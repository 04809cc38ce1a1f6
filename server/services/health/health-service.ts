import { Redis } from "ioredis";
import type { DatabaseService } from "../../db";
import { KafkaCheck } from "./kafka-check";
import { SearchCheck } from "./search-check";

export type CheckName = "api" | "db" | "redis" | "kafka" | "search" | "storage";
/** "ok", "not_configured" (never failing), or "error: <reason>". */
export type CheckResult = string;

export interface HealthReport {
  status: "ok" | "error";
  checks: Record<CheckName, CheckResult>;
  failing?: CheckName[];
  /** Informational sections (e.g. `worker`: queue depth, failures, oldest waiting job); never fail the report. */
  detail?: Record<string, unknown>;
}

export interface HealthServiceDeps {
  db: DatabaseService;
  redisUrl: string;
  kafkaBrokers?: string;
  elasticsearchUrl?: string;
  s3Endpoint?: string;
  /** The app's S3 client: when given, the storage check is a HeadBucket through it (credentials and bucket too). */
  storage?: { ping(): Promise<void> } | null;
  /** Per check; a dependency slower than this counts as down. */
  timeoutMs?: number;
  /** Sections of `detail`, each computed with the same timeout; an error is reported in its section. */
  details?: Record<string, () => Promise<unknown>>;
}

class TimeoutError extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]?.slice(0, 200) || "unknown error";
}

/** Any HTTP answer means the server is up (auth and paths are the clients' business). */
async function httpProbe(url: string, signal: AbortSignal): Promise<void> {
  const res = await fetch(url, { method: "GET", signal });
  await res.body?.cancel();
}

/**
 * `GET /api/health`: each dependency is checked in parallel with a short timeout; anything
 * unset in the environment is "not_configured" and does not fail the report.
 */
export class HealthService {
  private redis: Redis | null = null;
  private kafka: KafkaCheck | null = null;
  private search: SearchCheck | null = null;
  private readonly timeoutMs: number;

  constructor(private readonly deps: HealthServiceDeps) {
    this.timeoutMs = deps.timeoutMs ?? 1_500;
  }

  private redisClient(): Redis {
    if (!this.redis) {
      this.redis = new Redis(this.deps.redisUrl, {
        lazyConnect: true,
        maxRetriesPerRequest: 1,
        connectTimeout: Math.min(this.timeoutMs, 1_000),
        enableOfflineQueue: true,
        retryStrategy: (times) => Math.min(times * 200, 2_000),
      });
      // Failures surface through the check; without a listener ioredis prints every reconnect.
      this.redis.on("error", () => {});
    }
    return this.redis;
  }

  /** kafkajs admin kept connected between checks (see KafkaCheck). */
  private kafkaCheck(brokers: string): KafkaCheck {
    this.kafka ??= new KafkaCheck(brokers, this.timeoutMs);
    return this.kafka;
  }

  /** The official Elasticsearch client kept between checks (see SearchCheck). */
  private searchCheck(url: string): SearchCheck {
    this.search ??= new SearchCheck(url, this.timeoutMs);
    return this.search;
  }

  private async run(check: () => Promise<void>): Promise<CheckResult> {
    try {
      await withTimeout(check(), this.timeoutMs);
      return "ok";
    } catch (error) {
      return `error: ${reasonOf(error)}`;
    }
  }

  async check(): Promise<HealthReport> {
    const { kafkaBrokers, elasticsearchUrl, s3Endpoint } = this.deps;
    const controller = new AbortController();
    const notConfigured = async (): Promise<CheckResult> => "not_configured";
    const detailing = this.detail();
    const [db, redis, kafka, search, storage] = await Promise.all([
      this.run(() => this.deps.db.ping()),
      this.run(async () => {
        const answer = await this.redisClient().ping();
        if (answer !== "PONG") throw new Error(`unexpected PING answer ${answer}`);
      }),
      kafkaBrokers ? this.run(() => this.kafkaCheck(kafkaBrokers).ping()) : notConfigured(),
      elasticsearchUrl ? this.run(() => this.searchCheck(elasticsearchUrl).ping()) : notConfigured(),
      s3Endpoint
        ? this.run(() => this.deps.storage?.ping() ?? httpProbe(s3Endpoint, controller.signal))
        : notConfigured(),
    ]);
    controller.abort();
    const checks: HealthReport["checks"] = { api: "ok", db, redis, kafka, search, storage };
    const failing = (Object.keys(checks) as CheckName[]).filter((k) => checks[k].startsWith("error"));
    const detail = await detailing;
    const extra = detail ? { detail } : {};
    return failing.length
      ? { status: "error", checks, failing, ...extra }
      : { status: "ok", checks, ...extra };
  }

  private async detail(): Promise<Record<string, unknown> | undefined> {
    const sections = Object.entries(this.deps.details ?? {});
    if (!sections.length) return undefined;
    const values = await Promise.all(
      sections.map(([, load]) =>
        withTimeout(load(), this.timeoutMs).catch((error: unknown) => ({ error: reasonOf(error) })),
      ),
    );
    return Object.fromEntries(sections.map(([name], i) => [name, values[i]]));
  }

  async close(): Promise<void> {
    const redis = this.redis;
    this.redis = null;
    redis?.disconnect();
    await this.kafka?.close();
    this.kafka = null;
    await this.search?.close();
    this.search = null;
  }
}
