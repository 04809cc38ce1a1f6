import fs from "node:fs";
import path from "node:path";
import { type Document, deserialize } from "bson";
import { serializeToBuffer } from "../bson-buffer";
import type { Collection } from "./collection";

/** On-disk layout: `<dbpath>/manifest.json` names the generation's journal and snapshot files. */
export interface Manifest {
  gen: number;
  collections: { db: string; name: string; file: string }[];
}

const DESERIALIZE = { promoteLongs: true, promoteValues: true } as const;

export function readManifest(dbpath: string): Manifest {
  const file = path.join(dbpath, "manifest.json");
  if (!fs.existsSync(file)) return { gen: 0, collections: [] };
  return JSON.parse(fs.readFileSync(file, "utf8")) as Manifest;
}

export function writeManifest(dbpath: string, manifest: Manifest): void {
  const file = path.join(dbpath, "manifest.json");
  const tmp = `${file}.tmp`;
  writeFileDurably(tmp, Buffer.from(JSON.stringify(manifest)));
  fs.renameSync(tmp, file);
  fsyncDir(dbpath);
}

export function journalFile(dbpath: string, gen: number): string {
  return path.join(dbpath, `journal.${gen}.wal`);
}

/** Writes one collection (header document, then its documents) to a new, fsynced file. */
export function writeCollectionSnapshot(dbpath: string, coll: Collection, gen: number): string {
  const dir = path.join(dbpath, coll.db);
  fs.mkdirSync(dir, { recursive: true });
  const rel = path.join(coll.db, `${encodeURIComponent(coll.name)}.${gen}.bson`);
  const fd = fs.openSync(path.join(dbpath, rel), "w");
  try {
    const info = coll.info();
    const chunks: Buffer[] = [serializeToBuffer({ ...info, count: coll.docs.size })];
    let size = chunks[0]!.length;
    for (const b of coll.docs.rawValues()) {
      chunks.push(b);
      size += b.length;
      if (size > 8 << 20) {
        fs.writeSync(fd, Buffer.concat(chunks));
        chunks.length = 0;
        size = 0;
      }
    }
    if (chunks.length) fs.writeSync(fd, Buffer.concat(chunks));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return rel;
}

/** The header document and each stored document's exact BSON bytes. */
export function readCollectionSnapshot(file: string): { header: Document; raw: Buffer[] } {
  const data = fs.readFileSync(file);
  const headerSize = data.readInt32LE(0);
  const header = deserialize(data.subarray(0, headerSize), DESERIALIZE);
  const raw: Buffer[] = [];
  for (let offset = headerSize; offset < data.length; ) {
    const size = data.readInt32LE(offset);
    raw.push(data.subarray(offset, offset + size));
    offset += size;
  }
  return { header, raw };
}

export function writeFileDurably(file: string, data: Buffer): void {
  const fd = fs.openSync(file, "w");
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
