import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { type EsError, versionConflict } from "../errors";
import { Mapping } from "../mapping/mapping";
import {
  DocLog,
  encodeDeleteRecord,
  encodeIndexRecord,
  encodeMetaRecord,
  REC_DELETE,
  REC_INDEX,
  REC_META,
  readLog,
  syncDir,
} from "../storage/doc-log";
import { MemberKeys, sourceMembers } from "../storage/members";
import { Segment } from "./segment";
import { type FlatSettings, nestSettings, parseTimeValue } from "./settings";

/** The latest version of a document (what GET sees, in real time). */
export interface LiveDoc {
  seqNo: number;
  version: number;
  pos: number;
  len: number;
}

export interface WriteResult {
  id: string;
  version: number;
  seqNo: number;
  result: "created" | "updated" | "deleted" | "not_found" | "noop";
  /** Resolves once the write is on disk. */
  durable: Promise<void>;
}

export interface WriteOptions {
  opType?: "index" | "create";
  ifSeqNo?: number;
  ifPrimaryTerm?: number;
}

/** How long a deleted document's version is remembered (Elasticsearch's `index.gc_deletes`). */
const GC_DELETES_MS = 60_000;
const META_FILE = "meta.json";

/**
 * One index (a single shard): its mapping and settings, the live documents, the searchable
 * segment as of the last refresh and the writes waiting for the next one, all backed by the
 * index's log.
 */
export class SearchIndex {
  mapping: Mapping;
  settings: FlatSettings;
  segment = new Segment();
  /** Names of the sources' top-level members, by id (see storage/members.ts). */
  memberKeys = new MemberKeys();
  live = new Map<string, LiveDoc>();
  private tombstones = new Map<string, { version: number; at: number }>();
  private refreshWaiters: (() => void)[] = [];
  private refreshTimer: NodeJS.Timeout | null = null;
  private log: DocLog;
  private logGen: number;
  maxSeqNo = -1;
  /** Bytes of the log held by live documents (the rest is garbage a compaction drops). */
  private liveBytes = 0;
  private closed = false;
  private compacting = false;

  private constructor(
    readonly name: string,
    readonly uuid: string,
    readonly creationDate: number,
    readonly dir: string,
    mapping: Mapping,
    settings: FlatSettings,
    log: DocLog,
    logGen: number,
  ) {
    this.mapping = mapping;
    this.settings = settings;
    this.log = log;
    this.logGen = logGen;
  }

  /** Creates the index's directory atomically (a half-created index never appears). */
  static create(indicesDir: string, name: string, settings: FlatSettings, mappingJson: unknown): SearchIndex {
    const mapping = Mapping.parse(mappingJson);
    const uuid = randomBytes(16).toString("base64url").slice(0, 22);
    const creationDate = Date.now();
    const full: FlatSettings = {
      "index.number_of_shards": "1",
      "index.number_of_replicas": "1",
      ...settings,
    };
    const tmp = path.join(indicesDir, `.tmp-${uuid}`);
    const dir = path.join(indicesDir, uuid);
    fs.mkdirSync(tmp, { recursive: true });
    writeFileSynced(path.join(tmp, META_FILE), JSON.stringify({ name, uuid, creation_date: creationDate }));
    const logFile = path.join(tmp, logName(1));
    writeFileSynced(logFile, encodeMetaRecord({ mappings: mapping.toJSON(), settings: full, maxSeqNo: -1 }));
    syncDir(tmp);
    fs.renameSync(tmp, dir);
    syncDir(indicesDir);
    const log = new DocLog(path.join(dir, logName(1)), fs.statSync(path.join(dir, logName(1))).size);
    return new SearchIndex(name, uuid, creationDate, dir, mapping, full, log, 1);
  }

