/**
 * Word_Break classes of Unicode's UAX #29 (the word segmentation Lucene's StandardTokenizer
 * implements), plus the classes the tokenizer emits one token per character for (ideographs,
 * hiragana) or one token per run (South-East Asian scripts), as Lucene's grammar does.
 *
 * Classified from the Unicode properties JavaScript's regular expressions know (script,
 * general category, Alphabetic…) and cached per code point; `Intl.Segmenter` implements the
 * same rules but is about twenty times slower, which matters when a corpus of millions of words
 * is indexed.
 */
export enum Wb {
  Other = 0,
  ALetter = 1,
  Numeric = 2,
  Katakana = 3,
  ExtendNumLet = 4,
  MidLetter = 5,
  MidNum = 6,
  MidNumLet = 7,
  SingleQuote = 8,
  /** Extend, Format, ZWJ: attach to the previous character (rule WB4). */
  Extend = 9,
  /** Han ideographs: one token each. */
  Ideographic = 10,
  /** Hiragana: one token each. */
  Hiragana = 11,
  /** Thai, Lao, Myanmar, Khmer…: a run is one token. */
  SouthEastAsian = 12,
  Emoji = 13,
  Unknown = 255,
}

const MID_LETTER = new Set([0x3a, 0xb7, 0x387, 0x55f, 0x5f4, 0x2027, 0xfe13, 0xfe55, 0xff1a]);
const MID_NUM = new Set([
  0x2c, 0x3b, 0x37e, 0x589, 0x60c, 0x60d, 0x66c, 0x7f8, 0x2044, 0xfe10, 0xfe14, 0xfe50, 0xfe54, 0xff0c,
  0xff1b,
]);
const MID_NUM_LET = new Set([0x2e, 0x2018, 0x2019, 0x2024, 0xfe52, 0xff07, 0xff0e]);
const KATAKANA_EXTRA = new Set([
  0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x309b, 0x309c, 0x30a0, 0x30fc, 0xff70,
]);

const reExtend = /[\p{Mn}\p{Me}\p{Mc}\p{Cf}\u200d]/u;
const reKatakana = /\p{Script=Katakana}/u;
const reHiragana = /\p{Script=Hiragana}/u;
const reIdeographic = /[\p{Ideographic}\p{Script=Han}]/u;
const reSea =
  /[\p{Script=Thai}\p{Script=Lao}\p{Script=Myanmar}\p{Script=Khmer}\p{Script=Tai_Le}\p{Script=New_Tai_Lue}\p{Script=Tai_Tham}\p{Script=Tai_Viet}]/u;
const reNumeric = /\p{Nd}/u;
const reLetter = /[\p{Alphabetic}\p{L}]/u;
const reExtendNumLet = /\p{Pc}/u;
const reEmoji = /[\p{Emoji_Presentation}\p{Extended_Pictographic}]/u;

function compute(cp: number): Wb {
  if (cp === 0x27) return Wb.SingleQuote;
  if (MID_LETTER.has(cp)) return Wb.MidLetter;
  if (MID_NUM.has(cp)) return Wb.MidNum;
  if (MID_NUM_LET.has(cp)) return Wb.MidNumLet;
  if (cp === 0x200b || cp === 0xfeff) return Wb.Other;
  const ch = String.fromCodePoint(cp);
  if (reExtend.test(ch)) return Wb.Extend;
  if (KATAKANA_EXTRA.has(cp) || (cp >= 0xff9e && cp <= 0xff9f) || reKatakana.test(ch)) return Wb.Katakana;
  if (reHiragana.test(ch)) return Wb.Hiragana;
  if (reIdeographic.test(ch)) return Wb.Ideographic;
  if (reSea.test(ch)) return Wb.SouthEastAsian;
  if (reNumeric.test(ch)) return Wb.Numeric;
  if (reExtendNumLet.test(ch) || cp === 0x202f) return Wb.ExtendNumLet;
  if (reLetter.test(ch)) return Wb.ALetter;
  if (cp > 0xff && reEmoji.test(ch)) return Wb.Emoji;
  return Wb.Other;
}

const bmp = new Uint8Array(0x10000).fill(Wb.Unknown);
const astral = new Map<number, Wb>();

for (let cp = 0; cp < 0x80; cp++) {
  let c: Wb = Wb.Other;
  if ((cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)) c = Wb.ALetter;
  else if (cp >= 0x30 && cp <= 0x39) c = Wb.Numeric;
  else if (cp === 0x5f) c = Wb.ExtendNumLet;
  else if (cp === 0x27) c = Wb.SingleQuote;
  else if (cp === 0x3a) c = Wb.MidLetter;
  else if (cp === 0x2c || cp === 0x3b) c = Wb.MidNum;
  else if (cp === 0x2e) c = Wb.MidNumLet;
  bmp[cp] = c;
}

export function wordBreakClass(cp: number): Wb {
  if (cp < 0x10000) {
    const c = bmp[cp]!;
    if (c !== Wb.Unknown) return c;
    const computed = compute(cp);
    bmp[cp] = computed;
    return computed;
  }
  let c = astral.get(cp);
  if (c === undefined) {
    c = compute(cp);
    astral.set(cp, c);
  }
  return c;
}
