import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { validateProducedRecords } from "../protocol/record-batch";
import { buildBatch } from "../protocol/test-batches";
import { GroupCommit } from "./group-commit";
import { PartitionLog } from "./partition-log";

/** A sync that completes only when the test says so, counting calls. */
function controlledSync() {
  const calls: Array<() => void> = [];
  return {
    calls,
    sync: (_fd: number) => new Promise<void>((resolve) => calls.push(resolve)),
    completeAll() {
      for (const done of calls.splice(0)) done();
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function openLog(segmentBytes = 1 << 20): PartitionLog {
  const dir = mkdtempSync(path.join(tmpdir(), "conduit-kafka-gc-"));
  dirs.push(dir);
  return PartitionLog.open(path.join(dir, "t-0"), "t", 0, {
    segmentBytes,
    retentionBytes: -1,
    retentionMs: -1,
  });
}

describe("group commit", () => {
  it("answers acks=-1 only after the sync, and shares one sync among requests that wait together", async () => {
    const s = controlledSync();
    const gc = new GroupCommit(s.sync);
    const log = openLog();
    log.append(validateProducedRecords(buildBatch(["a"]), 1 << 20));
    let first = false;
    void gc.durable(log).then(() => {
      first = true;
    });
    await tick();
    expect(s.calls).toHaveLength(1); // the flush started
    // Ten more appends while that sync runs: they wait for the next one, together.
    const later: boolean[] = [];
    for (let i = 0; i < 10; i++) {
      log.append(validateProducedRecords(buildBatch([`b${i}`]), 1 << 20));
      void gc.durable(log).then(() => later.push(true));
    }
    await tick();
    expect(first).toBe(false);
    s.completeAll();
    await tick();
    expect(first).toBe(true);
    expect(later).toHaveLength(0);
    expect(s.calls).toHaveLength(1); // one sync for the ten
    s.completeAll();
    await tick();
    expect(later).toHaveLength(10);
    log.close();
  });

  it("makes an append visible at once (one replica) and durable with the sync", async () => {
    const s = controlledSync();
    const gc = new GroupCommit(s.sync);
    const log = openLog();
    log.append(validateProducedRecords(buildBatch(["x", "y"]), 1 << 20));
    expect([log.leo, log.hw, log.durableOffset]).toEqual([2, 2, 0]);
    expect(Buffer.concat(log.read(0, 1 << 20, true) ?? []).length).toBeGreaterThan(61);
    let durable = false;
    void gc.durable(log).then(() => {
      durable = true;
    });
    await tick();
    expect(durable).toBe(false);
    s.completeAll();
    await tick();
    expect(durable).toBe(true);
    expect(log.durableOffset).toBe(2);
    log.close();
  });

  it("syncs a rolled-away segment and the new file's directory entry with the next group commit", async () => {
    const s = controlledSync();
    const gc = new GroupCommit(s.sync);
    const log = openLog(100); // every batch rolls to a new segment
    log.append(validateProducedRecords(buildBatch(["first"]), 1 << 20));
    const first = gc.durable(log);
    await tick();
    expect(s.calls).toHaveLength(1); // just the active segment
    s.completeAll();
    await first;
    log.append(validateProducedRecords(buildBatch(["second"]), 1 << 20));
    let acked = false;
    void gc.durable(log).then(() => {
      acked = true;
    });
    await tick();
    expect(s.calls).toHaveLength(3); // the old segment, the directory, the new segment
    s.calls.pop()!();
    await tick();
    expect(acked).toBe(false); // not before all three are on disk
    s.completeAll();
    await tick();
    expect(acked).toBe(true);
    log.close();
  });
});
