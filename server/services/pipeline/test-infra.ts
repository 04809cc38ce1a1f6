import { randomBytes } from "node:crypto";
import type { Kafka, KafkaMessage } from "kafkajs";
import { inject } from "vitest";
import { startKafka } from "../../../devservers/kafka/index";
import { startSearch } from "../../../devservers/search/index";
import { createKafka } from "./kafka";
import { type PipelineNames, pipelineNames } from "./names";

/**
 * Test infrastructure of the pipeline suites: the run's Kafka (from the vitest global setup when it
 * provides one, else one embedded broker for this file) and names no other test uses.
 */
export async function testKafka(): Promise<{ brokers: string; kafka: Kafka; stop(): Promise<void> }> {
  const provided = inject("kafkaBrokers");
  if (provided) {
    return {
      brokers: provided,
      kafka: createKafka({ brokers: provided, clientId: "test" }),
      stop: async () => {},
    };
  }
  const running = await startKafka({ port: 0, quiet: true, minSessionTimeoutMs: 1_000 });
  const brokers = running.brokers.join(",");
  return { brokers, kafka: createKafka({ brokers, clientId: "test" }), stop: () => running.stop() };
}

/** The run's search server (global setup), or one embedded server for this file. */
export async function testSearch(): Promise<{ url: string; stop(): Promise<void> }> {
  const provided = inject("searchUrl");
  if (provided) return { url: provided, stop: async () => {} };
  const running = await startSearch({ port: 0, quiet: true });
  return { url: running.url, stop: () => running.stop() };
}

export function uniqueNames(): PipelineNames {
  return pipelineNames(`t${randomBytes(5).toString("hex")}`);
}

/** Reads a topic from the beginning until `until` says enough (or the timeout passes). */
export async function collect(
  kafka: Kafka,
  topic: string,
  until: (messages: KafkaMessage[]) => boolean,
  timeoutMs = 60_000,
): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({
    groupId: `reader-${randomBytes(5).toString("hex")}`,
    maxWaitTimeInMs: 100,
  });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  await consumer.run({
    eachMessage: async ({ message }) => {
      messages.push(message);
      if (until(messages)) resolveDone();
    },
  });
  const timer = setTimeout(resolveDone, timeoutMs);
  await done;
  clearTimeout(timer);
  await consumer.disconnect();
  return messages;
}

/** Polls `check` until it returns a truthy value. */
export async function eventually<T>(
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 240_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}
