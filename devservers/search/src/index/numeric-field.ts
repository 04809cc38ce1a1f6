import { type DocMap, growFloat64, growUint8 } from "./growable";

/**
 * A numeric, date or boolean field's values per document (points and doc values in Lucene): the
 * smallest value in a dense array (enough for single-valued fields, the common case) and the
 * sorted values of multi-valued documents aside. Range and term queries scan it.
 */
export class NumericFieldIndex {
  min = new Float64Array(16);
  has = new Uint8Array(16);
  multi = new Map<number, number[]>();
  docCount = 0;

  add(doc: number, values: number[]): void {
    if (values.length === 0) return;
    this.min = growFloat64(this.min, doc + 1);
    this.has = growUint8(this.has, doc + 1);
    const sorted = values.length > 1 ? [...values].sort((a, b) => a - b) : values;
    this.min[doc] = sorted[0]!;
    this.has[doc] = 1;
    if (sorted.length > 1) this.multi.set(doc, sorted);
  }

  publish(doc: number): void {
    if (doc < this.has.length && this.has[doc]) this.docCount++;
  }

  remove(doc: number): void {
    if (doc < this.has.length && this.has[doc]) this.docCount--;
  }

  /** All values of a document (sorted), or undefined. */
  valuesOf(doc: number): number[] | undefined {
    if (doc >= this.has.length || !this.has[doc]) return undefined;
    return this.multi.get(doc) ?? [this.min[doc]!];
  }

  maxOf(doc: number): number {
    const m = this.multi.get(doc);
    return m ? m[m.length - 1]! : this.min[doc]!;
  }

  compact(map: DocMap, newMaxDoc: number): void {
    const min = new Float64Array(Math.max(16, newMaxDoc));
    const has = new Uint8Array(Math.max(16, newMaxDoc));
    const multi = new Map<number, number[]>();
    for (let old = 0; old < map.length; old++) {
      const nd = map[old]!;
      if (nd < 0 || old >= this.has.length || !this.has[old]) continue;
      min[nd] = this.min[old]!;
      has[nd] = 1;
      const m = this.multi.get(old);
      if (m) multi.set(nd, m);
    }
    this.min = min;
    this.has = has;
    this.multi = multi;
  }
}
