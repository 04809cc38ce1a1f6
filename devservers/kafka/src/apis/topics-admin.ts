import { NODE_ID } from "../broker";
import type { RequestContext } from "../context";
import { validateTopicConfigs } from "../log/topic-config";
import { ErrorCode, KafkaError } from "../protocol/errors";
import type { Reader } from "../protocol/reader";
import type { Writer } from "../protocol/writer";

interface Outcome {
  name: string;
  error: number;
  message: string | null;
}

function outcome(name: string, work: () => void): Outcome {
  try {
    work();
    return { name, error: ErrorCode.NONE, message: null };
  } catch (err) {
    if (!(err instanceof KafkaError)) throw err;
    return { name, error: err.code, message: err.message };
  }
}

/** A manual assignment may only name this broker, once per partition. */
function checkAssignment(replicas: number[]): void {
  if (replicas.length !== 1 || replicas[0] !== NODE_ID) {
    throw new KafkaError(
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      `Replica assignment [${replicas.join(",")}] names brokers other than the one broker (${NODE_ID})`,
    );
  }
}

/** CreateTopics v3, with Kafka's checks and messages; validate_only checks without creating. */
export function createTopics(ctx: RequestContext, r: Reader, w: Writer): void {
  const requests = r.array((r) => ({
    name: r.string(),
    numPartitions: r.int32(),
    replicationFactor: r.int16(),
    assignments: r.array((r) => ({ partition: r.int32(), replicas: r.array((r) => r.int32()) })),
    configs: r.array((r) => ({ name: r.string(), value: r.nullableString() })),
  }));
  r.int32(); // timeout_ms
  const validateOnly = r.bool();
  const { broker } = ctx;
  const seen = new Map<string, number>();
  for (const t of requests) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
  const results = requests.map((t) =>
    outcome(t.name, () => {
      if (seen.get(t.name)! > 1) {
        throw new KafkaError(
          ErrorCode.INVALID_REQUEST,
          `Create topics request from client contains multiple entries for the topic ${t.name}`,
        );
      }
      broker.topics.checkNewName(t.name);
      let partitions = t.numPartitions;
      if (t.assignments.length > 0) {
        if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
          throw new KafkaError(
            ErrorCode.INVALID_REQUEST,
            "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.",
          );
        }
        const indexes = t.assignments.map((a) => a.partition).sort((a, b) => a - b);
        if (indexes.some((p, i) => p !== i)) {
          throw new KafkaError(
            ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            "Partitions should be a consecutive 0-based integer sequence",
          );
        }
        for (const a of t.assignments) checkAssignment(a.replicas);
        partitions = t.assignments.length;
      } else {
        if (partitions === -1) partitions = broker.config.numPartitions;
        if (partitions <= 0)
          throw new KafkaError(ErrorCode.INVALID_PARTITIONS, "Number of partitions must be larger than 0.");
        const rf = t.replicationFactor === -1 ? 1 : t.replicationFactor;
        if (rf <= 0)
          throw new KafkaError(
            ErrorCode.INVALID_REPLICATION_FACTOR,
            "Replication factor must be larger than 0.",
          );
        if (rf > 1) {
          throw new KafkaError(
            ErrorCode.INVALID_REPLICATION_FACTOR,
            `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only 1 broker(s) are registered.`,
          );
        }
      }
      const configs = validateTopicConfigs(t.configs);
      if (!validateOnly) {
        broker.topics.create(t.name, partitions, configs);
        broker.config.log?.(`created topic ${t.name} with ${partitions} partition(s)`);
      }
    }),
  );
  w.int32(0); // throttle_time_ms
  w.array(results, (w, o) => w.string(o.name).int16(o.error).nullableString(o.message));
}

/** DeleteTopics v1: the topic, its logs and the groups' committed offsets for it. */
export function deleteTopics(ctx: RequestContext, r: Reader, w: Writer): void {
  const names = r.array((r) => r.string());
  r.int32(); // timeout_ms
  const results = names.map((name) =>
    outcome(name, () => {
      ctx.broker.deleteTopic(name);
      ctx.broker.config.log?.(`deleted topic ${name}`);
    }),
  );
  w.int32(0);
  w.array(results, (w, o) => w.string(o.name).int16(o.error));
}

/** CreatePartitions v1: only more partitions, as Kafka (existing keys may map elsewhere after). */
export function createPartitions(ctx: RequestContext, r: Reader, w: Writer): void {
  const requests = r.array((r) => ({
    name: r.string(),
    count: r.int32(),
    assignments: r.nullableArray((r) => r.array((r) => r.int32())),
  }));
  r.int32(); // timeout_ms
  const validateOnly = r.bool();
  const { broker } = ctx;
  const seen = new Map<string, number>();
  for (const t of requests) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
  const results = requests.map((t) =>
    outcome(t.name, () => {
      if (seen.get(t.name)! > 1)
        throw new KafkaError(ErrorCode.INVALID_REQUEST, "Duplicate topic in request.");
      const topic = broker.topics.get(t.name);
      if (!topic)
        throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${t.name}' does not exist.`);
      const current = topic.partitions.length;
      if (t.count < current) {
        throw new KafkaError(
          ErrorCode.INVALID_PARTITIONS,
          `Topic currently has ${current} partitions, which is higher than the requested ${t.count}.`,
        );
      }
      if (t.count === current) {
        throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partitions.`);
      }
      if (t.assignments !== null) {
        if (t.assignments.length !== t.count - current) {
          throw new KafkaError(
            ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            `Increasing the number of partitions by ${t.count - current} but ${t.assignments.length} assignments provided.`,
          );
        }
        for (const a of t.assignments) checkAssignment(a);
      }
      if (!validateOnly) broker.topics.addPartitions(t.name, t.count);
    }),
  );
  w.int32(0);
  w.array(results, (w, o) => w.string(o.name).int16(o.error).nullableString(o.message));
}

/**
 * InitProducerId v1 for idempotent producers: a new producer id (unique across restarts), epoch 0.
 * Transactional ids are refused: this broker has no transaction coordinator.
 */
export function initProducerId(ctx: RequestContext, r: Reader, w: Writer): void {
  const transactionalId = r.nullableString();
  r.int32(); // transaction_timeout_ms
  w.int32(0);
  if (transactionalId !== null) {
    w.int16(ErrorCode.INVALID_REQUEST).int64(-1).int16(-1);
    return;
  }
  w.int16(ErrorCode.NONE).int64(ctx.broker.topics.allocateProducerId()).int16(0);
}
