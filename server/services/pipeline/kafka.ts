import { Kafka, type KafkaConfig, logLevel } from "kafkajs";
import type { Logger } from "../../log";
import type { PipelineNames } from "./names";

/** Partitions of each pipeline topic: posts spread by key, one consumer per partition at most. */
export const PIPELINE_PARTITIONS = 3;

/** A kafkajs client for `KAFKA_BROKERS` (comma-separated host:port), logging through pino. */
export function createKafka(opts: { brokers: string; clientId: string; log?: Logger }): Kafka {
  const brokers = opts.brokers
    .split(",")
    .map((b) => b.trim().replace(/^[a-z]+:\/\//, ""))
    .filter(Boolean);
  const config: KafkaConfig = {
    clientId: opts.clientId,
    brokers,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2_000 },
    logLevel: logLevel.WARN,
  };
  const log = opts.log;
  if (log) {
    config.logCreator = () => (entry) => {
      const { message, ...rest } = entry.log;
      const fields = { kafka: entry.namespace, ...rest };
      if (entry.level <= logLevel.ERROR) log.error(fields, message);
      else if (entry.level === logLevel.WARN) log.warn(fields, message);
    };
  }
  return new Kafka(config);
}

/** Creates the pipeline's topics when missing (idempotent; safe from every process at start). */
export async function ensurePipelineTopics(kafka: Kafka, names: PipelineNames): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = [names.tasksTopic, names.resultsTopic, names.deadLetterTopic].filter(
      (t) => !existing.has(t),
    );
    if (wanted.length === 0) return;
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: wanted.map((topic) => ({
          topic,
          numPartitions: topic === names.deadLetterTopic ? 1 : PIPELINE_PARTITIONS,
          replicationFactor: 1,
        })),
      });
    } catch (error) {
      // Another process created them between the list and the create.
      if (!/already exists/i.test(String((error as Error)?.message ?? error))) throw error;
    }
  } finally {
    await admin.disconnect();
  }
}
