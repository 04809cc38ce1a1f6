import type { ObjectId } from "bson";
import { findElement } from "../bson-walk";
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
