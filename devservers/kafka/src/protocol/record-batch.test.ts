import { describe, expect, it } from "vitest";
import { ErrorCode, type KafkaError } from "./errors";
import { validateProducedRecords } from "./record-batch";
import { buildBatch } from "./test-batches";

function codeOf(work: () => unknown): number {
  try {
    work();
  } catch (err) {
    return (err as KafkaError).code;
  }
  return ErrorCode.NONE;
}

describe("validating a produced record set", () => {
  it("accepts a v2 batch, plain or gzip, and reads its header", () => {
    const info = validateProducedRecords(
      buildBatch(["a", null, "ccc"], { producerId: 7, baseSequence: 3 }),
      1 << 20,
    );
    expect(info).toMatchObject({ recordCount: 3, lastOffsetDelta: 2, producerId: 7, baseSequence: 3 });
    expect(validateProducedRecords(buildBatch(["z".repeat(1000)], { codec: 1 }), 1 << 20).recordCount).toBe(
      1,
    );
  });

  it("refuses what Kafka's log validator refuses", () => {
    const corrupt = buildBatch(["a", "b"]);
    corrupt[corrupt.length - 1]! ^= 0xff;
    expect(codeOf(() => validateProducedRecords(corrupt, 1 << 20))).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(codeOf(() => validateProducedRecords(buildBatch(["a", "b"], { count: 3 }), 1 << 20))).toBe(
      ErrorCode.INVALID_RECORD,
    );
    expect(codeOf(() => validateProducedRecords(buildBatch(["a"], { magic: 1 }), 1 << 20))).toBe(
      ErrorCode.INVALID_RECORD,
    );
    const two = Buffer.concat([buildBatch(["a"]), buildBatch(["b"])]);
    expect(codeOf(() => validateProducedRecords(two, 1 << 20))).toBe(ErrorCode.INVALID_RECORD);
    expect(codeOf(() => validateProducedRecords(buildBatch(["x".repeat(2000)]), 1000))).toBe(
      ErrorCode.MESSAGE_TOO_LARGE,
    );
    expect(codeOf(() => validateProducedRecords(buildBatch(["s"], { codec: 2 }), 1 << 20))).toBe(
      ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
    );
    expect(codeOf(() => validateProducedRecords(null, 1 << 20))).toBe(ErrorCode.INVALID_RECORD);
  });
});
