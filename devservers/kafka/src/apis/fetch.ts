import type { RequestContext } from "../context";
import type { PartitionLog } from "../log/partition-log";
import { ErrorCode } from "../protocol/errors";
import type { Reader } from "../protocol/reader";
import type { Writer } from "../protocol/writer";

interface FetchPartition {
  partition: number;
  currentLeaderEpoch: number;
  fetchOffset: number;
  maxBytes: number;
}

interface PartitionData {
  partition: number;
  error: number;
  hw: number;
  logStartOffset: number;
  /** Whole batches, as consecutive chunks. */
  records: Buffer[] | null;
}

/**
 * Fetch v11 with long polling: answered at once when `min_bytes` of records are there (or on an
 * error), else when a high watermark of a fetched partition advances far enough, or after
 * `max_wait_ms`. Records come back as whole stored batches from the one holding the fetch offset
 * (the client drops records before it), bounded by the partition and response byte limits except
 * for the first batch, which is returned even when larger (KIP-74). Fetch sessions (KIP-227) are
 * declined: every fetch is a full fetch and the session id answered is 0, as a broker without
 * session slots answers.
 */
export async function fetch(ctx: RequestContext, r: Reader, w: Writer): Promise<void> {
  r.int32(); // replica_id: consumers send -1
  const maxWaitMs = r.int32();
  const minBytes = r.int32();
  const maxBytes = r.int32();
  r.int8(); // isolation_level: no transactions, so the last stable offset is the high watermark
  const sessionId = r.int32();
  const sessionEpoch = r.int32();
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r): FetchPartition => {
      const partition = r.int32();
      const currentLeaderEpoch = r.int32();
      const fetchOffset = r.int64();
      r.int64(); // log_start_offset: followers only
      return { partition, currentLeaderEpoch, fetchOffset, maxBytes: r.int32() };
    }),
  }));
  r.array((r) => [r.string(), r.array((r) => r.int32())]); // forgotten_topics_data
  r.string(); // rack_id

  let topError: number = ErrorCode.NONE;
  if (sessionId !== 0) topError = ErrorCode.FETCH_SESSION_ID_NOT_FOUND;
  else if (sessionEpoch > 0) topError = ErrorCode.INVALID_FETCH_SESSION_EPOCH;
  if (topError !== ErrorCode.NONE) {
    w.int32(0).int16(topError).int32(0).int32(0);
    return;
  }

  const { broker } = ctx;
  const collect = () => {
    let bytes = 0;
    let hasError = false;
    const responses = topics.map((t) => {
      const topic = broker.topics.get(t.name);
      return {
        name: t.name,
        partitions: t.partitions.map((p): PartitionData => {
          const log = topic?.partitions[p.partition];
          const data = readPartition(log, p, maxBytes - bytes, bytes === 0);
          if (data.error !== ErrorCode.NONE) hasError = true;
          for (const chunk of data.records ?? []) bytes += chunk.length;
          return data;
        }),
      };
    });
    return { responses, bytes, hasError };
  };

  let result = collect();
  if (maxWaitMs > 0 && result.bytes < minBytes && !result.hasError && !ctx.signal.aborted) {
    result = await new Promise<ReturnType<typeof collect>>((resolve) => {
      const unsubscribe: Array<() => void> = [];
      const finish = () => {
        clearTimeout(timer);
        for (const u of unsubscribe) u();
        ctx.signal.removeEventListener("abort", finish);
        resolve(collect());
      };
      const timer = setTimeout(finish, maxWaitMs);
      ctx.signal.addEventListener("abort", finish);
      for (const t of topics) {
        const topic = broker.topics.get(t.name);
        for (const p of t.partitions) {
          const log = topic?.partitions[p.partition];
          if (!log) continue;
          unsubscribe.push(
            log.onChange(() => {
              const next = collect();
              if (next.bytes >= minBytes || next.hasError) finish();
            }),
          );
        }
      }
    });
  }

  w.int32(0).int16(ErrorCode.NONE).int32(0); // throttle_time_ms, error_code, session_id
  w.array(result.responses, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      w.int32(p.partition).int16(p.error).int64(p.hw).int64(p.hw).int64(p.logStartOffset);
      w.int32(0); // aborted_transactions: none
      w.int32(-1); // preferred_read_replica
      const records = p.records ?? [];
      w.int32(records.reduce((n, c) => n + c.length, 0));
      for (const chunk of records) w.raw(chunk);
    });
  });
}

function readPartition(
  log: PartitionLog | undefined,
  p: FetchPartition,
  responseBytesLeft: number,
  firstInResponse: boolean,
): PartitionData {
  const none = { partition: p.partition, hw: -1, logStartOffset: -1, records: null };
  if (!log) return { ...none, error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  if (p.currentLeaderEpoch > 0) return { ...none, error: ErrorCode.UNKNOWN_LEADER_EPOCH };
  const base = { partition: p.partition, hw: log.hw, logStartOffset: log.logStartOffset };
  if (p.fetchOffset < log.logStartOffset || p.fetchOffset > log.leo) {
    return { ...base, error: ErrorCode.OFFSET_OUT_OF_RANGE, records: null };
  }
  const limit = Math.min(p.maxBytes, responseBytesLeft);
  const records =
    limit > 0 || firstInResponse ? log.read(p.fetchOffset, Math.max(limit, 0), firstInResponse) : null;
  return { ...base, error: ErrorCode.NONE, records };
}
