import { type Binary, UUID } from "bson";
import { serializeToBuffer } from "../bson-buffer";
import { mongoError } from "../errors";
import { encodeKey } from "../query/compare";
import type { Doc } from "../query/paths";
import { BsonDocMap } from "./bson-doc-map";
import { type IndexSpec, IndexStore } from "./index-store";

export interface CollectionInfo {
  name: string;
  uuid: Binary;
  options: Doc;
  indexes: IndexSpec[];
}

/** Something that records every physical change so it survives a crash (the journal). */
export interface ChangeSink {
  putDoc(ns: string, bytes: Buffer): void;
  deleteDoc(ns: string, id: unknown): void;
  putIndex(ns: string, spec: IndexSpec): void;
  dropIndex(ns: string, name: string): void;
}

export const ID_INDEX: IndexSpec = { v: 2, key: { _id: 1 }, name: "_id_" };

/** Documents by encoded `_id`, plus their indexes. Enforces unique keys before any change. */
export class Collection {
  readonly docs = new BsonDocMap();
  readonly indexes: IndexStore[] = [new IndexStore(ID_INDEX)];
  /** Set when anything changed since the last snapshot. */
  dirty = true;

  constructor(
    readonly db: string,
    readonly name: string,
    readonly uuid: Binary = new UUID(),
    readonly options: Doc = {},
    public sink?: ChangeSink,
  ) {
    this.lazyIdIndex(this.indexes[0]!);
  }

  private lazyIdIndex(ix: IndexStore): void {
    ix.buildLazily(() => this.idEntries());
  }

  private *idEntries(): Generator<{ key: unknown; id: string }> {
    for (const [id, doc] of this.docs.entries()) yield { key: doc._id, id };
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  info(): CollectionInfo {
    return {
      name: this.name,
      uuid: this.uuid,
      options: this.options,
      indexes: this.indexes.map((i) => i.spec),
    };
  }

  getById(id: unknown): Doc | undefined {
    return this.docs.get(encodeKey(id));
  }

  /** Insert or replace by `_id`; throws DuplicateKey (11000) leaving everything unchanged. */
  /**
   * `doc` must hold plain JS numbers (index keys and partial filters are computed from it);
   * `opts.bytes`, when given, is the exact BSON stored instead of re-serializing `doc`, which
   * keeps int32/int64/double types as the client sent them.
   */
  put(doc: Doc, opts: { replay?: boolean; bytes?: Buffer } = {}): void {
    const id = encodeKey(doc._id);
    const old = this.docs.get(id);
    const newKeys = this.indexes.map((ix) => ix.keysOf(doc, opts.bytes));
    if (!opts.replay) {
      this.indexes.forEach((ix, i) => {
        if (ix.name === "_id_") return;
        const hit = ix.conflict(newKeys[i]!, id);
        if (hit) throw duplicateKeyError(this.ns, ix, hit.key);
      });
    }
    if (old) for (const ix of this.indexes) ix.remove(id, ix.keysOf(old));
    this.indexes.forEach((ix, i) => {
      ix.add(id, newKeys[i]!);
    });
    const bytes = ownedCopy(opts.bytes ?? serializeToBuffer(doc));
    this.docs.set(id, bytes);
    this.dirty = true;
    this.sink?.putDoc(this.ns, bytes);
  }

  insert(doc: Doc, bytes?: Buffer): void {
    if (this.docs.has(encodeKey(doc._id))) {
      throw duplicateKeyError(this.ns, this.indexes[0]!, [doc._id]);
    }
    this.put(doc, { bytes });
  }

  delete(id: unknown): boolean {
    const k = encodeKey(id);
    const old = this.docs.get(k);
    if (!old) return false;
    for (const ix of this.indexes) ix.remove(k, ix.keysOf(old));
    this.docs.delete(k);
    this.dirty = true;
    this.sink?.deleteDoc(this.ns, old._id);
    return true;
  }

  findIndex(name: string): IndexStore | undefined {
    return this.indexes.find((i) => i.name === name);
  }

  /** Builds an index over existing documents; a unique violation aborts without a trace. */
  addIndex(spec: IndexSpec, opts: { replay?: boolean } = {}): void {
    const ix = new IndexStore(spec);
    for (const [id, doc] of this.docs.entries()) {
      const keys = ix.keysOf(doc);
      if (!opts.replay) {
        const hit = ix.conflict(keys, id);
        if (hit) throw duplicateKeyError(this.ns, ix, hit.key);
      }
      ix.add(id, keys);
    }
    if (spec.name === "_id_") {
      this.lazyIdIndex(ix);
      this.indexes[0] = ix;
    } else this.indexes.push(ix);
    this.dirty = true;
    this.sink?.putIndex(this.ns, spec);
  }

  removeIndex(name: string): void {
    const at = this.indexes.findIndex((i) => i.name === name);
    if (at > 0) this.indexes.splice(at, 1);
    this.dirty = true;
    this.sink?.dropIndex(this.ns, name);
  }
}

/** `E11000 duplicate key error collection: db.c index: name_1 dup key: { name: "x" }` */
export function duplicateKeyError(ns: string, ix: IndexStore, key: unknown[]) {
  const keyValue: Doc = {};
  ix.fields.forEach((f, i) => {
    keyValue[f] = key[i];
  });
  const shown = ix.fields.map((f, i) => `${f}: ${formatValue(key[i])}`).join(", ");
  return mongoError(
    "DuplicateKey",
    `E11000 duplicate key error collection: ${ns} index: ${ix.name} dup key: { ${shown} }`,
    { keyPattern: ix.spec.key, keyValue },
  );
}

/** mongod's short rendering of a key value inside error messages. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  const t = (v as { _bsontype?: string })._bsontype;
  if (t === "ObjectId") return `ObjectId('${(v as { toHexString(): string }).toHexString()}')`;
  if (Array.isArray(v)) return `[ ${v.map(formatValue).join(", ")} ]`;
  if (typeof v === "object") {
    const entries = Object.entries(v as Doc).map(([k, x]) => `${k}: ${formatValue(x)}`);
    return entries.length ? `{ ${entries.join(", ")} }` : "{}";
  }
  return String(v);
}

/**
 * Small Buffers share 8 KB pool slabs with short-lived allocations; a long-lived document slice
 * would keep its whole slab alive, so stored documents get their own exact-size memory.
 */
function ownedCopy(bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(out);
  return out;
}
