import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabaseService } from "@/server/db";
import { HealthService } from "../health/health-service";
import { startTestStorage } from "./media-test-support";
import { ObjectStorage } from "./object-storage";

let started: Awaited<ReturnType<typeof startTestStorage>>;
const db = new DatabaseService({ uri: "mongodb://127.0.0.1:1", prefix: "unused" });

beforeAll(async () => {
  started = await startTestStorage();
});

afterAll(async () => {
  await started.stop();
  await db.close();
});

function health(storage: ObjectStorage | null) {
  return new HealthService({
    db,
    redisUrl: "redis://127.0.0.1:6379",
    s3Endpoint: started.s3.endpoint,
    storage,
    timeoutMs: 3_000,
  });
}

describe("storage health through the S3 client", () => {
  it("is ok when the bucket answers to the app's credentials", async () => {
    const h = health(started.storage);
    expect((await h.check()).checks.storage).toBe("ok");
    await h.close();
  });

  it("fails on a missing bucket or wrong credentials, not only when the port is closed", async () => {
    const wrong = new ObjectStorage({
      endpoint: started.s3.endpoint,
      bucket: "no-such-bucket",
      region: started.s3.region,
      accessKeyId: started.s3.accessKeyId,
      secretAccessKey: started.s3.secretAccessKey,
      forcePathStyle: true,
    });
    const h1 = health(wrong);
    expect((await h1.check()).checks.storage).toMatch(/^error: /);
    const badKey = new ObjectStorage({
      endpoint: started.s3.endpoint,
      bucket: "media-test",
      region: started.s3.region,
      accessKeyId: started.s3.accessKeyId,
      secretAccessKey: "wrong-secret",
      forcePathStyle: true,
    });
    const h2 = health(badKey);
    const report = await h2.check();
    expect(report.checks.storage).toMatch(/^error: /);
    expect(report.failing).toContain("storage");
    await Promise.all([h1.close(), h2.close()]);
    wrong.destroy();
    badKey.destroy();
  });
});
