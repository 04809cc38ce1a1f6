import { LENGTH_TABLE } from "./small-float";

/**
 * Elasticsearch's default similarity: `LegacyBM25Similarity` (Lucene's BM25 with k1 = 1.2,
 * b = 0.75, and the (k1 + 1) factor Lucene 8 dropped from the numerator put back as a boost),
 * computed with Java's float arithmetic step by step (`Math.fround`), so scores agree with
 * Elasticsearch's to the last float bit in the common cases.
 */
const f = Math.fround;
const K1 = f(1.2);
const B = f(0.75);
const ONE_MINUS_B = f(1 - B);
const LEGACY_FACTOR = f(1 + K1);

export function idf(docFreq: number, docCount: number): number {
  return f(Math.log(1 + (docCount - docFreq + 0.5) / (docFreq + 0.5)));
}

/** Sum of the terms' idf, in double then rounded, as Lucene does for phrases. */
export function phraseIdf(idfs: number[]): number {
  let sum = 0;
  for (const x of idfs) sum += x;
  return f(sum);
}

export interface Bm25Scorer {
  weight: number;
  /** Norm byte → 1 / (k1 * (1 - b + b * dl / avgdl)). */
  cache: Float32Array;
}

const cacheByAvgdl = new Map<number, Float32Array>();

function normCache(avgdl: number): Float32Array {
  let cache = cacheByAvgdl.get(avgdl);
  if (!cache) {
    cache = new Float32Array(256);
    for (let i = 0; i < 256; i++) {
      cache[i] = f(1 / f(K1 * f(ONE_MINUS_B + f(f(B * LENGTH_TABLE[i]!) / avgdl))));
    }
    if (cacheByAvgdl.size > 1000) cacheByAvgdl.clear();
    cacheByAvgdl.set(avgdl, cache);
  }
  return cache;
}

/**
 * @param boost the product of the enclosing queries' boosts (a float, as Lucene passes it down)
 * @param idfValue the term's idf, or the phrase's summed idf
 * @param sumTotalTermFreq tokens of the field over the documents that have it
 * @param docCount documents with at least one token in the field
 */
export function bm25Scorer(
  boost: number,
  idfValue: number,
  sumTotalTermFreq: number,
  docCount: number,
): Bm25Scorer {
  const avgdl = f(sumTotalTermFreq / docCount);
  return { weight: f(f(f(boost) * LEGACY_FACTOR) * idfValue), cache: normCache(avgdl) };
}

/** Lucene's `weight - weight / (1 + freq * normInverse)` in floats. */
export function bm25Score(scorer: Bm25Scorer, freq: number, normByte: number): number {
  const w = scorer.weight;
  return f(w - f(w / f(1 + f(freq * scorer.cache[normByte]!))));
}
