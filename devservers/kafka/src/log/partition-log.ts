import fs from "node:fs";
import path from "node:path";
import { ErrorCode, KafkaError } from "../protocol/errors";
import { BATCH_HEADER_SIZE, type BatchInfo, crc32cOf, F, recordTimestamps } from "../protocol/record-batch";
import type { SyncJob, SyncTarget } from "./group-commit";
import { ProducerState } from "./producer-state";
import { parseSegmentFileName, Segment } from "./segment";

export interface LogConfig {
  /** Roll to a new segment past this size. */
  segmentBytes: number;
  /** Per partition; -1 = unlimited. Whole old segments are deleted while the rest still exceeds it. */
  retentionBytes: number;
  /** -1 = unlimited. Old segments whose newest record is older are deleted. */
  retentionMs: number;
}

/** Newest batches kept in memory per partition for fetches at the head of the log. */
const TAIL_BYTES = 1024 * 1024;

/** fsync of a directory, so a created or renamed entry in it survives a crash. */
export function syncDir(dir: string): void {
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The durable log of one partition: segment files of record batches as the clients sent them
 * (base offsets assigned in place), appended with plain writes and made durable by the broker's
 * group commit.
 *
 * Visibility follows a one-replica Kafka: the high watermark is the log end as soon as a batch is
 * written (Kafka advances it when the in-sync replicas have the batch — with one replica, at once —
 * and never waits for an fsync). Durability is the producer's acknowledgement: acks=-1 is answered
 * only after the fdatasync that covers the batch. A `kill -9` keeps everything written (the page
 * cache survives the process); a power cut can only take batches that were never acknowledged
 * with acks=-1.
 */
export class PartitionLog implements SyncTarget {
  readonly producers = new ProducerState();
  private readonly segments: Segment[];
  private listeners = new Set<() => void>();
  private notifyScheduled = false;
  /** Next offset to assign (log end offset). */
  leo: number;
  /** Offsets below it are visible to fetches (= leo: one replica). */
  hw: number;
  /** Offsets below it are on disk (covered by a completed fdatasync). */
  durableOffset: number;
  private closed = false;
  /** Copies of the newest batches, at most TAIL_BYTES (see readTail). */
  private tail: Array<{ base: number; end: number; bytes: Buffer }> = [];
  private tailBytes = 0;
  /** The partition directory, synced (with the group commit) after a segment file is created. */
  private readonly dirFd: number;
  private dirDirty = false;
  /** Rolled-away segments whose last bytes the next group commit still has to sync. */
  private unsynced: Segment[] = [];

  private constructor(
    readonly topic: string,
    readonly partition: number,
    readonly dir: string,
    public config: LogConfig,
    segments: Segment[],
    private readonly closeFd: (fd: number) => void,
  ) {
    this.segments = segments;
    this.dirFd = fs.openSync(dir, "r");
    this.leo = this.active.nextOffset;
    this.hw = this.leo;
    this.durableOffset = this.leo;
  }

  /** Opens (recovering a torn tail) or creates the partition directory. */
  static open(
    dir: string,
    topic: string,
    partition: number,
    config: LogConfig,
    opts: { log?: (m: string) => void; closeFd?: (fd: number) => void } = {},
  ): PartitionLog {
    const { log, closeFd = fs.closeSync } = opts;
    const existed = fs.existsSync(dir);
    fs.mkdirSync(dir, { recursive: true });
    if (!existed) syncDir(path.dirname(dir));
    const bases = fs
      .readdirSync(dir)
      .map(parseSegmentFileName)
      .filter((b): b is number => b !== null)
      .sort((a, b) => a - b);
    const segments: Segment[] = [];
    const producers: Array<[number, number, number, number, number]> = [];
    let expected: number | null = null;
    for (let i = 0; i < bases.length; i++) {
      const base = bases[i]!;
      const file = path.join(dir, `${String(base).padStart(20, "0")}.log`);
      if (expected !== null && base !== expected) {
        // A gap after a truncated segment: nothing after it can be trusted.
        log?.(`${topic}-${partition}: dropping segment ${base} (expected ${expected})`);
        fs.rmSync(file, { force: true });
        continue;
      }
      const fd = fs.openSync(file, "r+");
      const segment = new Segment(base, file, fd, fs.fstatSync(fd).size, closeFd);
      // Only the last two segments can hold unsynced bytes (a roll's sync of the previous one
      // runs with the next group commit), so only they get their CRCs checked.
      const recent = i >= bases.length - 2;
      const clean = scanSegment(segment, recent, producers);
      if (clean < segment.size) {
        log?.(`${topic}-${partition}: truncating ${file} from ${segment.size} to ${clean} bytes (torn tail)`);
        fs.ftruncateSync(fd, clean);
        fs.fdatasyncSync(fd);
        segment.size = clean;
      }
      segments.push(segment);
      expected = segment.nextOffset;
    }
    if (segments.length === 0) {
      segments.push(Segment.create(dir, 0, closeFd));
      syncDir(dir);
    }
    const plog = new PartitionLog(topic, partition, dir, config, segments, closeFd);
    for (const [pid, epoch, seq, delta, base] of producers)
      plog.producers.record(pid, epoch, seq, delta, base);
    return plog;
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  get logStartOffset(): number {
    const first = this.segments[0]!;
    return first.batchCount ? first.bases[0]! : first.baseOffset;
  }

  /** Bytes on disk. */
  get size(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }

  /**
   * Appends a validated batch; returns its base offset. The write reaches the page cache now;
   * durability (and visibility) comes with the next group commit.
   */
  append(batch: BatchInfo): number {
    if (this.closed) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "partition was deleted");
    const { bytes } = batch;
    const base = this.leo;
    bytes.writeBigInt64BE(BigInt(base), F.baseOffset);
    bytes.writeInt32BE(0, F.leaderEpoch);
    let segment = this.active;
    if (segment.size > 0 && segment.size + bytes.length > this.config.segmentBytes) segment = this.roll();
    const position = segment.size;
    try {
      segment.write(bytes);
    } catch (err) {
      // e.g. ENOSPC: leave no partial batch behind
      try {
        fs.ftruncateSync(segment.fd, position);
      } catch {}
      segment.size = position;
      throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, `write failed: ${(err as Error).message}`);
    }
    const end = base + batch.lastOffsetDelta + 1;
    segment.index(base, end, position, bytes.length, batch.maxTimestamp);
    this.tail.push({ base, end, bytes: Buffer.from(bytes) });
    this.tailBytes += bytes.length;
    while (this.tail.length > 1 && this.tailBytes > TAIL_BYTES)
      this.tailBytes -= this.tail.shift()!.bytes.length;
    this.leo = end;
    this.hw = end;
    this.producers.record(
      batch.producerId,
      batch.producerEpoch,
      batch.baseSequence,
      batch.lastOffsetDelta,
      base,
    );
    this.notify();
    return base;
  }

  /**
   * New active segment. Nothing blocks here: the previous segment's tail and the directory entry
   * of the new file are synced by the next group commit, together with the new segment, before
   * any acks=-1 produce written after the roll is answered.
   */
  private roll(): Segment {
    this.unsynced.push(this.active);
    const next = Segment.create(this.dir, this.leo, this.closeFd);
    this.dirDirty = true;
    this.segments.push(next);
    this.enforceRetention(Date.now());
    return next;
  }

  beginSync(): SyncJob | null {
    if (this.closed) return null;
    const end = this.leo;
    if (end <= this.durableOffset) return null;
    const olds = this.unsynced.splice(0);
    const dir = this.dirDirty;
    this.dirDirty = false;
    const fds = olds.map((s) => s.fd);
    if (dir) fds.push(this.dirFd);
    fds.push(this.active.fd);
    return {
      fds,
      commit: () => {
        if (end > this.durableOffset) this.durableOffset = end;
      },
      failed: () => {
        if (this.closed) return;
        this.unsynced.unshift(...olds.filter((s) => s.fd >= 0));
        this.dirDirty ||= dir;
      },
    };
  }

  /** Wakes waiting fetches once per turn of the event loop, however many batches came in. */
  private notify(): void {
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    queueMicrotask(() => {
      this.notifyScheduled = false;
      for (const l of this.listeners) l();
    });
  }

  /** Called whenever the high watermark advances (or the partition goes away). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Whole batches from the one holding `offset`, below the high watermark, up to `maxBytes`
   * (at least one batch when `atLeastOne`, as Kafka returns an oversized first batch). From a
   * single segment, like Kafka; the next fetch continues in the next one.
   */
  read(offset: number, maxBytes: number, atLeastOne: boolean): Buffer[] | null {
    if (offset >= this.hw) return null;
    const cached = this.readTail(offset, maxBytes, atLeastOne);
    if (cached) return cached;
    let si = this.segmentIndexFor(offset);
    let segment = this.segments[si]!;
    let bi = segment.batchAtOrAfter(offset);
    while (bi >= segment.batchCount) {
      si++;
      if (si >= this.segments.length) return null;
      segment = this.segments[si]!;
      bi = 0;
    }
    const start = segment.positions[bi]!;
    let end = start;
    for (let j = bi; j < segment.batchCount; j++) {
      if (segment.ends[j]! > this.hw) break;
      const next = segment.positions[j]! + segment.lengths[j]!;
      if (next - start > maxBytes && !(j === bi && atLeastOne)) break;
      end = next;
    }
    return end > start ? [segment.read(start, end - start)] : null;
  }

  /**
   * The same answer from copies of the newest batches, when they hold `offset`: a consumer that has
   * caught up fetches exactly there, so it is served without a read from the file.
   */
  private readTail(offset: number, maxBytes: number, atLeastOne: boolean): Buffer[] | null {
    const tail = this.tail;
    if (tail.length === 0 || offset < tail[0]!.base || offset < this.logStartOffset) return null;
    let i = tail.length - 1;
    while (i > 0 && tail[i - 1]!.end > offset) i--;
    if (tail[i]!.end <= offset) return null;
    const out: Buffer[] = [];
    let bytes = 0;
    for (let j = i; j < tail.length; j++) {
      const b = tail[j]!;
      if (b.end > this.hw) break;
      if (bytes + b.bytes.length > maxBytes && !(j === i && atLeastOne)) break;
      out.push(b.bytes);
      bytes += b.bytes.length;
    }
    return out.length ? out : null;
  }

  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** ListOffsets by time: the first visible record whose timestamp is ≥ `timestamp`. */
  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | null {
    for (const segment of this.segments) {
      if (segment.maxTimestamp < timestamp) continue;
      for (let j = 0; j < segment.batchCount; j++) {
        if (segment.ends[j]! > this.hw) return null;
        if (segment.maxTimestamps[j]! < timestamp) continue;
        const batch = segment.read(segment.positions[j]!, segment.lengths[j]!);
        for (const r of recordTimestamps(batch)) if (r.timestamp >= timestamp) return r;
      }
    }
    return null;
  }

  /** Deletes old segments by size and time (never the active one), as Kafka's retention does. */
  enforceRetention(now: number): void {
    const { retentionBytes, retentionMs } = this.config;
    let total = this.size;
    while (this.segments.length > 1) {
      const oldest = this.segments[0]!;
      const bySize = retentionBytes >= 0 && total - oldest.size >= retentionBytes;
      const byTime = retentionMs >= 0 && oldest.batchCount > 0 && oldest.maxTimestamp < now - retentionMs;
      if (!bySize && !byTime) break;
      this.segments.shift();
      this.unsynced = this.unsynced.filter((s) => s !== oldest);
      total -= oldest.size;
      oldest.delete();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.segments) s.close();
    this.closeFd(this.dirFd);
    for (const l of this.listeners) l();
    this.listeners.clear();
  }
}

