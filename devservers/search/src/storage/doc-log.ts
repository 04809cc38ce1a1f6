import fs from "node:fs";
import { crc32 } from "node:zlib";

/**
 * An index's append-only log: every write (document, deletion, mapping/settings change) is one
 * record `[u32 length][u32 crc32][payload]`, made durable (fdatasync) before the request that
 * made it is acknowledged. Writes that arrive while a sync is under way are gathered and synced
 * together by the next one (group commit), so a bulk request or many concurrent writers pay for
 * one fsync. Document sources stay in this file and are read back by offset (Lucene's stored
 * fields, in effect), so the server keeps only the index structures in memory.
 *
 * A torn record at the end (crash mid-write) fails its length or checksum and is cut off when
 * the log is opened; everything before it was acknowledged or never acknowledged.
 */
export const REC_INDEX = 1;
export const REC_DELETE = 2;
export const REC_META = 3;

const HEADER = 8;

export interface IndexRecord {
  type: typeof REC_INDEX;
  id: string;
  seqNo: number;
  version: number;
  /** Offset of the source bytes in the file, and their length. */
  pos: number;
  len: number;
}
export interface DeleteRecord {
  type: typeof REC_DELETE;
  id: string;
  seqNo: number;
  version: number;
}
export interface MetaRecord {
  type: typeof REC_META;
  meta: Record<string, unknown>;
}
export type LogRecord = IndexRecord | DeleteRecord | MetaRecord;

export function encodeIndexRecord(
  id: string,
  seqNo: number,
  version: number,
  source: Buffer,
): { buf: Buffer; sourceOffset: number } {
  const idBytes = Buffer.from(id, "utf8");
  const payloadLen = 1 + 4 + idBytes.length + 16 + source.length;
  const buf = Buffer.allocUnsafe(HEADER + payloadLen);
  let p = HEADER;
  buf[p++] = REC_INDEX;
  p = buf.writeUInt32LE(idBytes.length, p);
  p += idBytes.copy(buf, p);
  p = buf.writeDoubleLE(seqNo, p);
  p = buf.writeDoubleLE(version, p);
  const sourceOffset = p;
  source.copy(buf, p);
  buf.writeUInt32LE(payloadLen, 0);
  buf.writeUInt32LE(crc32(buf.subarray(HEADER)), 4);
  return { buf, sourceOffset };
}

export function encodeDeleteRecord(id: string, seqNo: number, version: number): Buffer {
  const idBytes = Buffer.from(id, "utf8");
  const payloadLen = 1 + 4 + idBytes.length + 16;
  const buf = Buffer.allocUnsafe(HEADER + payloadLen);
  let p = HEADER;
  buf[p++] = REC_DELETE;
  p = buf.writeUInt32LE(idBytes.length, p);
  p += idBytes.copy(buf, p);
  p = buf.writeDoubleLE(seqNo, p);
  buf.writeDoubleLE(version, p);
  buf.writeUInt32LE(payloadLen, 0);
  buf.writeUInt32LE(crc32(buf.subarray(HEADER)), 4);
  return buf;
}

export function encodeMetaRecord(meta: Record<string, unknown>): Buffer {
  const json = Buffer.from(JSON.stringify(meta), "utf8");
  const buf = Buffer.allocUnsafe(HEADER + 1 + json.length);
  buf[HEADER] = REC_META;
  json.copy(buf, HEADER + 1);
  buf.writeUInt32LE(1 + json.length, 0);
  buf.writeUInt32LE(crc32(buf.subarray(HEADER)), 4);
  return buf;
}

/** Reads every whole record of a log file; cuts a torn or corrupt tail off the file. */
export function readLog(
  file: string,
  onRecord: (rec: LogRecord, bytes: Buffer, sourceStart: number) => void,
): number {
  const data = fs.readFileSync(file);
  let p = 0;
  while (p + HEADER <= data.length) {
    const len = data.readUInt32LE(p);
    const crc = data.readUInt32LE(p + 4);
    if (len === 0 || p + HEADER + len > data.length) break;
    const payload = data.subarray(p + HEADER, p + HEADER + len);
    if (crc32(payload) !== crc) break;
    const type = payload[0];
    if (type === REC_INDEX || type === REC_DELETE) {
      const idLen = payload.readUInt32LE(1);
      const id = payload.toString("utf8", 5, 5 + idLen);
      const seqNo = payload.readDoubleLE(5 + idLen);
      const version = payload.readDoubleLE(13 + idLen);
      if (type === REC_INDEX) {
        const start = 21 + idLen;
        onRecord({ type, id, seqNo, version, pos: p + HEADER + start, len: len - start }, payload, start);
      } else {
        onRecord({ type, id, seqNo, version }, payload, 0);
      }
    } else if (type === REC_META) {
      onRecord({ type, meta: JSON.parse(payload.toString("utf8", 1)) }, payload, 0);
    } else {
      break;
    }
    p += HEADER + len;
  }
  if (p < data.length) {
    fs.truncateSync(file, p);
  }
  return p;
}

