/**
 * Vitest global setup: ONE MongoDB for the whole run, shared by every test file through
 * `inject("mongoUri")`. Tests isolate themselves with a unique database prefix, so sharing the
 * server is safe and saves starting one per file on two cores.
 * With `MONGODB_TEST_URI` set (CI against a real `mongo:7.0`), that server is used instead.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.MONGODB_TEST_URI;
  if (external) {
    project.provide("mongoUri", external);
    return async () => {};
  }

  // Transitional: the embedded server is landing in parallel; until it does, tests that need
  // Mongo fail on their own while the rest of the suite still runs.
  if (!existsSync(path.join(import.meta.dirname, "devservers/mongo/index.ts"))) {
    console.warn("vitest.global-setup: devservers/mongo/index.ts missing; no mongoUri provided");
    return async () => {};
  }
  const { startMongo } = await import("./devservers/mongo/index");
  const dbpath = await mkdtemp(path.join(tmpdir(), "conduit-vitest-mongo-"));
  const mongo = await startMongo({ port: 0, dbpath, quiet: true });
  project.provide("mongoUri", mongo.uri);

  return async () => {
    await mongo.stop();
    await rm(dbpath, { recursive: true, force: true });
  };
}
