import type { Analyzer } from "../analysis/analyzers";
import { type DocMap, growInt32, growUint8 } from "./growable";
import { intToByte4 } from "./small-float";

// Imported functions are read through module getters once per call in the transpiled code; the
// indexing loop calls these millions of times, so they are bound locally.
const grow = growInt32;
const encodeNorm = intToByte4;

/** The postings of one term: doc ids ascending, the term's frequency and positions in each. */
export class TermPostings {
  docs = new Int32Array(2);
  freqs = new Int32Array(2);
  positions = new Int32Array(4);
  n = 0;
  posN = 0;
  /** The document being added (its entry is the last one). */
  lastDoc = -1;

  /** Records one occurrence; documents must come in ascending order, positions ascending within one. */
  occurrence(doc: number, position: number): void {
    if (doc !== this.lastDoc) {
      if (this.n === this.docs.length) {
        this.docs = grow(this.docs, this.n + 1);
        this.freqs = grow(this.freqs, this.n + 1);
      }
      this.docs[this.n] = doc;
      this.freqs[this.n] = 0;
      this.n++;
      this.lastDoc = doc;
    }
    this.freqs[this.n - 1]!++;
    if (this.posN === this.positions.length) this.positions = grow(this.positions, this.posN + 1);
    this.positions[this.posN++] = position;
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
    const terms = this.terms;
    let pos = 0;
    let length = 0;
    const sink = (term: string, position: number) => {
      let p = terms.get(term);
      if (!p) {
        p = new TermPostings();
        terms.set(term, p);
      }
      p.occurrence(doc, position);
      length++;
    };
    for (let v = 0; v < values.length; v++) {
      // The next value's first token lands at last position + gap + 1, as in Lucene.
      if (v > 0) pos += positionGap;
      pos = analyzer.analyze(values[v]!, sink, pos);
    }
    this.present = growUint8(this.present, doc + 1);
    this.present[doc] = 1;
    if (length === 0) return;
    this.norms = growUint8(this.norms, doc + 1);
    this.lengths = grow(this.lengths, doc + 1);
    this.norms[doc] = encodeNorm(length);
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
      p.lastDoc = w > 0 ? p.docs[w - 1]! : -1;
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
