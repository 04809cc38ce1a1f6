import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ErrorCode, type KafkaError } from "../protocol/errors";
import { validateProducedRecords } from "../protocol/record-batch";
import { buildBatch } from "../protocol/test-batches";
import { PartitionLog } from "./partition-log";
import { lastSequence, ProducerState } from "./producer-state";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function codeOf(work: () => unknown): number {
  try {
    work();
  } catch (err) {
    return (err as KafkaError).code;
  }
  return ErrorCode.NONE;
}

describe("idempotent producer state", () => {
  it("answers a retried batch with its original offset and refuses gaps and fenced epochs", () => {
    const s = new ProducerState();
    expect(s.check(9, 0, 0, 2)).toBeNull();
    s.record(9, 0, 0, 2, 100);
    expect(s.check(9, 0, 0, 2)).toBe(100); // the same batch again: a retry
    expect(codeOf(() => s.check(9, 0, 5, 0))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(s.check(9, 0, 3, 0)).toBeNull();
    s.record(9, 0, 3, 0, 103);
    s.record(9, 1, 0, 0, 104); // a new epoch starts over at 0
    expect(codeOf(() => s.check(9, 0, 4, 0))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(s.check(-1, -1, -1, 0)).toBeNull(); // not idempotent: never checked
  });

  it("wraps sequences at Int32.MAX as producers do", () => {
    expect(lastSequence(2 ** 31 - 2, 3)).toBe(1);
  });

  it("is rebuilt from the log after a restart", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "conduit-kafka-ps-"));
    dirs.push(dir);
    const config = { segmentBytes: 1 << 20, retentionBytes: -1, retentionMs: -1 };
    const log = PartitionLog.open(path.join(dir, "t-0"), "t", 0, config);
    log.append(validateProducedRecords(buildBatch(["a", "b"], { producerId: 5, baseSequence: 0 }), 1 << 20));
    log.close();
    const reopened = PartitionLog.open(path.join(dir, "t-0"), "t", 0, config);
    expect(reopened.leo).toBe(2);
    expect(reopened.producers.check(5, 0, 0, 1)).toBe(0);
    expect(codeOf(() => reopened.producers.check(5, 0, 7, 0))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    reopened.close();
  });
});
