/**
 * Vitest global setup: ONE MongoDB for the whole run, shared by every test file through
 * `inject("mongoUri")`. Tests isolate themselves with a unique database prefix, so sharing the
 * server is safe and saves starting one per file on two cores.
 * With `MONGODB_TEST_URI` set (CI against a real `mongo:7.0`), that server is used instead.
 */
import type { TestProject } from "vitest/node";
import { startMongo } from "./devservers/mongo/index";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.MONGODB_TEST_URI;
  if (external) {
    project.provide("mongoUri", external);
    return async () => {};
  }
  // No dbpath: a fresh temporary directory, removed again by stop().
  const mongo = await startMongo({ port: 0, quiet: true });
  project.provide("mongoUri", mongo.uri);
  return () => mongo.stop();
}
