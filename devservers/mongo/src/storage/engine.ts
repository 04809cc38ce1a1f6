import fs from "node:fs";
import path from "node:path";
import { type Binary, type Document, deserialize } from "bson";
import type { Doc } from "../query/paths";
import { Catalog, type CatalogSink, type IndexChanges } from "./catalog";
import { lockDbpath } from "./dbpath-lock";
import type { IndexSpec } from "./index-store";
import { Journal, readJournal } from "./journal";
import {
  fsyncDir,
  journalFile,
  type Manifest,
  readCollectionSnapshot,
  readManifest,
  writeCollectionSnapshot,
  writeManifest,
} from "./snapshot";

const COMPACT_AT_BYTES = 256 << 20;
const PROMOTE = { promoteLongs: true, promoteValues: true } as const;

function splitNs(ns: string): [string, string] {
  const dot = ns.indexOf(".");
  return [ns.slice(0, dot), ns.slice(dot + 1)];
}

/**
 * Durable storage: the in-memory catalog, a journal of physical changes (post-images by `_id`,
 * collection and index changes) and per-collection snapshots. Start-up loads the snapshots the
 * manifest names, replays that generation's journal, then compacts into a new generation.
 */
export class StorageEngine implements CatalogSink {
  readonly catalog = new Catalog();
  private journal!: Journal;
  private manifest!: Manifest;
  private compacting: Promise<void> | null = null;
  private unlock: () => void = () => {};

  private constructor(readonly dbpath: string) {}

  static open(dbpath: string): StorageEngine {
    fs.mkdirSync(dbpath, { recursive: true });
    const engine = new StorageEngine(dbpath);
    engine.unlock = lockDbpath(dbpath);
    try {
      engine.load();
    } catch (err) {
      engine.unlock();
      throw err;
    }
    return engine;
  }

  private load(): void {
    this.manifest = readManifest(this.dbpath);
    for (const entry of this.manifest.collections) {
      const { header, raw } = readCollectionSnapshot(path.join(this.dbpath, entry.file));
      const coll = this.catalog.createCollection(entry.db, entry.name, header.options ?? {}, header.uuid);
      for (const spec of header.indexes as IndexSpec[]) if (spec.name !== "_id_") coll.addIndex(spec);
      for (const bytes of raw) coll.put(deserialize(bytes, PROMOTE), { replay: true, bytes });
      coll.dirty = false;
    }
    for (const record of readJournal(journalFile(this.dbpath, this.manifest.gen))) this.apply(record);
    // An `$out` interrupted by a crash leaves its temporary collection: dropped, as mongod does.
    for (const [db, colls] of [...this.catalog.dbs]) {
      for (const name of [...colls.keys()])
        if (name.startsWith("tmp.agg_out.")) this.catalog.dropCollection(db, name);
    }
    this.compactNow();
  }

  /** Applies one journal record; every record is an absolute change, so replay is idempotent. */
  private apply(r: Document): void {
    const c = this.catalog;
    switch (r.t) {
      case "put": {
        const [db, name] = splitNs(r.ns);
        const raw = (r.raw as Binary).buffer;
        const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
        c.ensureCollection(db, name).put(deserialize(bytes, PROMOTE), { replay: true, bytes });
        break;
      }
      case "del": {
        const [db, name] = splitNs(r.ns);
        c.collection(db, name)?.delete(r.id);
        break;
      }
      case "create":
        if (!c.collection(r.db, r.name)) c.createCollection(r.db, r.name, r.options ?? {}, r.uuid);
        break;
      case "drop":
        c.dropCollection(r.db, r.name);
        break;
      case "dropDb":
        c.dropDatabase(r.db);
        break;
      case "ix": {
        const [db, name] = splitNs(r.ns);
        const coll = c.ensureCollection(db, name);
        if (!coll.findIndex(r.spec.name)) coll.addIndex(r.spec, { replay: true });
        break;
      }
      case "rename": {
        // Absent source: the rename is already in the state replayed so far; nothing to redo.
        const [db, name] = splitNs(r.from);
        if (c.collection(db, name)) c.renameCollection(db, name, r.toDb, r.toName, r.uuid);
        break;
      }
      case "ixMod": {
        const [db, name] = splitNs(r.ns);
        const coll = c.collection(db, name);
        if (coll) c.modifyIndex(coll, r.name, r.changes);
        break;
      }
      case "dropIx": {
        const [db, name] = splitNs(r.ns);
        c.collection(db, name)?.removeIndex(r.name);
        break;
      }
    }
  }

