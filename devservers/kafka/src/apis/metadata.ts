import { NODE_ID } from "../broker";
import type { RequestContext } from "../context";
import type { Topic } from "../log/topic-store";
import { ErrorCode, KafkaError } from "../protocol/errors";
import type { Reader } from "../protocol/reader";
import type { Writer } from "../protocol/writer";

/**
 * Metadata v6. A null topic list means every topic. A requested topic that does not exist is
 * created when the request allows it and the broker is configured to (auto.create.topics.enable),
 * with num.partitions partitions — here at once, where Kafka first answers LEADER_NOT_AVAILABLE.
 */
export function metadata(ctx: RequestContext, r: Reader, w: Writer): void {
  const requested = r.nullableArray((r) => r.string());
  const allowAutoCreate = r.bool();
  const { broker } = ctx;
  const topics: Array<{ name: string; error: number; topic?: Topic }> = [];
  if (requested === null) {
    for (const t of broker.topics.list()) topics.push({ name: t.name, error: ErrorCode.NONE, topic: t });
  } else {
    for (const name of requested) {
      let topic = broker.topics.get(name);
      let error: number = ErrorCode.NONE;
      if (!topic) {
        if (allowAutoCreate && broker.config.autoCreateTopics) {
          try {
            topic = broker.topics.create(name, broker.config.numPartitions, {});
            broker.config.log?.(
              `auto-created topic ${name} with ${broker.config.numPartitions} partition(s)`,
            );
          } catch (err) {
            error = err instanceof KafkaError ? err.code : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          }
        } else {
          error = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        }
      }
      topics.push({ name, error, topic });
    }
  }
  w.int32(0); // throttle_time_ms
  w.array([ctx.advertised], (w, a) => w.int32(NODE_ID).string(a.host).int32(a.port).nullableString(null));
  w.nullableString(broker.clusterId);
  w.int32(NODE_ID); // controller_id
  w.array(topics, (w, t) => {
    w.int16(t.error).string(t.name).bool(false);
    w.array(t.topic?.partitions ?? [], (w, p) => {
      w.int16(ErrorCode.NONE).int32(p.partition).int32(NODE_ID);
      w.int32(1).int32(NODE_ID); // replicas
      w.int32(1).int32(NODE_ID); // isr
      w.int32(0); // offline_replicas
    });
  });
}
