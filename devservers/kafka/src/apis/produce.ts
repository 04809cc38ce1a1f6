import { NO_RESPONSE, type RequestContext } from "../context";
import { ErrorCode, KafkaError } from "../protocol/errors";
import type { Reader } from "../protocol/reader";
import { validateProducedRecords } from "../protocol/record-batch";
import type { Writer } from "../protocol/writer";

interface PartitionResult {
  index: number;
  error: number;
  baseOffset: number;
  logStartOffset: number;
}

/**
 * Produce v7. Each partition's batch is validated (CRC, records, size), checked against the
 * idempotent producer's sequence, and appended. acks=-1 is answered once the batch is on disk
 * (group commit); acks=1 once it is written; acks=0 gets no answer (and on an error the
 * connection is closed, as Kafka does, so the producer notices).
 */
export async function produce(ctx: RequestContext, r: Reader, w: Writer): Promise<unknown> {
  const transactionalId = r.nullableString();
  const acks = r.int16();
  r.int32(); // timeout_ms: appends complete in milliseconds here
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r) => ({ index: r.int32(), records: r.nullableBytes() })),
  }));
  const { broker } = ctx;
  const durable: Array<Promise<void>> = [];
  let anyError = false;
  const results = topics.map((t) => {
    const topic = broker.topics.get(t.name);
    return {
      name: t.name,
      partitions: t.partitions.map((p): PartitionResult => {
        const result: PartitionResult = { index: p.index, error: 0, baseOffset: -1, logStartOffset: -1 };
        try {
          if (acks !== -1 && acks !== 0 && acks !== 1) throw new KafkaError(ErrorCode.INVALID_REQUIRED_ACKS);
          const log = topic?.partitions[p.index];
          if (!topic || !log) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          const batch = validateProducedRecords(p.records, topic.settings.maxMessageBytes);
          if (transactionalId !== null || batch.transactional) {
            throw new KafkaError(ErrorCode.INVALID_REQUEST, "transactions are not supported by this broker");
          }
          // One replica: acks=all can only satisfy min.insync.replicas=1.
          if (acks === -1 && topic.settings.minInsyncReplicas > 1)
            throw new KafkaError(ErrorCode.NOT_ENOUGH_REPLICAS);
          const duplicate = log.producers.check(
            batch.producerId,
            batch.producerEpoch,
            batch.baseSequence,
            batch.lastOffsetDelta,
          );
          result.baseOffset = duplicate ?? log.append(batch);
          result.logStartOffset = log.logStartOffset;
          if (acks === -1) {
            durable.push(
              broker.groupCommit.durable(log).catch(() => {
                result.error = ErrorCode.KAFKA_STORAGE_ERROR;
                result.baseOffset = -1;
              }),
            );
          } else {
            broker.groupCommit.touch(log);
          }
        } catch (err) {
          if (!(err instanceof KafkaError)) throw err;
          result.error = err.code;
          anyError = true;
        }
        return result;
      }),
    };
  });
  if (acks === 0) {
    if (anyError) ctx.closeConnection();
    return NO_RESPONSE;
  }
  await Promise.all(durable);
  w.array(results, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      w.int32(p.index).int16(p.error).int64(p.baseOffset).int64(-1).int64(p.logStartOffset);
    });
  });
  w.int32(0); // throttle_time_ms
}
