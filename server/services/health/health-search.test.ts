import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSearch, startSearch } from "@/devservers/search/index";
import { DatabaseService } from "@/server/db";
import { testMongoUri, uniquePrefix } from "@/test/support/mongo";
import { HealthService } from "./health-service";

/** Its own server, because the test stops and restarts it (on the same port and data). */
let search: RunningSearch | null = null;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "conduit-health-search-"));
  search = await startSearch({ dir, quiet: true });
});

afterAll(async () => {
  await search?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("HealthService search check", () => {
  it("is ok through the Elasticsearch client while the server answers, an error while it is down", async () => {
    const db = new DatabaseService({ uri: testMongoUri(), prefix: uniquePrefix() });
    const url = search!.url;
    const health = new HealthService({
      db,
      redisUrl: "redis://127.0.0.1:6379",
      elasticsearchUrl: url,
      timeoutMs: 3_000,
    });
    try {
      expect((await health.check()).checks.search).toBe("ok");
      const port = search!.port;
      await search!.stop();
      search = null;
      const down = await health.check();
      expect(down.checks.search).toMatch(/^error: /);
      expect(down.failing).toContain("search");
      search = await startSearch({ dir, port, quiet: true });
      expect((await health.check()).checks.search).toBe("ok");
    } finally {
      await health.close();
      await db.close();
    }
  });

  it("fails for an HTTP server that is not Elasticsearch (the client's product check)", async () => {
    const other = createServer((_req, res) => res.end("{}"));
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const db = new DatabaseService({ uri: testMongoUri(), prefix: uniquePrefix() });
    const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const health = new HealthService({
      db,
      redisUrl: "redis://127.0.0.1:6379",
      elasticsearchUrl: url,
      timeoutMs: 3_000,
    });
    try {
      expect((await health.check()).checks.search).toMatch(/^error: /);
    } finally {
      await health.close();
      await db.close();
      other.close();
    }
  });
});
