import type { RequestContext } from "../context";
import { ErrorCode } from "../protocol/errors";
import type { Reader } from "../protocol/reader";
import type { Writer } from "../protocol/writer";

const LATEST = -1;
const EARLIEST = -2;

/**
 * ListOffsets v3: -1 → the high watermark (also the last stable offset: no transactions),
 * -2 → the log start offset (timestamp -1 for both, as Kafka answers), any other timestamp → the
 * first record at or after it (offset and timestamp -1 when there is none).
 */
export function listOffsets(ctx: RequestContext, r: Reader, w: Writer): void {
  r.int32(); // replica_id
  r.int8(); // isolation_level
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r) => ({ partition: r.int32(), timestamp: r.int64() })),
  }));
  w.int32(0); // throttle_time_ms
  w.array(topics, (w, t) => {
    const topic = ctx.broker.topics.get(t.name);
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      const log = topic?.partitions[p.partition];
      w.int32(p.partition);
      if (!log) {
        w.int16(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).int64(-1).int64(-1);
      } else if (p.timestamp === LATEST) {
        w.int16(ErrorCode.NONE).int64(-1).int64(log.hw);
      } else if (p.timestamp === EARLIEST) {
        w.int16(ErrorCode.NONE).int64(-1).int64(log.logStartOffset);
      } else {
        const found = log.offsetForTimestamp(p.timestamp);
        w.int16(ErrorCode.NONE)
          .int64(found?.timestamp ?? -1)
          .int64(found?.offset ?? -1);
      }
    });
  });
}