interface Batch {
  buffers: Buffer[];
  waiters: { resolve(): void; reject(err: unknown): void }[];
}

export class DocLog {
  private fd: number;
  /** Where the next record goes. */
  end: number;
  private current: Batch = { buffers: [], waiters: [] };
  private flushing: Promise<void> | null = null;
  private failed: unknown = null;
  /** Appended buffers not yet written, so a read of a fresh record is served from memory. */
  private unwritten: { at: number; buf: Buffer }[] = [];

  constructor(
    readonly file: string,
    end: number,
  ) {
    this.fd = fs.openSync(file, fs.existsSync(file) ? "r+" : "w+");
    this.end = end;
  }

  /** Queues a record; returns its offset. `durable()` resolves once it is on disk. */
  append(buf: Buffer): number {
    const at = this.end;
    this.current.buffers.push(buf);
    this.unwritten.push({ at, buf });
    this.end += buf.length;
    return at;
  }

  /** Resolves when everything appended so far is on disk. */
  durable(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.current.buffers.length === 0 && !this.flushing) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (this.current.buffers.length === 0) {
        // Already handed to the running flush: wait for it.
        this.flushing!.then(resolve, reject);
        return;
      }
      this.current.waiters.push({ resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.flushing) return;
    const batch = this.current;
    if (batch.buffers.length === 0) return;
    this.current = { buffers: [], waiters: [] };
    const at = this.end - batch.buffers.reduce((n, b) => n + b.length, 0);
    this.flushing = writeAndSync(this.fd, batch.buffers, at).then(
      () => {
        const done = at + batch.buffers.reduce((n, b) => n + b.length, 0);
        while (this.unwritten.length > 0 && this.unwritten[0]!.at < done) this.unwritten.shift();
        for (const w of batch.waiters) w.resolve();
      },
      (err) => {
        this.failed = err;
        for (const w of batch.waiters) w.reject(err);
      },
    );
    void this.flushing.finally(() => {
      this.flushing = null;
      this.kick();
    });
  }

  /** Resolves when nothing is waiting to be written. */
  async idle(): Promise<void> {
    while (this.flushing || this.current.buffers.length > 0) {
      if (this.current.buffers.length > 0) await this.durable();
      else await this.flushing;
    }
  }

  /** Reads `len` bytes at `pos` (page cache), e.g. a document's source. */
  read(pos: number, len: number): Buffer {
    if (this.unwritten.length > 0 && pos >= this.unwritten[0]!.at) {
      for (const u of this.unwritten) {
        if (pos >= u.at && pos + len <= u.at + u.buf.length)
          return u.buf.subarray(pos - u.at, pos - u.at + len);
      }
    }
    const buf = Buffer.allocUnsafe(len);
    let done = 0;
    while (done < len) {
      const n = fs.readSync(this.fd, buf, done, len - done, pos + done);
      if (n === 0) throw new Error(`short read in ${this.file} at ${pos}`);
      done += n;
    }
    return buf;
  }

  closeSync(): void {
    fs.closeSync(this.fd);
  }
}

function writeAndSync(fd: number, buffers: Buffer[], position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const data = buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers);
    let written = 0;
    const step = () => {
      fs.write(fd, data, written, data.length - written, position + written, (err, n) => {
        if (err) return reject(err);
        written += n;
        if (written < data.length) return step();
        fs.fdatasync(fd, (syncErr) => (syncErr ? reject(syncErr) : resolve()));
      });
    };
    step();
  });
}

/** fsyncs a directory so a rename or a new file in it survives a crash. */
export function syncDir(dir: string): void {
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
