import type { FieldDef } from "../mapping/field-def";
import type { Mapping } from "../mapping/mapping";
import { growFloat64, growInt32, growUint8 } from "./growable";
import { KeywordFieldIndex } from "./keyword-field";
import { NumericFieldIndex } from "./numeric-field";
import { TextFieldIndex } from "./text-field";
import { VectorFieldIndex } from "./vector-field";

/**
 * What searches see: the documents as of the last refresh, numbered by internal doc id in the
 * order they became visible (Lucene's doc ids, which break score ties). Deletions only mark the
 * doc id; `compact` drops deleted documents and renumbers, keeping order.
 */
export class Segment {
  maxDoc = 0;
  liveCount = 0;
  ids: string[] = [];
  deleted = new Uint8Array(16);
  /** Where each document's source is in the index's log: byte offset and length. */
  sourcePos = new Float64Array(16);
  sourceLen = new Int32Array(16);
  /** The sequence number of the write each document came from (delete-by-query checks it). */
  seqNos = new Float64Array(16);
  idToDoc = new Map<string, number>();

  text = new Map<string, TextFieldIndex>();
  keyword = new Map<string, KeywordFieldIndex>();
  numeric = new Map<string, NumericFieldIndex>();
  vector = new Map<string, VectorFieldIndex>();

  addDoc(
    id: string,
    values: Map<string, unknown[]>,
    mapping: Mapping,
    pos: number,
    len: number,
    seqNo: number,
  ): number {
    const doc = this.maxDoc++;
    this.ids[doc] = id;
    this.deleted = growUint8(this.deleted, doc + 1);
    this.sourcePos = growFloat64(this.sourcePos, doc + 1);
    this.sourceLen = growInt32(this.sourceLen, doc + 1);
    this.sourcePos[doc] = pos;
    this.sourceLen[doc] = len;
    this.seqNos = growFloat64(this.seqNos, doc + 1);
    this.seqNos[doc] = seqNo;
    this.idToDoc.set(id, doc);
    this.liveCount++;
    for (const [path, list] of values) {
      const def = mapping.fields.get(path);
      if (!def) continue;
      this.addField(doc, def, list);
    }
    return doc;
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

  deleteDoc(doc: number): void {
    if (this.deleted[doc]) return;
    this.deleted[doc] = 1;
    this.liveCount--;
    const id = this.ids[doc]!;
    if (this.idToDoc.get(id) === doc) this.idToDoc.delete(id);
    for (const f of this.text.values()) f.remove(doc);
    for (const f of this.keyword.values()) f.remove(doc);
    for (const f of this.numeric.values()) f.remove(doc);
    for (const f of this.vector.values()) f.remove(doc);
  }

  get deletedCount(): number {
    return this.maxDoc - this.liveCount;
  }

  /** Drops deleted documents (Lucene's merge), keeping the order of the others. */
  compact(): void {
    const map = new Int32Array(this.maxDoc);
    let n = 0;
    for (let d = 0; d < this.maxDoc; d++) map[d] = this.deleted[d] ? -1 : n++;
    const ids: string[] = [];
    const pos = new Float64Array(Math.max(16, n));
    const len = new Int32Array(Math.max(16, n));
    const seqNos = new Float64Array(Math.max(16, n));
    for (let d = 0; d < this.maxDoc; d++) {
      const nd = map[d]!;
      if (nd < 0) continue;
      ids[nd] = this.ids[d]!;
      pos[nd] = this.sourcePos[d]!;
      len[nd] = this.sourceLen[d]!;
      seqNos[nd] = this.seqNos[d]!;
    }
    for (const f of this.text.values()) f.compact(map, n);
    for (const f of this.keyword.values()) f.compact(map);
    for (const f of this.numeric.values()) f.compact(map, n);
    for (const f of this.vector.values()) f.compact(map, n);
    this.ids = ids;
    this.sourcePos = pos;
    this.sourceLen = len;
    this.seqNos = seqNos;
    this.deleted = new Uint8Array(Math.max(16, n));
    this.maxDoc = n;
    this.liveCount = n;
    this.idToDoc = new Map(ids.map((id, d) => [id, d]));
  }
}