  /**
   * Writes changed collections as snapshots of a new generation, commits the manifest atomically
   * (rename), starts that generation's empty journal and removes what the old one referenced.
   * Runs synchronously so no write can slip between the snapshot and the journal switch.
   */
  private compactNow(): void {
    const old = this.manifest;
    const gen = old.gen + 1;
    const previous = new Map(old.collections.map((e) => [`${e.db}\0${e.name}`, e.file]));
    const collections: Manifest["collections"] = [];
    const touchedDirs = new Set<string>();
    for (const [db, colls] of this.catalog.dbs) {
      for (const coll of colls.values()) {
        let file = previous.get(`${db}\0${coll.name}`);
        if (!file || coll.dirty) {
          file = writeCollectionSnapshot(this.dbpath, coll, gen);
          touchedDirs.add(db);
        }
        collections.push({ db, name: coll.name, file });
      }
    }
    for (const db of touchedDirs) fsyncDir(path.join(this.dbpath, db));
    fs.closeSync(fs.openSync(journalFile(this.dbpath, gen), "w"));
    this.manifest = { gen, collections };
    writeManifest(this.dbpath, this.manifest);
    this.journal?.close();
    this.journal = Journal.open(journalFile(this.dbpath, gen));
    this.catalog.sink = this;
    for (const colls of this.catalog.dbs.values()) {
      for (const coll of colls.values()) {
        coll.dirty = false;
        coll.sink = this;
      }
    }
    this.removeUnreferenced();
  }

  private removeUnreferenced(): void {
    const keep = new Set(this.manifest.collections.map((e) => e.file));
    const liveDbs = new Set(this.manifest.collections.map((e) => e.db));
    for (const entry of fs.readdirSync(this.dbpath, { withFileTypes: true })) {
      if (entry.isFile() && /^journal\.\d+\.wal$/.test(entry.name)) {
        if (entry.name !== path.basename(this.journal.file)) fs.rmSync(path.join(this.dbpath, entry.name));
      } else if (entry.isDirectory()) {
        if (!liveDbs.has(entry.name)) {
          fs.rmSync(path.join(this.dbpath, entry.name), { recursive: true, force: true });
          continue;
        }
        for (const f of fs.readdirSync(path.join(this.dbpath, entry.name))) {
          const rel = path.join(entry.name, f);
          if (f.endsWith(".bson") && !keep.has(rel)) fs.rmSync(path.join(this.dbpath, rel));
        }
      }
    }
  }

  /** Resolves once every change made so far is durable; compacts when the journal grew large. */
  async commit(): Promise<void> {
    await this.journal.sync();
    if (this.journal.bytes > COMPACT_AT_BYTES && !this.compacting) {
      this.compacting = this.compact().finally(() => {
        this.compacting = null;
      });
    }
  }

  async compact(): Promise<void> {
    while (this.journal.hasPending) await this.journal.sync();
    this.compactNow();
  }

  async close(): Promise<void> {
    if (this.compacting) await this.compacting;
    await this.compact();
    this.journal.close();
    this.unlock();
  }

  // CatalogSink: every change becomes one journal record.
  putDoc(ns: string, bytes: Buffer): void {
    this.journal.appendPut(ns, bytes);
  }
  deleteDoc(ns: string, id: unknown): void {
    this.journal.append({ t: "del", ns, id });
  }
  putIndex(ns: string, spec: IndexSpec): void {
    this.journal.append({ t: "ix", ns, spec });
  }
  dropIndex(ns: string, name: string): void {
    this.journal.append({ t: "dropIx", ns, name });
  }
  createCollection(db: string, name: string, uuid: Binary, options: Doc): void {
    this.journal.append({ t: "create", db, name, uuid, options });
  }
  dropCollection(db: string, name: string): void {
    this.journal.append({ t: "drop", db, name });
  }
  dropDatabase(db: string): void {
    this.journal.append({ t: "dropDb", db });
  }
  renameCollection(from: string, toDb: string, toName: string, uuid: Binary): void {
    this.journal.append({ t: "rename", from, toDb, toName, uuid });
  }
  modifyIndex(ns: string, name: string, changes: IndexChanges): void {
    this.journal.append({ t: "ixMod", ns, name, changes });
  }
}
