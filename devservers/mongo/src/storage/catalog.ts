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
