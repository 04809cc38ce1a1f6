import fs from "node:fs";
import { crc32 } from "node:zlib";
import { type Document, deserialize } from "bson";
import { serializeToBuffer } from "../bson-buffer";

const RECORD_HEADER = 8; // u32 payload length, u32 crc32(payload)
const DESERIALIZE = { promoteLongs: true, promoteValues: true } as const;

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Append-only journal with group commit: records appended while one write+fdatasync is under way
 * are gathered and made durable together by the next one, so many concurrent writers share fsyncs.
 */
export class Journal {
  private pending: Buffer[] = [];
  private inFlight: Promise<void> | null = null;
  private next: Deferred | null = null;
  private failed: unknown = null;
  bytes: number;

  private constructor(
    readonly file: string,
    private readonly fd: number,
  ) {
    this.bytes = fs.fstatSync(fd).size;
  }

  static open(file: string): Journal {
    return new Journal(file, fs.openSync(file, "a"));
  }

  append(record: Document): void {
    const payload = serializeToBuffer(record);
    const header = Buffer.allocUnsafe(RECORD_HEADER);
    header.writeUInt32LE(payload.length, 0);
    header.writeUInt32LE(crc32(payload), 4);
    this.pending.push(header, payload);
    this.bytes += RECORD_HEADER + payload.length;
  }

  get hasPending(): boolean {
    return this.pending.length > 0 || this.inFlight !== null;
  }

  /** Resolves once every record appended before this call is on disk. */
  sync(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.pending.length === 0) return this.inFlight ?? Promise.resolve();
    if (!this.next) {
      this.next = deferred();
      // Let the other connections' requests of this event-loop turn join the same fsync.
      if (!this.inFlight) setImmediate(() => this.flush());
    }
    return this.next.promise;
  }

  private async flush(): Promise<void> {
    const batch = this.next!;
    this.next = null;
    const data = Buffer.concat(this.pending);
    this.pending = [];
    this.inFlight = batch.promise;
    try {
      await writeAll(this.fd, data);
      await new Promise<void>((res, rej) => fs.fdatasync(this.fd, (e) => (e ? rej(e) : res())));
      batch.resolve();
    } catch (err) {
      this.failed = err;
      batch.reject(err);
    }
    this.inFlight = null;
    if (this.next) void this.flush();
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

function writeAll(fd: number, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (offset: number) => {
      if (offset >= data.length) return resolve();
      fs.write(fd, data, offset, data.length - offset, null, (err, n) =>
        err ? reject(err) : step(offset + n),
      );
    };
    step(0);
  });
}

/**
 * Every intact record of a journal file, in order. A torn or corrupt tail (a crash mid-write)
 * is cut off so later appends follow the last good record.
 */
export function readJournal(file: string): Document[] {
  if (!fs.existsSync(file)) return [];
  const data = fs.readFileSync(file);
  const records: Document[] = [];
  let offset = 0;
  while (offset + RECORD_HEADER <= data.length) {
    const len = data.readUInt32LE(offset);
    const crc = data.readUInt32LE(offset + 4);
    const end = offset + RECORD_HEADER + len;
    if (end > data.length) break;
    const payload = data.subarray(offset + RECORD_HEADER, end);
    if (crc32(payload) !== crc) break;
    try {
      records.push(deserialize(payload, DESERIALIZE));
    } catch {
      break;
    }
    offset = end;
  }
  if (offset < data.length) fs.truncateSync(file, offset);
  return records;
}
