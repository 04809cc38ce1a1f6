import fs from "node:fs";
import { crc32 } from "node:zlib";
import { type Document, deserialize } from "bson";
import { serializeToBuffer } from "../bson-buffer";

const RECORD_HEADER = 8; // u32 payload length, u32 crc32(payload)
const END = Buffer.alloc(1);
const MAX_IN_FLIGHT = 3;
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
  private next: Deferred | null = null;
  /** Batches written but not yet acknowledged, oldest first; they resolve strictly in order. */
  private inFlight: Promise<void>[] = [];
  private failed: unknown = null;
  /** Where the next batch goes: batches are written with explicit offsets, so they may overlap. */
  private offset: number;
  bytes: number;

  private constructor(
    readonly file: string,
    private readonly fd: number,
  ) {
    this.offset = fs.fstatSync(fd).size;
    this.bytes = this.offset;
  }

  static open(file: string): Journal {
    return new Journal(file, fs.openSync(file, fs.existsSync(file) ? "r+" : "w+"));
  }

  append(record: Document): void {
    const payload = serializeToBuffer(record);
    const header = Buffer.allocUnsafe(RECORD_HEADER);
    header.writeUInt32LE(payload.length, 0);
    header.writeUInt32LE(crc32(payload), 4);
    this.pending.push(header, payload);
    this.bytes += RECORD_HEADER + payload.length;
  }

  /**
   * The record `{t: "put", ns, raw: BinData(0, bytes)}`, built around the stored bytes instead of
   * serializing a copy of them (same bytes as `append` would write; bulk loads spend less here).
   */
  appendPut(ns: string, bytes: Buffer): void {
    const nsBytes = Buffer.from(ns, "utf8");
    const prefixSize = 4 + 1 + 2 + 4 + 4 + 1 + 3 + 4 + nsBytes.length + 1 + 1 + 4 + 4 + 1;
    const payloadSize = prefixSize + bytes.length + 1;
    const prefix = Buffer.allocUnsafe(RECORD_HEADER + prefixSize);
    let p = RECORD_HEADER;
    p = prefix.writeInt32LE(payloadSize, p);
    prefix[p++] = 0x02; // t: "put"
    p += prefix.write("t\0", p, "latin1");
    p = prefix.writeInt32LE(4, p);
    p += prefix.write("put\0", p, "latin1");
    prefix[p++] = 0x02; // ns
    p += prefix.write("ns\0", p, "latin1");
    p = prefix.writeInt32LE(nsBytes.length + 1, p);
    p += nsBytes.copy(prefix, p);
    prefix[p++] = 0;
    prefix[p++] = 0x05; // raw: binary, subtype 0
    p += prefix.write("raw\0", p, "latin1");
    p = prefix.writeInt32LE(bytes.length, p);
    prefix[p++] = 0;
    const body = prefix.subarray(RECORD_HEADER);
    prefix.writeUInt32LE(payloadSize, 0);
    prefix.writeUInt32LE(crc32(END, crc32(bytes, crc32(body))), 4);
    this.pending.push(prefix, bytes, END);
    this.bytes += RECORD_HEADER + payloadSize;
  }

  get hasPending(): boolean {
    return this.pending.length > 0 || this.inFlight.length > 0;
  }

  /** Resolves once every record appended before this call is on disk. */
  sync(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.pending.length === 0) return this.inFlight[this.inFlight.length - 1] ?? Promise.resolve();
    if (!this.next) {
      this.next = deferred();
      // Let the other connections' requests of this event-loop turn join the same fsync.
      setImmediate(() => this.flush());
    }
    return this.next.promise;
  }

  /**
   * One group commit: a positional write of everything pending, then fdatasync. Up to
   * MAX_IN_FLIGHT commits overlap (fsync latency, not CPU, bounds acknowledged writes per
   * second); each is acknowledged only after all earlier ones, so an acknowledged record never
   * sits behind a hole.
   */
  private flush(): void {
    const batch = this.next;
    if (!batch) return;
    if (this.inFlight.length >= MAX_IN_FLIGHT) {
      void this.inFlight[0]!.then(
        () => this.flush(),
        () => this.flush(),
      );
      return;
    }
    this.next = null;
    const data = Buffer.concat(this.pending);
    this.pending = [];
    const at = this.offset;
    this.offset += data.length;
    const previous = this.inFlight[this.inFlight.length - 1] ?? Promise.resolve();
    const done = (async () => {
      await writeAll(this.fd, data, at);
      await new Promise<void>((res, rej) => fs.fdatasync(this.fd, (e) => (e ? rej(e) : res())));
      await previous;
    })();
    this.inFlight.push(batch.promise);
    done.then(
      () => batch.resolve(),
      (err) => {
        this.failed = err;
        batch.reject(err);
      },
    );
    void batch.promise
      .catch(() => {})
      .finally(() => {
        this.inFlight.splice(this.inFlight.indexOf(batch.promise), 1);
      });
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

function writeAll(fd: number, data: Buffer, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (done: number) => {
      if (done >= data.length) return resolve();
      fs.write(fd, data, done, data.length - done, position + done, (err, n) =>
        err ? reject(err) : step(done + n),
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
    if (len < 5 || end > data.length) break; // a BSON document is at least 5 bytes; 0 = a hole
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
