/**
 * Record batch v2 (magic 2), the only record format of Produce v3+ and of the log:
 *
 *   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 | crc uint32 |
 *   attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 | maxTimestamp int64 |
 *   producerId int64 | producerEpoch int16 | baseSequence int32 | recordCount int32 | records
 *
 * The CRC-32C covers everything from `attributes` to the end, so the broker can assign the base
 * offset (and leader epoch) in place without touching the checksum.
 */
import { gunzipSync } from "node:zlib";
import { crc32c } from "./crc32c";
import { ErrorCode, KafkaError } from "./errors";

export const BATCH_HEADER_SIZE = 61;
/** Offset of the fields in a batch. */
export const F = {
  baseOffset: 0,
  batchLength: 8,
  leaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
} as const;

export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
const COMPRESSION_NAMES = ["none", "gzip", "snappy", "lz4", "zstd"];
const TIMESTAMP_TYPE_LOG_APPEND = 0x08;
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;

export interface BatchInfo {
  /** The batch bytes (a view of the request); `baseOffset` is rewritten on append. */
  bytes: Buffer;
  recordCount: number;
  lastOffsetDelta: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  transactional: boolean;
}

export interface BatchHeader {
  baseOffset: number;
  batchLength: number;
  lastOffsetDelta: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
}

export function readBatchHeader(buf: Buffer, at: number): BatchHeader {
  return {
    baseOffset: Number(buf.readBigInt64BE(at + F.baseOffset)),
    batchLength: buf.readInt32BE(at + F.batchLength),
    lastOffsetDelta: buf.readInt32BE(at + F.lastOffsetDelta),
    maxTimestamp: Number(buf.readBigInt64BE(at + F.maxTimestamp)),
    producerId: Number(buf.readBigInt64BE(at + F.producerId)),
    producerEpoch: buf.readInt16BE(at + F.producerEpoch),
    baseSequence: buf.readInt32BE(at + F.baseSequence),
  };
}

/**
 * Validates the record set of one partition of a Produce request as Kafka's LogValidator does for
 * what this broker stores: exactly one v2 batch, a matching CRC, records that parse with
 * consecutive offset deltas. gzip batches are inflated to check their records; the other codecs are
 * refused (see README).
 */
export function validateProducedRecords(records: Buffer | null, maxMessageBytes: number): BatchInfo {
  if (records === null || records.length === 0) {
    throw new KafkaError(ErrorCode.INVALID_RECORD, "Produce request with no record batch");
  }
  if (records.length < BATCH_HEADER_SIZE) {
    throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, "Record batch shorter than its header");
  }
  const magic = records.readInt8(F.magic);
  if (magic !== 2) {
    throw new KafkaError(
      ErrorCode.INVALID_RECORD,
      `Produce requests with version 3 are only allowed to contain record batches with magic version 2 (got ${magic})`,
    );
  }
  const batchLength = records.readInt32BE(F.batchLength);
  if (batchLength + 12 !== records.length) {
    throw new KafkaError(
      batchLength + 12 < records.length ? ErrorCode.INVALID_RECORD : ErrorCode.CORRUPT_MESSAGE,
      batchLength + 12 < records.length
        ? "Produce requests with version 3 are only allowed to contain exactly one record batch"
        : "Record batch length exceeds the record set",
    );
  }
  if (records.length > maxMessageBytes) {
    throw new KafkaError(
      ErrorCode.MESSAGE_TOO_LARGE,
      `The record batch size ${records.length} is larger than max.message.bytes ${maxMessageBytes}`,
    );
  }
  const stored = records.readUInt32BE(F.crc);
  const computed = crc32cOf(records);
  if (stored !== computed) {
    throw new KafkaError(
      ErrorCode.CORRUPT_MESSAGE,
      `Record batch is corrupt (stored crc = ${stored}, computed crc = ${computed})`,
    );
  }
  const attributes = records.readInt16BE(F.attributes);
  const codec = attributes & 0x07;
  if ((attributes & CONTROL) !== 0) {
    throw new KafkaError(ErrorCode.INVALID_RECORD, "Control batches cannot be produced by clients");
  }
  if ((attributes & TIMESTAMP_TYPE_LOG_APPEND) !== 0) {
    throw new KafkaError(ErrorCode.INVALID_TIMESTAMP, "Produced batches must use CreateTime");
  }
  const lastOffsetDelta = records.readInt32BE(F.lastOffsetDelta);
  const recordCount = records.readInt32BE(F.recordCount);
  if (recordCount <= 0 || lastOffsetDelta !== recordCount - 1) {
    throw new KafkaError(
      ErrorCode.INVALID_RECORD,
      `Record batch has ${recordCount} records but lastOffsetDelta ${lastOffsetDelta}`,
    );
  }
  let body: Buffer;
  if (codec === Compression.none) {
    body = records.subarray(BATCH_HEADER_SIZE);
  } else if (codec === Compression.gzip) {
    try {
      body = gunzipSync(records.subarray(BATCH_HEADER_SIZE));
    } catch {
      throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, "gzip record batch does not inflate");
    }
  } else {
    throw new KafkaError(
      ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
      `Compression codec ${COMPRESSION_NAMES[codec] ?? codec} is not supported by this broker (none and gzip are)`,
    );
  }
  checkRecords(body, recordCount);
  return {
    bytes: records,
    recordCount,
    lastOffsetDelta,
    maxTimestamp: Number(records.readBigInt64BE(F.maxTimestamp)),
    producerId: Number(records.readBigInt64BE(F.producerId)),
    producerEpoch: records.readInt16BE(F.producerEpoch),
    baseSequence: records.readInt32BE(F.baseSequence),
    transactional: (attributes & TRANSACTIONAL) !== 0,
  };
}

