import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMongo } from "@/devservers/mongo/index";
import { DatabaseService } from "@/server/db";
import { uniquePrefix } from "@/test/support/mongo";
import { HealthService } from "./health-service";

/** Its own Mongo, because this test stops it. */
let mongo: Awaited<ReturnType<typeof startMongo>> | null = null;
let dbpath: string;
let GET: () => Promise<Response>;

beforeAll(async () => {
  dbpath = await mkdtemp(path.join(tmpdir(), "conduit-health-"));
  mongo = await startMongo({ port: 0, dbpath, quiet: true });
  process.env.MONGODB_URI = mongo.uri;
  process.env.MONGODB_DB_PREFIX = uniquePrefix();
  process.env.REDIS_URL = "redis://127.0.0.1:6379";
  process.env.LOG_LEVEL = "silent";
  ({ GET } = await import("@/app/api/health/route"));
});

afterAll(async () => {
  await mongo?.stop();
  await rm(dbpath, { recursive: true, force: true });
  await (await import("@/server/services/container")).getServices().db.close();
});

describe("GET /api/health", () => {
  it("200 with every check when Mongo and Redis answer", async () => {
    const res = await GET();
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe("ok");
    expect(body.checks).toEqual({
      api: "ok",
      db: "ok",
      redis: "ok",
      kafka: "not_configured",
      search: "not_configured",
      storage: "not_configured",
    });
    // Informational sections never fail the report: no worker is running in this test, and it says so.
    expect(body.detail.worker).toMatchObject({ status: "down", workers: [], dirtyTenants: 0 });
    expect(body.detail.worker.queues.map((q: { name: string }) => q.name)).toEqual(["scheduler", "metrics"]);
    expect(body.detail.pipeline).toMatchObject({ lag: "not_configured" });
  });

  it("503 naming db when Mongo is stopped", async () => {
    await mongo?.stop();
    mongo = null;
    const res = await GET();
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.status).toBe("error");
    expect(body.failing).toEqual(["db"]);
    expect(body.checks.db).toMatch(/^error: /);
    expect(body.checks.redis).toBe("ok");
    expect(body.checks.api).toBe("ok");
  });
});

describe("HealthService", () => {
  it("names redis when nothing answers at REDIS_URL, and a configured but absent Kafka", async () => {
    const db = new DatabaseService({ uri: "mongodb://127.0.0.1:1", prefix: uniquePrefix() });
    const health = new HealthService({
      db,
      redisUrl: "redis://127.0.0.1:1",
      kafkaBrokers: "127.0.0.1:1",
      timeoutMs: 500,
    });
    try {
      const report = await health.check();
      expect(report.status).toBe("error");
      expect(report.failing).toEqual(["db", "redis", "kafka"]);
      expect(report.checks.search).toBe("not_configured");
    } finally {
      await health.close();
      await db.close();
    }
  });
});