/**
 * Indexes a segment's batches and returns the length of its clean prefix. Every batch must be
 * complete, magic 2, and continue the offsets; in the last segment (the only one a crash can tear,
 * since a roll syncs the previous one) each batch's CRC is checked too.
 */
function scanSegment(
  segment: Segment,
  checkCrc: boolean,
  producers: Array<[number, number, number, number, number]>,
): number {
  const file = new ReadWindow(segment.fd, segment.size);
  let pos = 0;
  let expected = segment.baseOffset;
  for (;;) {
    const header = file.view(pos, BATCH_HEADER_SIZE);
    if (!header) break;
    const base = Number(header.readBigInt64BE(F.baseOffset));
    const length = header.readInt32BE(F.batchLength) + 12;
    const lastOffsetDelta = header.readInt32BE(F.lastOffsetDelta);
    if (
      base !== expected ||
      length < BATCH_HEADER_SIZE ||
      pos + length > segment.size ||
      header.readInt8(F.magic) !== 2 ||
      lastOffsetDelta < 0
    ) {
      break;
    }
    const maxTimestamp = Number(header.readBigInt64BE(F.maxTimestamp));
    const producerId = Number(header.readBigInt64BE(F.producerId));
    const producerEpoch = header.readInt16BE(F.producerEpoch);
    const baseSequence = header.readInt32BE(F.baseSequence);
    if (checkCrc) {
      const batch = file.view(pos, length);
      if (!batch || batch.readUInt32BE(F.crc) !== crc32cOf(batch)) break;
    }
    if (producerId >= 0) producers.push([producerId, producerEpoch, baseSequence, lastOffsetDelta, base]);
    segment.index(base, base + lastOffsetDelta + 1, pos, length, maxTimestamp);
    expected = base + lastOffsetDelta + 1;
    pos += length;
  }
  return pos;
}

/** Sequential reads of a file through a 1 MiB window (one read per many batch headers). */
class ReadWindow {
  private buf = Buffer.allocUnsafe(1 << 20);
  private start = 0;
  private length = 0;

  constructor(
    private readonly fd: number,
    private readonly size: number,
  ) {}

  /** Bytes [pos, pos+n) of the file (valid until the next call), or null past its end. */
  view(pos: number, n: number): Buffer | null {
    if (pos + n > this.size) return null;
    if (pos < this.start || pos + n > this.start + this.length) {
      if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
      const want = Math.min(this.buf.length, this.size - pos);
      let got = 0;
      while (got < want) {
        const r = fs.readSync(this.fd, this.buf, got, want - got, pos + got);
        if (r === 0) break;
        got += r;
      }
      this.start = pos;
      this.length = got;
      if (got < n) return null;
    }
    return this.buf.subarray(pos - this.start, pos - this.start + n);
  }
}