  /** Opens an index directory: replays its log into live documents and a refreshed segment. */
  static open(dir: string): SearchIndex {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, META_FILE), "utf8")) as {
      name: string;
      uuid: string;
      creation_date: number;
    };
    const gens = fs
      .readdirSync(dir)
      .map((f) => /^docs\.(\d+)\.log$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    for (const f of fs.readdirSync(dir))
      if (f.endsWith(".tmp")) fs.rmSync(path.join(dir, f), { force: true });
    const gen = gens[gens.length - 1];
    if (gen === undefined) throw new Error(`index directory ${dir} has no log`);
    for (const old of gens.slice(0, -1)) fs.rmSync(path.join(dir, logName(old)), { force: true });
    const file = path.join(dir, logName(gen));

    let mapping = new Mapping();
    let settings: FlatSettings = {};
    let maxSeqNo = -1;
    const live = new Map<string, LiveDoc>();
    const tombstones = new Map<string, { version: number; at: number }>();
    // Replayed in log order: dynamic mappings and doc ids come out as when the writes happened.
    const segment = new Segment();
    const memberKeys = new MemberKeys();
    const end = readLog(file, (rec, payload, start) => {
      if (rec.type === REC_META) {
        mapping = Mapping.parse(rec.meta.mappings);
        settings = rec.meta.settings as FlatSettings;
        maxSeqNo = Math.max(maxSeqNo, Number(rec.meta.maxSeqNo ?? -1));
        return;
      }
      maxSeqNo = Math.max(maxSeqNo, rec.seqNo);
      if (rec.type === REC_DELETE) {
        live.delete(rec.id);
        segment.deleteId(rec.id);
        tombstones.set(rec.id, { version: rec.version, at: Date.now() });
        return;
      }
      const source = JSON.parse(payload.toString("utf8", start)) as Record<string, unknown>;
      let values: Map<string, unknown[]>;
      try {
        values = mapping.parseDocument(source, rec.id).values;
      } catch {
        // Accepted once, refused by a mapping written later (a compacted log puts the final
        // mapping first): kept and retrievable, but not searchable — rather than lost.
        values = new Map();
      }
      live.set(rec.id, { seqNo: rec.seqNo, version: rec.version, pos: rec.pos, len: rec.len });
      segment.addDoc(
        rec.id,
        values,
        mapping,
        rec.pos,
        rec.len,
        rec.seqNo,
        sourceMembers(payload.subarray(start), memberKeys),
      );
      tombstones.delete(rec.id);
    });
    const log = new DocLog(file, end);
    const index = new SearchIndex(meta.name, meta.uuid, meta.creation_date, dir, mapping, settings, log, gen);
    index.maxSeqNo = maxSeqNo;
    index.tombstones = tombstones;
    index.live = live;
    for (const [id, doc] of live) index.liveBytes += recordSize(id, doc.len);
    segment.refresh();
    segment.compact();
    index.segment = segment;
    index.memberKeys = memberKeys;
    return index;
  }

  get refreshIntervalMs(): number {
    const v = this.settings["index.refresh_interval"];
    return v === undefined ? 1000 : parseTimeValue(v, "index.refresh_interval");
  }

  get replicas(): number {
    return Number(this.settings["index.number_of_replicas"] ?? 1);
  }

  get maxResultWindow(): number {
    return Number(this.settings["index.max_result_window"] ?? 10_000);
  }

  settingsJson(): Record<string, unknown> {
    return nestSettings({
      ...this.settings,
      "index.uuid": this.uuid,
      "index.creation_date": String(this.creationDate),
      "index.provided_name": this.name,
      "index.version.created": "9039001",
    });
  }

  private nextSeqNo(): number {
    return ++this.maxSeqNo;
  }

  private previousVersion(id: string): number {
    const t = this.tombstones.get(id);
    if (!t) return 0;
    if (Date.now() - t.at > GC_DELETES_MS) {
      this.tombstones.delete(id);
      return 0;
    }
    return t.version;
  }

  private checkConcurrency(id: string, current: LiveDoc | undefined, opts: WriteOptions): void {
    if (opts.ifSeqNo === undefined && opts.ifPrimaryTerm === undefined) return;
    const seq = opts.ifSeqNo ?? -2;
    const term = opts.ifPrimaryTerm ?? 0;
    if (!current) {
      throw versionConflict(
        this.name,
        this.uuid,
        `[${id}]: version conflict, required seqNo [${seq}], primary term [${term}] but no document was found`,
      );
    }
    if (current.seqNo !== seq || term !== 1) {
      throw versionConflict(
        this.name,
        this.uuid,
        `[${id}]: version conflict, required seqNo [${seq}], primary term [${term}]. current document has seqNo [${current.seqNo}] and primary term [1]`,
      );
    }
  }

  /** Indexes a document (parsed and validated first: a 400 leaves nothing behind). */
  indexDoc(id: string, source: Record<string, unknown>, raw: Buffer, opts: WriteOptions = {}): WriteResult {
    const current = this.live.get(id);
    if (opts.opType === "create" && current) {
      throw versionConflict(
        this.name,
        this.uuid,
        `[${id}]: version conflict, document already exists (current version [${current.version}])`,
      );
    }
    this.checkConcurrency(id, current, opts);
    const parsed = this.mapping.parseDocument(source, id);
    const version = current ? current.version + 1 : this.previousVersion(id) + 1;
    const seqNo = this.nextSeqNo();
    const { buf, sourceOffset } = encodeIndexRecord(id, seqNo, version, raw);
    const at = this.log.append(buf);
    const doc: LiveDoc = { seqNo, version, pos: at + sourceOffset, len: raw.length };
    if (current) this.liveBytes -= recordSize(id, current.len);
    this.liveBytes += recordSize(id, raw.length);
    this.live.set(id, doc);
    this.tombstones.delete(id);
    this.segment.addDoc(
      id,
      parsed.values,
      this.mapping,
      doc.pos,
      doc.len,
      seqNo,
      sourceMembers(raw, this.memberKeys),
    );
    this.scheduleRefresh();
    return { id, version, seqNo, result: current ? "updated" : "created", durable: this.log.durable() };
  }

  deleteDoc(id: string, opts: WriteOptions = {}): WriteResult {
    const current = this.live.get(id);
    this.checkConcurrency(id, current, opts);
    const seqNo = this.nextSeqNo();
    const version = (current?.version ?? this.previousVersion(id)) + 1;
    this.log.append(encodeDeleteRecord(id, seqNo, version));
    if (!current) {
      // Even a delete that found nothing leaves a tombstone: the next write continues its version.
      this.tombstones.set(id, { version, at: Date.now() });
      return { id, version, seqNo, result: "not_found", durable: this.log.durable() };
    }
    this.liveBytes -= recordSize(id, current.len);
    this.live.delete(id);
    this.tombstones.set(id, { version, at: Date.now() });
    this.segment.deleteId(id);
    this.scheduleRefresh();
    return { id, version, seqNo, result: "deleted", durable: this.log.durable() };
  }

  /** A no-op update still answers with the document's current version. */
  noop(id: string): WriteResult {
    const current = this.live.get(id)!;
    return { id, version: current.version, seqNo: current.seqNo, result: "noop", durable: Promise.resolve() };
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer || this.closed) return;
    const interval = this.refreshIntervalMs;
    if (interval < 0) return;
    this.refreshTimer = setTimeout(
      () => {
        this.refreshTimer = null;
        this.refresh();
      },
      Math.max(1, interval),
    );
  }

  /** Reads a live document's source bytes (GET is real time). */
  readLive(doc: LiveDoc): Buffer {
    return this.log.read(doc.pos, doc.len);
  }

  /** Reads a searchable document's source bytes (or a part: `from`..`to` within it). */
  readSource(docId: number, from = 0, to = this.segment.sourceLen[docId]!): Buffer {
    return this.log.read(this.segment.sourcePos[docId]! + from, to - from);
  }

  get hasPending(): boolean {
    return this.segment.hasPending;
  }

  /** Makes every write so far visible to searches. */
  refresh(): void {
    if (this.refreshTimer) {
      clearTimeout(this.refreshTimer);
      this.refreshTimer = null;
    }
    const seg = this.segment;
    if (seg.hasPending) {
      seg.refresh();
      if (seg.deletedCount > 64 && seg.deletedCount > seg.maxDoc * 0.25) seg.compact();
      void this.maybeCompactLog();
    }
    for (const w of this.refreshWaiters.splice(0)) w();
  }

  /** `refresh=wait_for`: resolves at the next refresh (immediately when nothing is pending). */
  waitForRefresh(): Promise<void> {
    if (!this.segment.hasPending) return Promise.resolve();
    return new Promise((resolve) => this.refreshWaiters.push(resolve));
  }

  /** Records a mapping or settings change durably. */
  async persistMeta(): Promise<void> {
    this.log.append(
      encodeMetaRecord({ mappings: this.mapping.toJSON(), settings: this.settings, maxSeqNo: this.maxSeqNo }),
    );
    await this.log.durable();
    if (this.segment.hasPending && !this.refreshTimer) this.scheduleRefresh();
  }

  /**
   * Rewrites the log with only the live documents once garbage (overwritten and deleted
   * documents) outweighs them: a new generation is written and synced, then renamed into place,
   * so a crash leaves either the old log or the new one.
   */
  private async maybeCompactLog(): Promise<void> {
    const garbage = this.log.end - this.liveBytes;
    if (this.compacting || garbage < 32 * 1024 * 1024 || garbage < this.liveBytes) return;
    this.compacting = true;
    try {
      await this.log.idle();
      if (this.closed || this.segment.hasPending) return;
      // From here to the swap nothing yields, so no write can slip in between.
      const gen = this.logGen + 1;
      const tmp = path.join(this.dir, `${logName(gen)}.tmp`);
      const fd = fs.openSync(tmp, "w");
      const seg = this.segment;
      let offset = 0;
      const write = (b: Buffer) => {
        fs.writeSync(fd, b, 0, b.length, offset);
        offset += b.length;
      };
      write(
        encodeMetaRecord({
          mappings: this.mapping.toJSON(),
          settings: this.settings,
          maxSeqNo: this.maxSeqNo,
        }),
      );
      const newPos = new Float64Array(seg.maxDoc);
      for (let d = 0; d < seg.maxDoc; d++) {
        if (seg.deleted[d]) continue;
        const id = seg.ids[d]!;
        const live = this.live.get(id)!;
        const { buf, sourceOffset } = encodeIndexRecord(id, live.seqNo, live.version, this.readSource(d));
        newPos[d] = offset + sourceOffset;
        write(buf);
      }
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fs.renameSync(tmp, path.join(this.dir, logName(gen)));
      syncDir(this.dir);
      const oldFile = this.log.file;
      this.log.closeSync();
      this.log = new DocLog(path.join(this.dir, logName(gen)), offset);
      this.logGen = gen;
      for (let d = 0; d < seg.maxDoc; d++) {
        if (seg.deleted[d]) continue;
        seg.sourcePos[d] = newPos[d]!;
        this.live.get(seg.ids[d]!)!.pos = newPos[d]!;
      }
      fs.rmSync(oldFile, { force: true });
    } finally {
      this.compacting = false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    await this.log.idle().catch(() => {});
    this.log.closeSync();
  }

  /** Closes and removes the index's files (rename first, so a crash never leaves half an index). */
  async destroy(): Promise<void> {
    await this.close();
    for (const w of this.refreshWaiters.splice(0)) w();
    const trash = `${this.dir}.deleted`;
    fs.renameSync(this.dir, trash);
    syncDir(path.dirname(this.dir));
    fs.rmSync(trash, { recursive: true, force: true });
  }
}

function logName(gen: number): string {
  return `docs.${gen}.log`;
}

function recordSize(id: string, len: number): number {
  return 8 + 1 + 4 + Buffer.byteLength(id) + 16 + len;
}

function writeFileSynced(file: string, data: string | Buffer): void {
  const fd = fs.openSync(file, "w");
  try {
    fs.writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export type { EsError };
export { REC_INDEX };
