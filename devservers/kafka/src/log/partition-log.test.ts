import fs, { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { validateProducedRecords } from "../protocol/record-batch";
import { buildBatch } from "../protocol/test-batches";
import { PartitionLog } from "./partition-log";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempPartition(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "conduit-kafka-pl-"));
  dirs.push(dir);
  return path.join(dir, "t-0");
}

const config = (segmentBytes: number, retentionBytes = -1) => ({
  segmentBytes,
  retentionBytes,
  retentionMs: -1,
});
const batch = (...values: string[]) => validateProducedRecords(buildBatch(values), 1 << 20);

describe("partition log", () => {
  it("reopens a log of many segments at the same offsets and reads across them", () => {
    const dir = tempPartition();
    const log = PartitionLog.open(dir, "t", 0, config(1000));
    for (let i = 0; i < 300; i++) log.append(batch(`v${i}`, `w${i}`));
    log.close();
    expect(fs.readdirSync(dir).length).toBeGreaterThan(10);
    const again = PartitionLog.open(dir, "t", 0, config(1000));
    expect([again.logStartOffset, again.leo]).toEqual([0, 600]);
    const first = again.read(0, 1, true)!;
    expect(first[0]!.readBigInt64BE(0)).toBe(0n);
    const middle = again.read(301, 1 << 20, true)!;
    expect(middle[0]!.readBigInt64BE(0)).toBe(300n); // the batch holding 301 starts at 300
    again.close();
  });

  it("cuts the last segment at its first corrupt batch", () => {
    const dir = tempPartition();
    const log = PartitionLog.open(dir, "t", 0, config(1 << 20));
    for (let i = 0; i < 5; i++) log.append(batch(`v${i}`));
    log.close();
    const file = path.join(dir, `${"0".repeat(20)}.log`);
    const bytes = fs.readFileSync(file);
    const batchSize = bytes.length / 5;
    bytes[batchSize * 3 + 65]! ^= 0xff; // inside the 4th batch's records: its CRC no longer matches
    fs.writeFileSync(file, bytes);
    const again = PartitionLog.open(dir, "t", 0, config(1 << 20));
    expect(again.leo).toBe(3);
    expect(fs.statSync(file).size).toBe(batchSize * 3);
    expect(again.append(batch("next"))).toBe(3);
    again.close();
  });

  it("keeps at least retention.bytes, deleting whole old segments, never the active one", () => {
    const dir = tempPartition();
    const log = PartitionLog.open(dir, "t", 0, config(500, 1500));
    for (let i = 0; i < 100; i++) log.append(batch(`value-${i}`));
    expect(log.size).toBeGreaterThanOrEqual(1500);
    expect(log.size).toBeLessThan(1500 + 2 * 500);
    expect(log.logStartOffset).toBeGreaterThan(0);
    expect(log.read(0, 1 << 20, true)![0]!.readBigInt64BE(0)).toBe(BigInt(log.logStartOffset));
    log.close();
  });

  it("serves fetches at the head of the log from memory, byte for byte as the file", () => {
    const dir = tempPartition();
    const log = PartitionLog.open(dir, "t", 0, config(1 << 20));
    for (let i = 0; i < 50; i++) log.append(batch(`v${i}`, `w${i}`));
    const fromMemory = Buffer.concat(log.read(61, 10_000, true)!);
    const oneBatch = Buffer.concat(log.read(61, 1, true)!); // over the limit: still the first batch
    log.close();
    const again = PartitionLog.open(dir, "t", 0, config(1 << 20)); // nothing cached after a restart
    expect(Buffer.concat(again.read(61, 10_000, true)!).equals(fromMemory)).toBe(true);
    expect(Buffer.concat(again.read(61, 1, true)!).equals(oneBatch)).toBe(true);
    expect(oneBatch.readBigInt64BE(0)).toBe(60n);
    again.close();
  });
});
