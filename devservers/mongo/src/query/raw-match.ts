import type { ObjectId } from "bson";
import { typeRank } from "./compare";

/**
 * Matches `{field: scalar, ...}` (top-level fields only) against a document's stored BSON bytes,
 * without decoding it: an indexed lookup or a collection scan then decodes only the documents it
 * returns. Answers `undefined` when the bytes hold something it does not compare itself (arrays,
 * embedded documents, int64, decimals…), and the caller decodes and matches the usual way.
 */
export type RawMatcher = (bytes: Buffer) => boolean | undefined;

const DOUBLE = 0x01;
const STRING = 0x02;
const OBJECT_ID = 0x07;
const BOOL = 0x08;
const DATE = 0x09;
const INT32 = 0x10;

interface Condition {
  name: Buffer;
  want: unknown;
  rank: number;
}

export function compileRawEqualities(pairs: [string, unknown][]): RawMatcher | undefined {
  if (pairs.some(([path]) => path.includes(".") || path.length === 0)) return undefined;
  const conds: Condition[] = pairs.map(([path, want]) => ({
    name: Buffer.from(path, "utf8"),
    want,
    rank: typeRank(want),
  }));
  return (bytes) => {
    for (const c of conds) {
      const at = findElement(bytes, c.name);
      if (at === -1) return false; // missing never equals a non-null scalar
      if (at === -2) return undefined;
      const r = compareAt(bytes, at, c);
      if (r !== true) return r;
    }
    return true;
  };
}

/** Is the value at `at` (its type byte; value after the name) equal to the condition's? */
function compareAt(bytes: Buffer, at: number, c: Condition): boolean | undefined {
  const type = bytes[at]!;
  const value = at + 1 + c.name.length + 1;
  switch (type) {
    case STRING: {
      if (c.rank !== 4) return false;
      if (typeof c.want !== "string") return undefined;
      const len = bytes.readInt32LE(value) - 1;
      const want = c.want as string;
      // A UTF-8 string is never shorter in bytes than in UTF-16 code units.
      if (len < want.length) return false;
      return bytes.toString("utf8", value + 4, value + 4 + len) === want;
    }
    case INT32:
      return c.rank === 3 && typeof c.want === "number" ? bytes.readInt32LE(value) === c.want : notNumber(c);
    case DOUBLE:
      return c.rank === 3 && typeof c.want === "number" ? bytes.readDoubleLE(value) === c.want : notNumber(c);
    case BOOL:
      return c.rank === 9 ? (bytes[value] === 1) === c.want : false;
    case DATE:
      return c.rank === 10 ? Number(bytes.readBigInt64LE(value)) === (c.want as Date).getTime() : false;
    case OBJECT_ID: {
      if (c.rank !== 8) return false;
      const id = (c.want as ObjectId).id;
      for (let i = 0; i < 12; i++) if (bytes[value + i] !== id[i]) return false;
      return true;
    }
    default:
      return undefined;
  }
}

/** A stored number against a wanted value of another kind: different ranks never match. */
function notNumber(c: Condition): boolean | undefined {
  return c.rank === 3 ? undefined : false;
}

/**
 * Offset of the top-level element named `name`, -1 when absent, -2 when a type this walker does
 * not know how to skip comes first.
 */
function findElement(bytes: Buffer, name: Buffer): number {
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

function valueSize(bytes: Buffer, type: number, at: number): number {
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
