import type { FieldDef } from "../mapping/field-def";
import type { Mapping } from "../mapping/mapping";
import type { Members } from "../storage/members";
import { growFloat64, growInt32, growUint8 } from "./growable";
import { KeywordFieldIndex } from "./keyword-field";
import { NumericFieldIndex } from "./numeric-field";
import { TextFieldIndex } from "./text-field";
import { VectorFieldIndex } from "./vector-field";

/**
 * The index structures of one shard, numbered by internal doc id (Lucene's doc ids: they break
 * score ties). Like Lucene's near-real-time model, a written document is analyzed and added at
 * once but stays invisible until the next refresh: searches see doc ids below `visibleMaxDoc`,
 * the deletions (and replaced versions) published so far, and statistics over exactly those.
 * `compact` drops deleted documents and renumbers, keeping order (a merge).
 */
export class Segment {
  /** Doc ids assigned so far (visible or not). */
  maxDoc = 0;
  /** Doc ids below this are visible to searches. */
  visibleMaxDoc = 0;
  /** Visible, not deleted documents. */
  liveCount = 0;
  ids: string[] = [];
  /** Deletions published by a refresh. */
  deleted = new Uint8Array(16);
  /** Where each document's source is in the index's log: byte offset and length. */
  sourcePos = new Float64Array(16);
  sourceLen = new Int32Array(16);
  /** The sequence number of the write each document came from (delete-by-query checks it). */
  seqNos = new Float64Array(16);
  /** Top-level members of each source (see storage/members.ts). */
  members: (Members | undefined)[] = [];
  /** External id → visible doc id. */
  idToDoc = new Map<string, number>();
  /** External id → latest doc id, visible or not. */
  private latest = new Map<string, number>();
  /** Doc ids to delete at the next refresh (replaced or deleted documents). */
  private pendingDeletes: number[] = [];

  text = new Map<string, TextFieldIndex>();
  keyword = new Map<string, KeywordFieldIndex>();
  numeric = new Map<string, NumericFieldIndex>();
  vector = new Map<string, VectorFieldIndex>();

  get hasPending(): boolean {
    return this.maxDoc > this.visibleMaxDoc || this.pendingDeletes.length > 0;
  }

  /** Adds (analyzes) a document; it replaces the id's previous version at the next refresh. */
  addDoc(
    id: string,
    values: Map<string, unknown[]>,
    mapping: Mapping,
    pos: number,
    len: number,
    seqNo: number,
    members?: Members,
  ): number {
    const doc = this.maxDoc++;
    this.ids[doc] = id;
    this.members[doc] = members;
    this.deleted = growUint8(this.deleted, doc + 1);
    this.sourcePos = growFloat64(this.sourcePos, doc + 1);
    this.sourceLen = growInt32(this.sourceLen, doc + 1);
    this.seqNos = growFloat64(this.seqNos, doc + 1);
    this.sourcePos[doc] = pos;
    this.sourceLen[doc] = len;
    this.seqNos[doc] = seqNo;
    const previous = this.latest.get(id);
    if (previous !== undefined) this.pendingDeletes.push(previous);
    this.latest.set(id, doc);
    for (const [path, list] of values) {
      const def = mapping.fields.get(path);
      if (def) this.addField(doc, def, list);
    }
    return doc;
  }

  /** Deletes an id's latest version at the next refresh. */
  deleteId(id: string): void {
    const previous = this.latest.get(id);
    if (previous === undefined) return;
    this.pendingDeletes.push(previous);
    this.latest.delete(id);
  }

