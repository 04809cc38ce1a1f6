import fs from "node:fs";
import path from "node:path";

/** Segment files are named by their base offset, zero-padded to 20 digits, as Kafka's. */
export function segmentFileName(baseOffset: number): string {
  return `${String(baseOffset).padStart(20, "0")}.log`;
}

export function parseSegmentFileName(name: string): number | null {
  const m = /^(\d{20})\.log$/.exec(name);
  return m ? Number(m[1]) : null;
}

/**
 * One log segment: a file of record batches exactly as Kafka stores them, plus an in-memory index
 * of its batches (rebuilt from the file at start) so a fetch finds its bytes without scanning.
 */
export class Segment {
  /** First offset of each batch. */
  readonly bases: number[] = [];
  /** One past the last offset of each batch. */
  readonly ends: number[] = [];
  readonly positions: number[] = [];
  readonly lengths: number[] = [];
  readonly maxTimestamps: number[] = [];
  maxTimestamp = -1;

  constructor(
    readonly baseOffset: number,
    readonly file: string,
    public fd: number,
    public size: number,
    /** Closes the file descriptor (later, when a sync may still be using it). */
    private readonly closeFd: (fd: number) => void = fs.closeSync,
  ) {}

  static create(dir: string, baseOffset: number, closeFd?: (fd: number) => void): Segment {
    const file = path.join(dir, segmentFileName(baseOffset));
    const fd = fs.openSync(file, "w+");
    return new Segment(baseOffset, file, fd, 0, closeFd);
  }

  get batchCount(): number {
    return this.bases.length;
  }

  /** End offset (exclusive) of the last batch, or the base offset when empty. */
  get nextOffset(): number {
    const n = this.ends.length;
    return n ? this.ends[n - 1]! : this.baseOffset;
  }

  index(base: number, end: number, position: number, length: number, maxTimestamp: number): void {
    this.bases.push(base);
    this.ends.push(end);
    this.positions.push(position);
    this.lengths.push(length);
    this.maxTimestamps.push(maxTimestamp);
    if (maxTimestamp > this.maxTimestamp) this.maxTimestamp = maxTimestamp;
  }

  /** Index of the batch holding `offset`, or of the first batch after it; batchCount if none. */
  batchAtOrAfter(offset: number): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ends[mid]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  read(position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, buf, done, length - done, position + done);
      if (n === 0) throw new Error(`${this.file}: unexpected end of segment at ${position + done}`);
      done += n;
    }
    return buf;
  }

  write(data: Buffer): void {
    let done = 0;
    while (done < data.length) {
      done += fs.writeSync(this.fd, data, done, data.length - done, this.size + done);
    }
    this.size += data.length;
  }

  close(): void {
    if (this.fd < 0) return;
    this.closeFd(this.fd);
    this.fd = -1;
  }

  delete(): void {
    this.close();
    fs.rmSync(this.file, { force: true });
  }
}
