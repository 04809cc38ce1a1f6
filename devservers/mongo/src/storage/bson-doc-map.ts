import { deserialize } from "bson";
import type { Doc } from "../query/paths";

const DESERIALIZE = { promoteLongs: true, promoteValues: true } as const;

/**
 * The stored bytes a decoded document came from. Replies send these bytes unchanged (exact
 * number types, no re-encoding); any changed copy is a new object without this mark.
 */
export const RAW_BSON = Symbol("rawBson");

export function decode(bytes: Buffer): Doc {
  const doc = deserialize(bytes, DESERIALIZE) as Doc;
  Object.defineProperty(doc, RAW_BSON, { value: bytes, enumerable: false });
  return doc;
}

/**
 * A stand-in for a stored document that is only sent back as it is (a find without projection):
 * no fields, just the bytes the reply encoder splices in.
 */
export function rawDoc(bytes: Buffer): Doc {
  return { [RAW_BSON]: bytes } as Doc;
}

/**
 * Documents keyed by encoded `_id`, held as BSON bytes rather than JS objects: a 100k-document
 * collection then costs the GC 100k buffers instead of millions of small objects, and the bytes
 * are reused for the journal and snapshots. Reads decode a fresh copy, so callers may mutate it.
 */
export class BsonDocMap {
  private readonly map = new Map<string, Buffer>();

  get size(): number {
    return this.map.size;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  get(key: string): Doc | undefined {
    const bytes = this.map.get(key);
    return bytes ? decode(bytes) : undefined;
  }

  raw(key: string): Buffer | undefined {
    return this.map.get(key);
  }

  set(key: string, bytes: Buffer): void {
    this.map.set(key, bytes);
  }

  delete(key: string): boolean {
    return this.map.delete(key);
  }

  *values(): Generator<Doc> {
    for (const bytes of this.map.values()) yield decode(bytes);
  }

  *entries(): Generator<[string, Doc]> {
    for (const [k, bytes] of this.map) yield [k, decode(bytes)];
  }

  rawValues(): IterableIterator<Buffer> {
    return this.map.values();
  }

  rawEntries(): IterableIterator<[string, Buffer]> {
    return this.map.entries();
  }
}
