import { ErrorCode, KafkaError } from "../protocol/errors";

/** The effective settings of a topic: broker defaults overridden by the topic's configs. */
export interface TopicSettings {
  retentionBytes: number;
  retentionMs: number;
  segmentBytes: number;
  maxMessageBytes: number;
  minInsyncReplicas: number;
}

const long = (min: number) => (name: string, v: string) => {
  if (!/^-?\d+$/.test(v) || Number(v) < min) {
    throw new KafkaError(ErrorCode.INVALID_CONFIG, `Invalid value ${v} for configuration ${name}`);
  }
  return Number(v);
};

const only = (allowed: string) => (name: string, v: string) => {
  if (v.trim() !== allowed) {
    throw new KafkaError(
      ErrorCode.INVALID_CONFIG,
      `${name}=${v} is not supported by the embedded broker (only ${allowed})`,
    );
  }
  return v;
};

/** Topic configs with an effect here, and how their values are checked. */
const SETTINGS: Record<string, { key?: keyof TopicSettings; parse: (name: string, v: string) => unknown }> = {
  "retention.bytes": { key: "retentionBytes", parse: long(-1) },
  "retention.ms": { key: "retentionMs", parse: long(-1) },
  "segment.bytes": { key: "segmentBytes", parse: long(14) },
  "max.message.bytes": { key: "maxMessageBytes", parse: long(0) },
  "min.insync.replicas": { key: "minInsyncReplicas", parse: long(1) },
  "cleanup.policy": { parse: only("delete") },
  "compression.type": { parse: only("producer") },
  "message.timestamp.type": { parse: only("CreateTime") },
};

/**
 * Accepted and stored without effect: on one node that fsyncs every append and never compacts,
 * they change nothing a client can observe.
 */
const NO_EFFECT = new Set([
  "unclean.leader.election.enable",
  "segment.ms",
  "segment.jitter.ms",
  "segment.index.bytes",
  "index.interval.bytes",
  "flush.messages",
  "flush.ms",
  "file.delete.delay.ms",
  "preallocate",
  "delete.retention.ms",
  "min.compaction.lag.ms",
  "max.compaction.lag.ms",
  "min.cleanable.dirty.ratio",
  "message.downconversion.enable",
  "follower.replication.throttled.replicas",
  "leader.replication.throttled.replicas",
]);

/** Known to Kafka, but with behaviour this broker does not have: refused rather than ignored. */
const REFUSED = new Set([
  "message.timestamp.difference.max.ms",
  "message.timestamp.before.max.ms",
  "message.timestamp.after.max.ms",
  "remote.storage.enable",
  "local.retention.bytes",
  "local.retention.ms",
  "confluent.value.schema.validation",
  "confluent.key.schema.validation",
]);

/** Checks a CreateTopics config map as Kafka does (INVALID_CONFIG / INVALID_REQUEST). */
export function validateTopicConfigs(
  configs: Array<{ name: string; value: string | null }>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, value } of configs) {
    if (value === null) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `Null value not supported for topic configs: ${name}`);
    }
    const setting = SETTINGS[name];
    if (setting) setting.parse(name, value);
    else if (REFUSED.has(name)) {
      throw new KafkaError(ErrorCode.INVALID_CONFIG, `${name} is not supported by the embedded broker`);
    } else if (!NO_EFFECT.has(name)) {
      throw new KafkaError(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${name}`);
    }
    out[name] = value;
  }
  return out;
}

export function effectiveSettings(defaults: TopicSettings, configs: Record<string, string>): TopicSettings {
  const s = { ...defaults };
  for (const [name, value] of Object.entries(configs)) {
    const key = SETTINGS[name]?.key;
    if (key) s[key] = Number(value);
  }
  return s;
}

/** Kafka's topic name rules (Topic.validate) and the '.'/'_' collision check. */
export function topicNameError(name: string): string | null {
  if (name.length === 0) return "Topic name is illegal, it can't be empty";
  if (name === "." || name === "..") return 'Topic name cannot be "." or ".."';
  if (name.length > 249) {
    return `Topic name is illegal, it can't be longer than 249 characters, topic name: ${name}`;
  }
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return null;
}