export function crc32cOf(batch: Buffer): number {
  return crc32c(batch, F.attributes, batch.length);
}

/** Varint (zig-zag) reader over a record body. */
class Varints {
  constructor(
    readonly buf: Buffer,
    public pos: number,
  ) {}

  varint(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.buf.length) throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, "truncated varint");
      const b = this.buf[this.pos++]!;
      if (shift < 28) value |= (b & 0x7f) << shift;
      else value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 63) throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, "varint too long");
    }
    // zig-zag decode; values beyond 2^31 go through floating point division
    return value >= 0 && value < 2 ** 31 ? (value >>> 1) ^ -(value & 1) : zigzagLarge(value);
  }

  skip(n: number): void {
    if (n < 0 || this.pos + n > this.buf.length) {
      throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, "record field past its end");
    }
    this.pos += n;
  }
}

function zigzagLarge(v: number): number {
  const half = Math.floor(v / 2);
  return v % 2 === 0 ? half : -half - 1;
}

export interface RecordView {
  offsetDelta: number;
  timestampDelta: number;
}

/** Walks the records of a batch body, checking framing and consecutive offset deltas. */
function checkRecords(body: Buffer, count: number): void {
  let n = 0;
  walkRecords(body, (r) => {
    if (r.offsetDelta !== n) {
      throw new KafkaError(ErrorCode.INVALID_RECORD, `Record offset delta ${r.offsetDelta}, expected ${n}`);
    }
    n++;
  });
  if (n !== count) {
    throw new KafkaError(ErrorCode.INVALID_RECORD, `Record batch declares ${count} records but holds ${n}`);
  }
}

export function walkRecords(body: Buffer, visit: (r: RecordView) => void): void {
  const v = new Varints(body, 0);
  while (v.pos < body.length) {
    const length = v.varint();
    const start = v.pos;
    if (length <= 0 || start + length > body.length) {
      throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, "record length past the batch end");
    }
    v.skip(1); // attributes
    const timestampDelta = v.varint();
    const offsetDelta = v.varint();
    const keyLength = v.varint();
    if (keyLength > 0) v.skip(keyLength);
    else if (keyLength < -1) throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, "negative key length");
    const valueLength = v.varint();
    if (valueLength > 0) v.skip(valueLength);
    else if (valueLength < -1) throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, "negative value length");
    const headers = v.varint();
    if (headers < 0) throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, "negative header count");
    for (let h = 0; h < headers; h++) {
      const hk = v.varint();
      if (hk < 0) throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, "null header key");
      v.skip(hk);
      const hv = v.varint();
      if (hv > 0) v.skip(hv);
      else if (hv < -1) throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, "negative header value length");
    }
    if (v.pos !== start + length) {
      throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, "record length does not match its fields");
    }
    visit({ offsetDelta, timestampDelta });
  }
}

/** The records' (offset, timestamp) pairs of a stored batch, for ListOffsets by timestamp. */
export function recordTimestamps(batch: Buffer): Array<{ offset: number; timestamp: number }> {
  const header = readBatchHeader(batch, 0);
  const baseTimestamp = Number(batch.readBigInt64BE(F.baseTimestamp));
  const codec = batch.readInt16BE(F.attributes) & 0x07;
  const raw = batch.subarray(BATCH_HEADER_SIZE);
  const body = codec === Compression.gzip ? gunzipSync(raw) : raw;
  const out: Array<{ offset: number; timestamp: number }> = [];
  walkRecords(body, (r) =>
    out.push({ offset: header.baseOffset + r.offsetDelta, timestamp: baseTimestamp + r.timestampDelta }),
  );
  return out;
}
