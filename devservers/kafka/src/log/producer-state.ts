import { ErrorCode, KafkaError } from "../protocol/errors";

const INT32_MAX = 2 ** 31 - 1;
/** Kafka keeps the last five batches per producer to recognise a retried one. */
const RECENT_BATCHES = 5;

interface RecentBatch {
  first: number;
  last: number;
  baseOffset: number;
}

/** Sequence arithmetic wraps at Int32.MAX to 0, as the producer's does. */
export function lastSequence(first: number, lastOffsetDelta: number): number {
  return first > INT32_MAX - lastOffsetDelta
    ? lastOffsetDelta - (INT32_MAX - first) - 1
    : first + lastOffsetDelta;
}

function nextSequence(last: number): number {
  return last === INT32_MAX ? 0 : last + 1;
}

/**
 * Idempotent-producer state of one partition: per producer id, its epoch and its last batches.
 * Rebuilt from the log's batch headers at start, so it survives restarts without a file of its own.
 */
export class ProducerState {
  private entries = new Map<number, { epoch: number; recent: RecentBatch[] }>();

  /**
   * The base offset of an identical batch already in the log (a retry: answered with the original
   * offset, not appended again), or null to append. Throws for a fenced epoch or a gap.
   */
  check(producerId: number, epoch: number, first: number, lastOffsetDelta: number): number | null {
    if (producerId < 0) return null;
    const entry = this.entries.get(producerId);
    if (!entry) return null; // first batch seen from this producer here
    if (epoch < entry.epoch) {
      throw new KafkaError(
        ErrorCode.INVALID_PRODUCER_EPOCH,
        `Producer's epoch ${epoch} is older than the current epoch ${entry.epoch}`,
      );
    }
    if (epoch > entry.epoch) {
      if (first !== 0) {
        throw new KafkaError(
          ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          `Invalid sequence number for new epoch ${epoch}: ${first} (expected 0)`,
        );
      }
      return null;
    }
    const last = lastSequence(first, lastOffsetDelta);
    const dup = entry.recent.find((b) => b.first === first && b.last === last);
    if (dup) return dup.baseOffset;
    const previous = entry.recent[entry.recent.length - 1];
    const expected = previous ? nextSequence(previous.last) : first;
    if (first !== expected) {
      throw new KafkaError(
        ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        `Out of order sequence number for producer ${producerId}: ${first} (incoming seq) , ${expected} (expected)`,
      );
    }
    return null;
  }

  record(
    producerId: number,
    epoch: number,
    first: number,
    lastOffsetDelta: number,
    baseOffset: number,
  ): void {
    if (producerId < 0) return;
    let entry = this.entries.get(producerId);
    if (!entry || epoch > entry.epoch) {
      entry = { epoch, recent: [] };
      this.entries.set(producerId, entry);
    }
    entry.recent.push({ first, last: lastSequence(first, lastOffsetDelta), baseOffset });
    if (entry.recent.length > RECENT_BATCHES) entry.recent.shift();
  }
}
