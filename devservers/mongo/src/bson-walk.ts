/** Walking BSON bytes without decoding them: element offsets and value sizes. */

/**
 * Offset of the top-level element named `name`, -1 when absent, -2 when a type this walker does
 * not know how to skip comes first.
 */
export function findElement(bytes: Buffer, name: Buffer): number {
  const end = bytes.length - 1;
  let p = 4;
  const n = name.length;
  while (p < end) {
    const type = bytes[p]!;
    const nameStart = p + 1;
    let q = nameStart;
    while (bytes[q] !== 0) q++;
    if (q - nameStart === n) {
      let same = true;
      for (let i = 0; i < n; i++) {
        if (bytes[nameStart + i] !== name[i]) {
          same = false;
          break;
        }
      }
      if (same) return p;
    }
    const size = valueSize(bytes, type, q + 1);
    if (size < 0) return -2;
    p = q + 1 + size;
  }
  return -1;
}

export function valueSize(bytes: Buffer, type: number, at: number): number {
  switch (type) {
    case 0x01: // double
    case 0x09: // date
    case 0x11: // timestamp
    case 0x12: // int64
      return 8;
    case 0x02: // string
    case 0x0d: // code
    case 0x0e: // symbol
      return 4 + bytes.readInt32LE(at);
    case 0x03: // document
    case 0x04: // array
    case 0x0f: // code with scope
      return bytes.readInt32LE(at);
    case 0x05: // binary
      return 4 + 1 + bytes.readInt32LE(at);
    case 0x06: // undefined
    case 0x0a: // null
    case 0xff: // MinKey
    case 0x7f: // MaxKey
      return 0;
    case 0x07: // ObjectId
      return 12;
    case 0x08: // bool
      return 1;
    case 0x10: // int32
      return 4;
    case 0x13: // decimal128
      return 16;
    case 0x0c: // DBPointer
      return 4 + bytes.readInt32LE(at) + 12;
    case 0x0b: {
      // regex: two cstrings
      let q = at;
      while (bytes[q] !== 0) q++;
      q++;
      while (bytes[q] !== 0) q++;
      return q + 1 - at;
    }
    default:
      return -1;
  }
}

/**
 * The bytes of each embedded document in the array element `name` of a document, or undefined
 * when the element is missing, not an array, or holds anything but documents.
 */
export function arrayOfDocuments(bytes: Buffer, name: Buffer): Buffer[] | undefined {
  const at = findElement(bytes, name);
  if (at < 0 || bytes[at] !== 0x04) return undefined;
  const start = at + 1 + name.length + 1;
  const end = start + bytes.readInt32LE(start) - 1;
  const out: Buffer[] = [];
  let p = start + 4;
  while (p < end) {
    if (bytes[p] !== 0x03) return undefined;
    p++;
    while (bytes[p] !== 0) p++;
    p++;
    const size = bytes.readInt32LE(p);
    out.push(bytes.subarray(p, p + size));
    p += size;
  }
  return out;
}
