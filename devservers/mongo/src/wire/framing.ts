import { HEADER_SIZE, MAX_MESSAGE_SIZE } from "./opcodes";

export interface RawMessage {
  requestId: number;
  responseTo: number;
  opCode: number;
  /** The message after its 16-byte header. */
  body: Buffer;
}

/** Splits a TCP byte stream into whole wire messages (length-prefixed, little-endian). */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): RawMessage[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: RawMessage[] = [];
    while (this.buffered >= 4) {
      const head = this.peek(4);
      const length = head.readInt32LE(0);
      if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE) {
        throw new Error(`invalid message length ${length}`);
      }
      if (this.buffered < length) break;
      const msg = this.take(length);
      out.push({
        requestId: msg.readInt32LE(4),
        responseTo: msg.readInt32LE(8),
        opCode: msg.readInt32LE(12),
        body: msg.subarray(HEADER_SIZE),
      });
    }
    return out;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length < n) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.subarray(0, n);
  }

  private take(n: number): Buffer {
    if (this.chunks[0]!.length < n) this.chunks = [Buffer.concat(this.chunks)];
    const first = this.chunks[0]!;
    const msg = first.subarray(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
    return msg;
  }
}

export function frame(requestId: number, responseTo: number, opCode: number, body: Buffer[]): Buffer {
  let size = HEADER_SIZE;
  for (const b of body) size += b.length;
  const out = Buffer.allocUnsafe(size);
  out.writeInt32LE(size, 0);
  out.writeInt32LE(requestId, 4);
  out.writeInt32LE(responseTo, 8);
  out.writeInt32LE(opCode, 12);
  let at = HEADER_SIZE;
  for (const b of body) at += b.copy(out, at);
  return out;
}
