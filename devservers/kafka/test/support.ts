/**
 * Harness of the broker's black-box suite. Tests reach the broker only through `kafkajs`, so the
 * same files run against a real Kafka: `KAFKA_TEST_BROKERS=localhost:9092 npx vitest run
 * devservers/kafka/test` (the broker then needs group.min.session.timeout.ms ≤ 1000 and
 * group.initial.rebalance.delay.ms = 0, as the CI job sets them). Without that variable each test
 * file starts one embedded broker of its own. Tests that must kill or restart the broker always
 * use the embedded one (see `embeddedOnly`).
 */
import { randomBytes } from "node:crypto";
import {
  type Admin,
  type Consumer,
  type ConsumerConfig,
  Kafka,
  type KafkaConfig,
  logLevel,
  type Producer,
  type ProducerConfig,
} from "kafkajs";
import { afterAll, afterEach, beforeAll, describe } from "vitest";

process.env.KAFKAJS_NO_PARTITIONER_WARNING = "1";

export const externalBrokers = process.env.KAFKA_TEST_BROKERS?.split(",").map((b) => b.trim());

/** `describe` for behaviour only the embedded broker has (restarts, kill -9, its refusals). */
export const embeddedOnly = externalBrokers ? describe.skip : describe;

export function uniqueName(prefix = "t"): string {
  return `${prefix}-${randomBytes(5).toString("hex")}`;
}

/** Fast group settings: short sessions, frequent heartbeats, short long-polls. */
export const FAST_CONSUMER: Omit<ConsumerConfig, "groupId"> = {
  sessionTimeout: 3000,
  rebalanceTimeout: 6000,
  heartbeatInterval: 200,
  maxWaitTimeInMs: 100,
  retry: { retries: 3, initialRetryTime: 100 },
};

export interface KafkaContext {
  readonly brokers: string[];
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** Creates a topic with a unique name (deleted after the file). */
  topic(partitions?: number, configs?: Array<{ name: string; value: string }>): Promise<string>;
  producer(config?: ProducerConfig): Promise<Producer>;
  consumer(config?: Partial<ConsumerConfig>): Promise<Consumer>;
  client(config?: Partial<KafkaConfig>): Kafka;
}

export function setupKafka(): KafkaContext {
  let brokers: string[] = [];
  let kafka: Kafka | undefined;
  let admin: Admin | undefined;
  let stop: (() => Promise<void>) | undefined;
  const topics: string[] = [];
  let clients: Array<{ disconnect(): Promise<void> }> = [];

  beforeAll(async () => {
    if (externalBrokers) {
      brokers = externalBrokers;
    } else {
      const { startKafka } = await import("../index");
      const server = await startKafka({ quiet: true, minSessionTimeoutMs: 1000 });
      brokers = server.brokers;
      stop = () => server.stop();
    }
    kafka = client({});
    admin = kafka.admin();
    await admin.connect();
  });

  afterEach(async () => {
    const open = clients;
    clients = [];
    await Promise.all(open.map((c) => c.disconnect().catch(() => {})));
  });

  afterAll(async () => {
    if (topics.length && admin) await admin.deleteTopics({ topics }).catch(() => {});
    await admin?.disconnect();
    await stop?.();
  });

  function client(config: Partial<KafkaConfig>): Kafka {
    return new Kafka({
      clientId: "conduit-test",
      brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 5, initialRetryTime: 100 },
      ...config,
    });
  }

  return {
    get brokers() {
      return brokers;
    },
    get kafka() {
      if (!kafka) throw new Error("setupKafka(): the client exists only inside tests");
      return kafka;
    },
    get admin() {
      if (!admin) throw new Error("setupKafka(): the admin exists only inside tests");
      return admin;
    },
    async topic(partitions = 1, configs = []) {
      const name = uniqueName("topic");
      await this.admin.createTopics({
        topics: [{ topic: name, numPartitions: partitions, configEntries: configs }],
      });
      topics.push(name);
      return name;
    },
    async producer(config = {}) {
      const p = this.kafka.producer(config);
      await p.connect();
      clients.push(p);
      return p;
    },
    async consumer(config = {}) {
      const c = this.kafka.consumer({ groupId: uniqueName("group"), ...FAST_CONSUMER, ...config });
      await c.connect();
      clients.push(c);
      return c;
    },
    client,
  };
}

/** Resolves when `check` returns true (polled), rejects with `message` after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  message: string,
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${message}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Received {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string | string[]>;
}

/** Runs a consumer that records every message it gets. */
export async function collect(consumer: Consumer, topic: string, fromBeginning = true): Promise<Received[]> {
  const received: Received[] = [];
  await consumer.subscribe({ topic, fromBeginning });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) {
        headers[k] = Array.isArray(v) ? v.map((x) => String(x)) : String(v);
      }
      received.push({
        topic,
        partition,
        offset: Number(message.offset),
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? null,
        headers,
      });
    },
  });
  return received;
}

/** Resolves once the consumer has joined its group (with its assignment). */
export function joined(consumer: Consumer): Promise<Record<string, number[]>> {
  return new Promise((resolve) => {
    const off = consumer.on(consumer.events.GROUP_JOIN, (e) => {
      off();
      resolve(e.payload.memberAssignment);
    });
  });
}
