/**
 * Reads the fixed-width, big-endian fields of Kafka's classic (non-flexible) request encoding.
 * A read past the end throws `MalformedRequest`: the broker then closes the connection, as Kafka
 * does with a request it cannot parse.
 */
export class MalformedRequest extends Error {}

export class Reader {
  pos = 0;

  constructor(
    readonly buf: Buffer,
    pos = 0,
  ) {
    this.pos = pos;
  }

  private need(n: number): number {
    const at = this.pos;
    if (n < 0 || at + n > this.buf.length) {
      throw new MalformedRequest(`request ends ${at + n - this.buf.length} bytes early`);
    }
    this.pos = at + n;
    return at;
  }

  remaining(): number {
    return this.buf.length - this.pos;
  }

  int8(): number {
    return this.buf.readInt8(this.need(1));
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    return this.buf.readInt16BE(this.need(2));
  }

  int32(): number {
    return this.buf.readInt32BE(this.need(4));
  }

  /** int64 as a JS number: offsets, timestamps and producer ids stay far below 2^53 here. */
  int64(): number {
    return Number(this.buf.readBigInt64BE(this.need(8)));
  }

  nullableString(): string | null {
    const len = this.int16();
    if (len === -1) return null;
    if (len < -1) throw new MalformedRequest(`string length ${len}`);
    const at = this.need(len);
    return this.buf.toString("utf8", at, at + len);
  }

  string(): string {
    const s = this.nullableString();
    if (s === null) throw new MalformedRequest("null where a string is required");
    return s;
  }

  /** A view into the request buffer (no copy). */
  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len === -1) return null;
    if (len < -1) throw new MalformedRequest(`bytes length ${len}`);
    const at = this.need(len);
    return this.buf.subarray(at, at + len);
  }

  bytes(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }

  /** `null` for a null array (length -1), as Metadata and OffsetFetch use it for "all". */
  nullableArray<T>(item: (r: Reader) => T): T[] | null {
    const len = this.int32();
    if (len === -1) return null;
    if (len < -1 || len > this.remaining()) throw new MalformedRequest(`array length ${len}`);
    const out = new Array<T>(len);
    for (let i = 0; i < len; i++) out[i] = item(this);
    return out;
  }

  array<T>(item: (r: Reader) => T): T[] {
    return this.nullableArray(item) ?? [];
  }
}
