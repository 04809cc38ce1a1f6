import { describe, expect, it } from "vitest";
import { STANDARD } from "./analyzers";
import { lowerCase, standardTokenize } from "./tokenizer";

const terms = (text: string) => {
  const out: string[] = [];
  STANDARD.analyze(text, (t) => out.push(t));
  return out;
};

describe("standard analyzer", () => {
  it("splits words as UAX #29 does and lower-cases them", () => {
    expect(terms("The QUICK brown-fox jumped!")).toEqual(["the", "quick", "brown", "fox", "jumped"]);
    expect(terms("Don't U.S.A. 3.14 1,000 foo_bar wi-fi e-mail x:y hello.world")).toEqual([
      "don't",
      "u.s.a",
      "3.14",
      "1,000",
      "foo_bar",
      "wi",
      "fi",
      "e",
      "mail",
      "x:y",
      "hello.world",
    ]);
  });

  it("one token per ideograph and hiragana, runs of katakana and hangul, emoji", () => {
    expect(terms("中文字 ひらがな カタカナ 한국어 🙂")).toEqual([
      "中",
      "文",
      "字",
      "ひ",
      "ら",
      "が",
      "な",
      "カタカナ",
      "한국어",
      "🙂",
    ]);
  });

  it("keeps diacritics, lower-cases per code point (Σ → σ, İ → i)", () => {
    expect(terms("Café NAÏVE ΣΊΣΥΦΟΣ İSTANBUL")).toEqual(["café", "naïve", "σίσυφοσ", "istanbul"]);
    expect(lowerCase("ΟΔΟΣ")).toBe("οδοσ");
  });

  it("keeps combining marks with their letter", () => {
    expect(terms("cafe\u0301 au lait")).toEqual(["cafe\u0301", "au", "lait"]);
  });

  it("drops punctuation-only and underscore-only segments", () => {
    expect(terms("... --- ___ !!! ,")).toEqual([]);
    expect(terms("_a_")).toEqual(["_a_"]);
  });

  it("splits tokens longer than 255 characters", () => {
    const long = "a".repeat(600);
    expect(terms(long).map((t) => t.length)).toEqual([255, 255, 90]);
  });

  it("gives positions and offsets", () => {
    const out: [string, number, number, number][] = [];
    STANDARD.analyze("Hello, big World", (t, p, s, e) => out.push([t, p, s, e]));
    expect(out).toEqual([
      ["hello", 0, 0, 5],
      ["big", 1, 7, 10],
      ["world", 2, 11, 16],
    ]);
  });

  it("agrees with Intl.Segmenter (ICU's UAX #29) on random Latin text", () => {
    const seg = new Intl.Segmenter("en", { granularity: "word" });
    const alphabet = "ab1 .,'_:;-Zé9x";
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let k = 0; k < 3000; k++) {
      let text = "";
      const len = 1 + Math.floor(rnd() * 14);
      for (let j = 0; j < len; j++) text += alphabet[Math.floor(rnd() * alphabet.length)];
      const ours: string[] = [];
      standardTokenize(text, (s, e) => ours.push(text.slice(s, e)));
      const icu = [...seg.segment(text)]
        .filter((s) => s.isWordLike && /[\p{L}\p{N}]/u.test(s.segment))
        .map((s) => s.segment);
      expect(ours, JSON.stringify(text)).toEqual(icu);
    }
  });
});
