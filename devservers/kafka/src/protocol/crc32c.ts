/**
 * CRC-32C (Castagnoli), the checksum of record batch v2, slice-by-8. Node has no built-in
 * CRC-32C (zlib's crc32 is the other polynomial), and every produced batch is checked.
 */
const POLY = 0x82f63b78;
const T = Array.from({ length: 8 }, () => new Uint32Array(256));

for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  T[0]![n] = c >>> 0;
}
for (let n = 0; n < 256; n++) {
  let c = T[0]![n]!;
  for (let t = 1; t < 8; t++) {
    c = (T[0]![c & 0xff]! ^ (c >>> 8)) >>> 0;
    T[t]![n] = c;
  }
}
const [T0, T1, T2, T3, T4, T5, T6, T7] = T as [
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
];

export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  let crc = 0xffffffff;
  let i = start;
  const last8 = end - ((end - start) & 7);
  while (i < last8) {
    const a = (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24)) ^ crc;
    crc =
      T7[a & 0xff]! ^
      T6[(a >>> 8) & 0xff]! ^
      T5[(a >>> 16) & 0xff]! ^
      T4[a >>> 24]! ^
      T3[buf[i + 4]!]! ^
      T2[buf[i + 5]!]! ^
      T1[buf[i + 6]!]! ^
      T0[buf[i + 7]!]!;
    i += 8;
  }
  while (i < end) crc = T0[(crc ^ buf[i++]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
