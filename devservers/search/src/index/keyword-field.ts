import { type DocMap, growInt32 } from "./growable";

/** Doc ids ascending of one exact term. */
export class DocList {
  docs = new Int32Array(2);
  n = 0;
  add(doc: number): void {
    if (this.n > 0 && this.docs[this.n - 1] === doc) return;
    this.docs = growInt32(this.docs, this.n + 1);
    this.docs[this.n++] = doc;
  }
}

/**
 * A `keyword` (or `boolean`) field: one posting list per exact value, each document's sorted
 * unique values (Lucene's sorted-set doc values: for sorting and `exists`), and the statistics a
 * scored term query needs: keyword fields index no frequencies and no norms, so BM25 sees
 * freq 1, length 1 and an average length of (unique values) / (documents with the field).
 */
export class KeywordFieldIndex {
  terms = new Map<string, DocList>();
  values: (string[] | undefined)[] = [];
  docCount = 0;
  sumDocFreq = 0;

  add(doc: number, raw: string[]): void {
    const unique = [...new Set(raw)].sort(compareUtf8);
    if (unique.length === 0) return;
    for (const v of unique) {
      let list = this.terms.get(v);
      if (!list) {
        list = new DocList();
        this.terms.set(v, list);
      }
      list.add(doc);
    }
    this.values[doc] = unique;
  }

  publish(doc: number): void {
    const v = this.values[doc];
    if (!v) return;
    this.docCount++;
    this.sumDocFreq += v.length;
  }

  remove(doc: number): void {
    const v = this.values[doc];
    if (!v) return;
    this.docCount--;
    this.sumDocFreq -= v.length;
  }

  compact(map: DocMap): void {
    for (const [term, list] of this.terms) {
      let w = 0;
      for (let r = 0; r < list.n; r++) {
        const nd = map[list.docs[r]!]!;
        if (nd >= 0) list.docs[w++] = nd;
      }
      list.n = w;
      if (w === 0) this.terms.delete(term);
    }
    const values: (string[] | undefined)[] = [];
    for (let old = 0; old < map.length; old++) {
      const nd = map[old]!;
      if (nd >= 0) values[nd] = this.values[old];
    }
    this.values = values;
  }
}

/** Lucene orders terms by their UTF-8 bytes; for BMP text that is code point order. */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
