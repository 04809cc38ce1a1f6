/**
 * Builds record batches v2 the way a producer does, for the broker's unit tests (the black-box
 * suite uses kafkajs itself).
 */
import { gzipSync } from "node:zlib";
import { crc32c } from "./crc32c";

function varint(n: number): number[] {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  const out: number[] = [];
  while (z >= 0x80) {
    out.push((z % 0x80) | 0x80);
    z = Math.floor(z / 0x80);
  }
  out.push(z);
  return out;
}

function record(offsetDelta: number, value: string | null, key: string | null = null): Buffer {
  const bytes = (s: string | null) =>
    s === null ? varint(-1) : [...varint(Buffer.byteLength(s)), ...Buffer.from(s)];
  const body = [
    0,
    ...varint(offsetDelta),
    ...varint(offsetDelta),
    ...bytes(key),
    ...bytes(value),
    ...varint(0),
  ];
  return Buffer.from([...varint(body.length), ...body]);
}

export function buildBatch(
  values: Array<string | null>,
  opts: { codec?: number; producerId?: number; baseSequence?: number; count?: number; magic?: number } = {},
): Buffer {
  const records = Buffer.concat(values.map((v, i) => record(i, v)));
  const payload = opts.codec === 1 ? gzipSync(records) : records;
  const header = Buffer.alloc(61);
  header.writeBigInt64BE(0n, 0);
  header.writeInt32BE(61 - 12 + payload.length, 8);
  header.writeInt32BE(0, 12);
  header.writeInt8(opts.magic ?? 2, 16);
  header.writeInt16BE(opts.codec ?? 0, 21);
  header.writeInt32BE((opts.count ?? values.length) - 1, 23);
  header.writeBigInt64BE(1_700_000_000_000n, 27);
  header.writeBigInt64BE(BigInt(1_700_000_000_000 + values.length), 35);
  header.writeBigInt64BE(BigInt(opts.producerId ?? -1), 43);
  header.writeInt16BE(0, 51);
  header.writeInt32BE(opts.baseSequence ?? -1, 53);
  header.writeInt32BE(opts.count ?? values.length, 57);
  const batch = Buffer.concat([header, payload]);
  batch.writeUInt32BE(crc32c(batch, 21, batch.length), 17);
  return batch;
}
