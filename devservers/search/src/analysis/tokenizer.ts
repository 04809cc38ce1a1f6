import { Wb, wordBreakClass } from "./char-classes";

/**
 * Elasticsearch's `standard` tokenizer: Lucene's StandardTokenizer, i.e. the word boundaries of
 * Unicode UAX #29 (rules WB4–WB13b) keeping only segments that contain a letter or digit, one
 * token per Han ideograph and per hiragana, a run of a South-East Asian script as one token,
 * emoji as tokens, and tokens longer than `max_token_length` (255) split at that length.
 */
export type Emit = (start: number, end: number) => void;

// Bound locally: an imported function is read through a module getter on every call in the
// transpiled code, and this one runs for every character indexed.
const classOf = wordBreakClass;
const AL = Wb.ALetter;
const NU = Wb.Numeric;
const KA = Wb.Katakana;
const ENL = Wb.ExtendNumLet;
const EXT = Wb.Extend;
/** Word_Break classes of ASCII, looked up without the general classifier (most text is ASCII). */
const ASCII = Uint8Array.from({ length: 128 }, (_, c) => wordBreakClass(c));

function isAHLetterMid(c: Wb): boolean {
  return c === Wb.MidLetter || c === Wb.MidNumLet || c === Wb.SingleQuote;
}
function isNumMid(c: Wb): boolean {
  return c === Wb.MidNum || c === Wb.MidNumLet || c === Wb.SingleQuote;
}

export function standardTokenize(text: string, emit: Emit, maxTokenLength = 255): void {
  const n = text.length;
  let i = 0;

  const cpAt = (at: number): number => {
    const c = text.charCodeAt(at);
    if (c >= 0xd800 && c <= 0xdbff && at + 1 < n) {
      const d = text.charCodeAt(at + 1);
      if (d >= 0xdc00 && d <= 0xdfff) return (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
    }
    return c;
  };
  const width = (cp: number) => (cp > 0xffff ? 2 : 1);
  /** Skips Extend/Format/ZWJ characters from `at` (rule WB4). */
  const skipExtend = (at: number): number => {
    if (at < n && text.charCodeAt(at) < 0x80) return at; // no ASCII character extends
    while (at < n) {
      const cp = cpAt(at);
      if (classOf(cp) !== EXT) break;
      at += width(cp);
    }
    return at;
  };
  const out = (start: number, end: number) => {
    if (end - start <= maxTokenLength) emit(start, end);
    else for (let s = start; s < end; s += maxTokenLength) emit(s, Math.min(end, s + maxTokenLength));
  };

  while (i < n) {
    const c0 = text.charCodeAt(i);
    const cp = c0 < 0x80 ? c0 : cpAt(i);
    const cls: Wb = c0 < 0x80 ? ASCII[c0]! : classOf(cp);
    if (cls === AL || cls === NU || cls === KA || cls === ENL) {
      const start = i;
      let last: Wb = cls;
      let hasWordChar = cls !== ENL;
      i = skipExtend(i + width(cp));
      while (i < n) {
        const nc = text.charCodeAt(i);
        const ncp = nc < 0x80 ? nc : cpAt(i);
        const c: Wb = nc < 0x80 ? ASCII[nc]! : classOf(ncp);
        let join = false;
        if (c === AL) join = last === AL || last === NU || last === ENL;
        else if (c === NU) join = last === NU || last === AL || last === ENL;
        else if (c === KA) join = last === KA || last === ENL;
        else if (c === ENL) join = last === AL || last === NU || last === KA || last === ENL;
        else if ((last === AL && isAHLetterMid(c)) || (last === NU && isNumMid(c))) {
          // WB6/7 and WB11/12: a middle character joins only when the same kind follows it.
          const after = skipExtend(i + width(ncp));
          if (after < n) {
            const acp = cpAt(after);
            if (classOf(acp) === last) {
              i = skipExtend(after + width(acp));
              continue;
            }
          }
        }
        if (!join) break;
        if (c !== ENL) hasWordChar = true;
        last = c;
        i = skipExtend(i + width(ncp));
      }
      if (hasWordChar) out(start, i);
      continue;
    }
    if (cls === Wb.Ideographic || cls === Wb.Hiragana) {
      const start = i;
      i = skipExtend(i + width(cp));
      out(start, i);
      continue;
    }
    if (cls === Wb.SouthEastAsian) {
      const start = i;
      i += width(cp);
      while (i < n) {
        const c = classOf(cpAt(i));
        if (c !== Wb.SouthEastAsian && c !== EXT) break;
        i += width(cpAt(i));
      }
      out(start, i);
      continue;
    }
    if (cls === Wb.Emoji) {
      const start = i;
      i = skipExtend(i + width(cp));
      // Zero-width-joiner sequences (👩‍💻) are one emoji.
      while (i < n && text.charCodeAt(i - 1) === 0x200d && classOf(cpAt(i)) === Wb.Emoji) {
        i = skipExtend(i + width(cpAt(i)));
      }
      out(start, i);
      continue;
    }
    i += width(cp);
  }
}

const lowerCache = new Map<number, string>();

/**
 * Lucene's LowerCaseFilter: `Character.toLowerCase` per code point (simple case mapping, no
 * context), so "Σ" is always "σ" and "İ" is "i" — unlike `String.prototype.toLowerCase`.
 */
export function lowerCase(token: string): string {
  let ascii = true;
  for (let k = 0; k < token.length; k++) {
    if (token.charCodeAt(k) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return token.toLowerCase();
  let out = "";
  for (const ch of token) {
    const cp = ch.codePointAt(0)!;
    let lower = lowerCache.get(cp);
    if (lower === undefined) {
      const full = ch.toLowerCase();
      const first = full.codePointAt(0)!;
      lower = String.fromCodePoint(first);
      lowerCache.set(cp, lower);
    }
    out += lower;
  }
  return out;
}
