import { type Binary, UUID } from "bson";
import { mongoError } from "../errors";
import type { Doc } from "../query/paths";
import { type ChangeSink, Collection, ID_INDEX } from "./collection";
import type { IndexSpec } from "./index-store";

/** Receives catalog-level changes (collections and databases) for the journal. */
export interface CatalogSink extends ChangeSink {
  createCollection(db: string, name: string, uuid: Binary, options: Doc): void;
  dropCollection(db: string, name: string): void;
  dropDatabase(db: string): void;
  renameCollection(from: string, toDb: string, toName: string, uuid: Binary): void;
  modifyIndex(ns: string, name: string, changes: IndexChanges): void;
}

/** What `collMod` may change on an index; `hidden: false` removes the field, as mongod stores it. */
export interface IndexChanges {
  expireAfterSeconds?: number;
  hidden?: boolean;
}

/** All databases and their collections, in memory. */
export class Catalog {
  readonly dbs = new Map<string, Map<string, Collection>>();
  sink?: CatalogSink;

  collection(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  collections(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])];
  }

  /** The collection, created implicitly (like an insert into a new namespace) when absent. */
  ensureCollection(db: string, name: string): Collection {
    return this.collection(db, name) ?? this.createCollection(db, name, {});
  }

  createCollection(db: string, name: string, options: Doc, uuid: Binary = new UUID(), idIndex?: IndexSpec) {
    validateNames(db, name);
    let colls = this.dbs.get(db);
    if (!colls) {
      colls = new Map();
      this.dbs.set(db, colls);
    }
    if (colls.has(name)) throw mongoError("NamespaceExists", `Collection ${db}.${name} already exists.`);
    this.sink?.createCollection(db, name, uuid, options);
    const coll = new Collection(db, name, uuid, options, this.sink);
    if (idIndex && idIndex.name !== ID_INDEX.name) coll.addIndex(idIndex);
    colls.set(name, coll);
    return coll;
  }

  dropCollection(db: string, name: string): boolean {
    const colls = this.dbs.get(db);
    if (!colls?.has(name)) return false;
    colls.delete(name);
    if (colls.size === 0) this.dbs.delete(db);
    this.sink?.dropCollection(db, name);
    return true;
  }

  /**
   * Moves a collection (documents, indexes, options) to another name, replacing the target when
   * one exists: one journal record, so a crash leaves either the old or the new name. Within a
   * database the UUID stays, across databases it is new (mongod copies into a new collection).
   */
  renameCollection(
    fromDb: string,
    fromName: string,
    toDb: string,
    toName: string,
    uuid?: Binary,
  ): Collection {
    const source = this.collection(fromDb, fromName);
    if (!source)
      throw mongoError("NamespaceNotFound", `Source collection ${fromDb}.${fromName} does not exist`);
    validateNames(toDb, toName);
    const newUuid = uuid ?? (fromDb === toDb ? source.uuid : new UUID());
    const target = new Collection(toDb, toName, newUuid, source.options);
    for (const [id, bytes] of source.docs.rawEntries()) target.docs.set(id, bytes);
    // A custom `_id` index spec is rebuilt over the target's documents (its entries are lazy).
    const idSpec = source.indexes[0]!.spec;
    if (idSpec !== ID_INDEX) target.addIndex(idSpec, { replay: true });
    // Secondary indexes hold encoded `_id`s, which do not change: they move as they are.
    target.indexes.push(...source.indexes.slice(1));
    this.removeFromMap(fromDb, fromName);
    this.removeFromMap(toDb, toName);
    let colls = this.dbs.get(toDb);
    if (!colls) {
      colls = new Map();
      this.dbs.set(toDb, colls);
    }
    colls.set(toName, target);
    target.sink = this.sink;
    this.sink?.renameCollection(`${fromDb}.${fromName}`, toDb, toName, newUuid);
    return target;
  }

  modifyIndex(coll: Collection, name: string, changes: IndexChanges): void {
    const ix = coll.findIndex(name);
    if (!ix) return;
    const spec = ix.spec as Record<string, unknown>;
    // mongod rewrites the changed field at the end of the stored spec.
    if (typeof changes.expireAfterSeconds === "number") {
      delete spec.expireAfterSeconds;
      spec.expireAfterSeconds = changes.expireAfterSeconds;
    }
    if (typeof changes.hidden === "boolean") {
      delete spec.hidden;
      if (changes.hidden) spec.hidden = true;
    }
    coll.dirty = true;
    const record: IndexChanges = {};
    if (typeof changes.expireAfterSeconds === "number")
      record.expireAfterSeconds = changes.expireAfterSeconds;
    if (typeof changes.hidden === "boolean") record.hidden = changes.hidden;
    this.sink?.modifyIndex(coll.ns, name, record);
  }

  private removeFromMap(db: string, name: string): void {
    const colls = this.dbs.get(db);
    if (!colls?.delete(name)) return;
    if (colls.size === 0) this.dbs.delete(db);
  }

  dropDatabase(db: string): void {
    if (!this.dbs.has(db)) return;
    this.dbs.delete(db);
    this.sink?.dropDatabase(db);
  }
}

export function validateNames(db: string, coll: string): void {
  if (!db || /[/\\. "$\0]/.test(db) || db.length > 63) {
    throw mongoError("InvalidNamespace", `Invalid database name: '${db}'`);
  }
  if (!coll || coll.includes("$") || coll.includes("\0") || coll.startsWith(".")) {
    throw mongoError("InvalidNamespace", `Invalid collection name: ${coll}`);
  }
}
