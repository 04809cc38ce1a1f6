/**
 * Vitest global setup: ONE MongoDB for the whole run, shared by every test file through
 * `inject("mongoUri")`. Tests isolate themselves with a unique database prefix, so sharing the
 * server is safe and saves starting one per file on two cores.
 * With `MONGODB_TEST_URI` set (CI against a real `mongo:7.0`), that server is used instead.
 */
import type { TestProject } from "vitest/node";
import { startKafka } from "./devservers/kafka/index";
import { startMongo } from "./devservers/mongo/index";
import { startSearch } from "./devservers/search/index";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Kafka and Elasticsearch for the pipeline suites (topic, group and index names unique per test);
  // KAFKA_TEST_BROKERS / ELASTICSEARCH_TEST_URL point them at real servers instead.
  const stops: (() => Promise<void>)[] = [];
  const [kafka, search] = await Promise.all([
    process.env.KAFKA_TEST_BROKERS ? null : startKafka({ port: 0, quiet: true, minSessionTimeoutMs: 1_000 }),
    process.env.ELASTICSEARCH_TEST_URL ? null : startSearch({ port: 0, quiet: true }),
  ]);
  project.provide("kafkaBrokers", process.env.KAFKA_TEST_BROKERS ?? kafka?.brokers.join(",") ?? "");
  project.provide("searchUrl", process.env.ELASTICSEARCH_TEST_URL ?? search?.url ?? "");
  if (kafka) stops.push(() => kafka.stop());
  if (search) stops.push(() => search.stop());
  const stopOthers = () => Promise.all(stops.map((s) => s())).then(() => undefined);
  const external = process.env.MONGODB_TEST_URI;
  if (external) {
    project.provide("mongoUri", external);
    return stopOthers;
  }
  // No dbpath: a fresh temporary directory, removed again by stop().
  const mongo = await startMongo({ port: 0, quiet: true });
  project.provide("mongoUri", mongo.uri);
  return () => Promise.all([mongo.stop(), stopOthers()]).then(() => undefined);
}
