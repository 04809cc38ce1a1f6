import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Broker, type BrokerConfig, DEFAULT_TOPIC_SETTINGS } from "./src/broker";
import type { TopicSettings } from "./src/log/topic-config";
import { KafkaServer } from "./src/server";

export interface StartKafkaOptions {
  /** 0 or absent: a free port. */
  port?: number;
  host?: string;
  /** Host put in Metadata/FindCoordinator answers (default: `host`, or 127.0.0.1 for a wildcard). */
  advertisedHost?: string;
  /** Absent: a fresh temporary directory, removed on stop. */
  dir?: string;
  quiet?: boolean;
  /** auto.create.topics.enable (default true, as Kafka). */
  autoCreateTopics?: boolean;
  /** num.partitions (default 1, as Kafka). */
  numPartitions?: number;
  /** group.min.session.timeout.ms (default 6000, as Kafka; tests lower it). */
  minSessionTimeoutMs?: number;
  /** group.max.session.timeout.ms (default 1800000, as Kafka). */
  maxSessionTimeoutMs?: number;
  /** group.initial.rebalance.delay.ms (default 0, as Kafka's shipped server.properties). */
  initialRebalanceDelayMs?: number;
  /** Defaults of every topic's retention.bytes / retention.ms / segment.bytes / max.message.bytes. */
  topicDefaults?: Partial<TopicSettings>;
}

export interface RunningKafka {
  /** `host:port` list for `new Kafka({ brokers })`. */
  brokers: string[];
  host: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

/** Starts the embedded Kafka-protocol broker (see README.md). */
export async function startKafka(opts: StartKafkaOptions = {}): Promise<RunningKafka> {
  const host = opts.host ?? "127.0.0.1";
  const temp = opts.dir ? undefined : await mkdtemp(path.join(tmpdir(), "conduit-kafka-"));
  const dir = path.resolve(opts.dir ?? temp!);
  const log = opts.quiet ? undefined : (msg: string) => process.stderr.write(`[kafka] ${msg}\n`);
  const config: BrokerConfig = {
    dir,
    autoCreateTopics: opts.autoCreateTopics ?? true,
    numPartitions: opts.numPartitions ?? 1,
    topicDefaults: { ...DEFAULT_TOPIC_SETTINGS, ...opts.topicDefaults },
    minSessionTimeoutMs: opts.minSessionTimeoutMs ?? 6000,
    maxSessionTimeoutMs: opts.maxSessionTimeoutMs ?? 1_800_000,
    initialRebalanceDelayMs: opts.initialRebalanceDelayMs ?? 0,
    retentionCheckIntervalMs: 60_000,
    log,
  };
  const broker = new Broker(config);
  const server = new KafkaServer(broker, log);
  let port: number;
  try {
    port = await server.listen(opts.port ?? 0, host, opts.advertisedHost);
  } catch (err) {
    await broker.close();
    throw err;
  }
  const advertised = server.advertisedAddress;
  let stopping: Promise<void> | undefined;
  return {
    brokers: [`${advertised.host.includes(":") ? `[${advertised.host}]` : advertised.host}:${port}`],
    host: advertised.host,
    port,
    dir,
    stop() {
      stopping ??= (async () => {
        await server.close();
        await broker.close();
        if (temp) await rm(temp, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
