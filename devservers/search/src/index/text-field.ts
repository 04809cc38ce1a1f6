import type { Analyzer } from "../analysis/analyzers";
import { type DocMap, growInt32, growUint8 } from "./growable";
import { intToByte4 } from "./small-float";

/** The postings of one term: doc ids ascending, the term's frequency and positions in each. */
export class TermPostings {
  docs = new Int32Array(2);
  freqs = new Int32Array(2);
  positions = new Int32Array(4);
  n = 0;
  posN = 0;

  add(doc: number, positions: number[]): void {
    this.docs = growInt32(this.docs, this.n + 1);
    this.freqs = growInt32(this.freqs, this.n + 1);
    this.docs[this.n] = doc;
    this.freqs[this.n] = positions.length;
    this.n++;
    this.positions = growInt32(this.positions, this.posN + positions.length);
    for (const p of positions) this.positions[this.posN++] = p;
  }
}

/**
 * The inverted index of a `text` field: postings with positions, one norm byte per document
 * (the SmallFloat-encoded token count, as Lucene stores it) and the statistics BM25 needs —
 * documents with at least one token (`docCount`) and tokens over them (`sumTotalTermFreq`).
 * Statistics count visible documents only (`publish` at refresh, `remove` at deletion); deleted
 * documents stay in the postings until `compact`.
 */
export class TextFieldIndex {
  terms = new Map<string, TermPostings>();
  norms = new Uint8Array(16);
  /** Exact token counts, to take a deleted document out of `sumTotalTermFreq`. */
  lengths = new Int32Array(16);
  /** Documents where the field is present (even with no tokens): for `exists`. */
  present = new Uint8Array(16);
  docCount = 0;
  sumTotalTermFreq = 0;

  add(doc: number, values: string[], analyzer: Analyzer, positionGap: number): void {
    const byTerm = new Map<string, number[]>();
    let pos = 0;
    let length = 0;
    for (let v = 0; v < values.length; v++) {
      if (v > 0) pos += positionGap;
      pos = analyzer.analyze(
        values[v]!,
        (term, position) => {
          let list = byTerm.get(term);
          if (!list) {
            list = [];
            byTerm.set(term, list);
          }
          list.push(position);
          length++;
        },
        pos,
      );
      // The next value's first token lands at last position + gap + 1, as in Lucene.
    }
    this.present = growUint8(this.present, doc + 1);
    this.present[doc] = 1;
    if (length === 0) return;
    for (const [term, positions] of byTerm) {
      let p = this.terms.get(term);
      if (!p) {
        p = new TermPostings();
        this.terms.set(term, p);
      }
      p.add(doc, positions);
    }
    this.norms = growUint8(this.norms, doc + 1);
    this.lengths = growInt32(this.lengths, doc + 1);
    this.norms[doc] = intToByte4(length);
    this.lengths[doc] = length;
  }

  /** Counts a document into the statistics when a refresh makes it visible. */
  publish(doc: number): void {
    if (doc >= this.lengths.length) return;
    const len = this.lengths[doc]!;
    if (len > 0) {
      this.docCount++;
      this.sumTotalTermFreq += len;
    }
  }

  remove(doc: number): void {
    if (doc < this.present.length) this.present[doc] = 0;
    if (doc >= this.lengths.length) return;
    const len = this.lengths[doc]!;
    if (len > 0) {
      this.docCount--;
      this.sumTotalTermFreq -= len;
    }
  }

  compact(map: DocMap, newMaxDoc: number): void {
    for (const [term, p] of this.terms) {
      let w = 0;
      let pw = 0;
      let pr = 0;
      for (let r = 0; r < p.n; r++) {
        const f = p.freqs[r]!;
        const nd = map[p.docs[r]!]!;
        if (nd >= 0) {
          p.docs[w] = nd;
          p.freqs[w] = f;
          w++;
          if (pw !== pr) p.positions.copyWithin(pw, pr, pr + f);
          pw += f;
        }
        pr += f;
      }
      p.n = w;
      p.posN = pw;
      if (w === 0) this.terms.delete(term);
    }
    const norms = new Uint8Array(Math.max(16, newMaxDoc));
    const lengths = new Int32Array(Math.max(16, newMaxDoc));
    const present = new Uint8Array(Math.max(16, newMaxDoc));
    for (let old = 0; old < map.length; old++) {
      const nd = map[old]!;
      if (nd < 0) continue;
      if (old < this.norms.length) norms[nd] = this.norms[old]!;
      if (old < this.lengths.length) lengths[nd] = this.lengths[old]!;
      if (old < this.present.length) present[nd] = this.present[old]!;
    }
    this.norms = norms;
    this.lengths = lengths;
    this.present = present;
  }
}
