import { describe, expect, it } from "vitest";
import { bm25Score, bm25Scorer, idf } from "./bm25";
import { byte4ToInt, intToByte4 } from "./small-float";

describe("SmallFloat norms", () => {
  it("keeps lengths below 24 exact and 4 significant bits above", () => {
    for (let i = 0; i < 24; i++) expect(byte4ToInt(intToByte4(i))).toBe(i);
    expect(byte4ToInt(intToByte4(40))).toBe(40);
    expect(byte4ToInt(intToByte4(41))).toBe(40);
    expect(byte4ToInt(intToByte4(1000))).toBe(984);
    expect(intToByte4(2 ** 31 - 1)).toBe(255);
  });

  it("encodes monotonically", () => {
    let last = -1;
    for (let i = 0; i < 100_000; i += 7) {
      const b = intToByte4(i);
      expect(b).toBeGreaterThanOrEqual(last);
      last = b;
    }
  });
});

describe("BM25", () => {
  it("gives Elasticsearch's 0.2876821 for one match in a one-document index", () => {
    const scorer = bm25Scorer(1, idf(1, 1), 1, 1);
    expect(bm25Score(scorer, 1, intToByte4(1))).toBe(Math.fround(0.2876821));
  });

  it("gives ln 2 (to float precision) for a keyword term in one of two documents", () => {
    const scorer = bm25Scorer(1, idf(1, 2), 2, 2);
    expect(bm25Score(scorer, 1, 1)).toBeCloseTo(Math.LN2, 6);
  });
});
