import { type Document, Double, deserialize, Long } from "bson";
import { RAW_BSON } from "../storage/bson-doc-map";
import { isPlainObject } from "./paths";

const EXACT = { promoteLongs: false, promoteValues: false } as const;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** The exact (unpromoted) form of a stored document, when it came from storage. */
export function exactStored(doc: object): Document | undefined {
  const raw = (doc as { [RAW_BSON]?: Buffer })[RAW_BSON];
  return raw ? deserialize(raw, EXACT) : undefined;
}

/**
 * Queries and updates work on plain JS numbers; this gives the numbers of an updated document
 * back the BSON types the stored one had at the same paths, like mongod keeps them: an int64
 * stays int64, a double stays a double (2.0 too), an int32 that overflowed becomes int64, and a
 * fraction is a double.
 */
export function withStoredNumberTypes<T>(next: T, stored: unknown): T {
  if (typeof next === "number") {
    const type = (stored as { _bsontype?: string } | undefined)?._bsontype;
    if (type === "Long") return (Number.isInteger(next) ? Long.fromNumber(next) : next) as T;
    if (type === "Double") return new Double(next) as T;
    if (type === "Int32" && Number.isInteger(next) && (next < INT32_MIN || next > INT32_MAX)) {
      return Long.fromNumber(next) as T;
    }
    return next;
  }
  if (Array.isArray(next) && Array.isArray(stored)) {
    return next.map((v, i) => withStoredNumberTypes(v, stored[i])) as T;
  }
  if (isPlainObject(next) && isPlainObject(stored)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(next)) out[k] = withStoredNumberTypes(v, stored[k]);
    return out as T;
  }
  return next;
}
