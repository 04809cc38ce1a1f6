import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningKafka, startKafka } from "@/devservers/kafka/index";
import { DatabaseService } from "@/server/db";
import { testMongoUri, uniquePrefix } from "@/test/support/mongo";
import { HealthService } from "./health-service";

/** Its own broker, because the test stops and restarts it (on the same port and data). */
let kafka: RunningKafka | null = null;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "conduit-health-kafka-"));
  kafka = await startKafka({ dir, quiet: true });
});

afterAll(async () => {
  await kafka?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("HealthService kafka check", () => {
  it("is ok through kafkajs while the broker answers, an error while it is down, ok again after", async () => {
    const db = new DatabaseService({ uri: testMongoUri(), prefix: uniquePrefix() });
    const brokers = kafka!.brokers.join(",");
    const health = new HealthService({
      db,
      redisUrl: "redis://127.0.0.1:6379",
      kafkaBrokers: brokers,
      timeoutMs: 1_500,
    });
    try {
      expect((await health.check()).checks.kafka).toBe("ok");
      expect((await health.check()).checks.kafka).toBe("ok"); // on the kept connection

      const port = kafka!.port;
      await kafka!.stop();
      kafka = null;
      const down = await health.check();
      expect(down.checks.kafka).toMatch(/^error: /);
      expect(down.failing).toContain("kafka");

      kafka = await startKafka({ dir, port, quiet: true });
      expect((await health.check()).checks.kafka).toBe("ok");
    } finally {
      await health.close();
      await db.close();
    }
  });
});
