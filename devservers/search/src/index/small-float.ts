/**
 * Lucene's `SmallFloat.intToByte4`/`byte4ToInt`: a field's length is stored as one byte (its
 * "norm"). Lengths below 24 are exact; above, only 4 significant bits survive (a length of 41
 * decodes as 40). BM25 uses the decoded length, which is why scores computed by hand with exact
 * lengths differ slightly from Elasticsearch's for fields longer than 23 tokens.
 */
function longToInt4(i: number): number {
  const numBits = i === 0 ? 0 : 32 - Math.clz32(i);
  if (numBits < 4) return i; // subnormal
  const shift = numBits - 4;
  let encoded = Math.floor(i / 2 ** shift); // the 4 most significant bits
  encoded &= 0x07; // the leading 1 is implicit
  encoded |= (shift + 1) << 3;
  return encoded;
}

function int4ToLong(i: number): number {
  const bits = i & 0x07;
  const shift = (i >>> 3) - 1;
  return shift === -1 ? bits : (bits | 0x08) * 2 ** shift;
}

const MAX_INT4 = longToInt4(2 ** 31 - 1);
const NUM_FREE_VALUES = 255 - MAX_INT4;

export function intToByte4(i: number): number {
  if (i < NUM_FREE_VALUES) return i;
  return (NUM_FREE_VALUES + longToInt4(i - NUM_FREE_VALUES)) & 0xff;
}

export function byte4ToInt(b: number): number {
  const i = b & 0xff;
  return i < NUM_FREE_VALUES ? i : NUM_FREE_VALUES + int4ToLong(i - NUM_FREE_VALUES);
}

/** Decoded length of every norm byte (Lucene's `BM25Similarity.LENGTH_TABLE`, as floats). */
export const LENGTH_TABLE: Float32Array = Float32Array.from({ length: 256 }, (_, i) => byte4ToInt(i));