  private addField(doc: number, def: FieldDef, list: unknown[]): void {
    switch (def.type) {
      case "text": {
        let f = this.text.get(def.path);
        if (!f) {
          f = new TextFieldIndex();
          this.text.set(def.path, f);
        }
        f.add(doc, list as string[], def.analyzer!, def.positionIncrementGap);
        return;
      }
      case "keyword":
      case "boolean": {
        let f = this.keyword.get(def.path);
        if (!f) {
          f = new KeywordFieldIndex();
          this.keyword.set(def.path, f);
        }
        f.add(
          doc,
          def.type === "boolean"
            ? (list as boolean[]).map((b) => (b ? "true" : "false"))
            : (list as string[]),
        );
        if (def.type === "boolean")
          this.numericFor(def.path).add(
            doc,
            (list as boolean[]).map((b) => (b ? 1 : 0)),
          );
        return;
      }
      case "dense_vector": {
        let f = this.vector.get(def.path);
        if (!f) {
          f = new VectorFieldIndex(def.dims!, def.similarity!);
          this.vector.set(def.path, f);
        }
        f.add(doc, list[0] as Float32Array);
        return;
      }
      default:
        this.numericFor(def.path).add(doc, list as number[]);
    }
  }

  private numericFor(path: string): NumericFieldIndex {
    let f = this.numeric.get(path);
    if (!f) {
      f = new NumericFieldIndex();
      this.numeric.set(path, f);
    }
    return f;
  }

  /** Publishes everything added and deleted since the last refresh. */
  refresh(): void {
    for (let d = this.visibleMaxDoc; d < this.maxDoc; d++) {
      for (const f of this.text.values()) f.publish(d);
      for (const f of this.keyword.values()) f.publish(d);
      for (const f of this.numeric.values()) f.publish(d);
      for (const f of this.vector.values()) f.publish(d);
      this.idToDoc.set(this.ids[d]!, d);
      this.liveCount++;
    }
    this.visibleMaxDoc = this.maxDoc;
    for (const doc of this.pendingDeletes) {
      if (this.deleted[doc]) continue;
      this.deleted[doc] = 1;
      this.liveCount--;
      const id = this.ids[doc]!;
      if (this.idToDoc.get(id) === doc) this.idToDoc.delete(id);
      for (const f of this.text.values()) f.remove(doc);
      for (const f of this.keyword.values()) f.remove(doc);
      for (const f of this.numeric.values()) f.remove(doc);
      for (const f of this.vector.values()) f.remove(doc);
    }
    this.pendingDeletes = [];
  }

  get deletedCount(): number {
    return this.visibleMaxDoc - this.liveCount;
  }

  /** Drops deleted documents (Lucene's merge), keeping the order of the others. Only when nothing is pending. */
  compact(): void {
    if (this.hasPending) return;
    const map = new Int32Array(this.maxDoc);
    let n = 0;
    for (let d = 0; d < this.maxDoc; d++) map[d] = this.deleted[d] ? -1 : n++;
    const ids: string[] = [];
    const members: (Members | undefined)[] = [];
    const pos = new Float64Array(Math.max(16, n));
    const len = new Int32Array(Math.max(16, n));
    const seqNos = new Float64Array(Math.max(16, n));
    for (let d = 0; d < this.maxDoc; d++) {
      const nd = map[d]!;
      if (nd < 0) continue;
      ids[nd] = this.ids[d]!;
      members[nd] = this.members[d];
      pos[nd] = this.sourcePos[d]!;
      len[nd] = this.sourceLen[d]!;
      seqNos[nd] = this.seqNos[d]!;
    }
    for (const f of this.text.values()) f.compact(map, n);
    for (const f of this.keyword.values()) f.compact(map);
    for (const f of this.numeric.values()) f.compact(map, n);
    for (const f of this.vector.values()) f.compact(map, n);
    this.ids = ids;
    this.members = members;
    this.sourcePos = pos;
    this.sourceLen = len;
    this.seqNos = seqNos;
    this.deleted = new Uint8Array(Math.max(16, n));
    this.maxDoc = n;
    this.visibleMaxDoc = n;
    this.liveCount = n;
    this.idToDoc = new Map(ids.map((id, d) => [id, d]));
    this.latest = new Map(this.idToDoc);
  }
}
