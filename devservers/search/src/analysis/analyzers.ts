import { unsupportedArgument } from "../errors";
import { lowerCase, standardTokenize } from "./tokenizer";

/** A token of an analyzed value: its term, position and character offsets in the value. */
export interface Token {
  term: string;
  position: number;
  start: number;
  end: number;
}

export interface Analyzer {
  name: string;
  /** Calls `sink` per token; positions start at `firstPosition`. Returns the next free position. */
  analyze(
    text: string,
    sink: (term: string, position: number, start: number, end: number) => void,
    firstPosition?: number,
  ): number;
}

/** English stop words of Lucene's `EnglishAnalyzer.ENGLISH_STOP_WORDS_SET` (the `stop` analyzer's default). */
const ENGLISH_STOP_WORDS = new Set(
  "a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with".split(
    " ",
  ),
);

// Bound locally (imports are module getters in the transpiled code; this runs per token).
const tokenize = standardTokenize;
const lower = lowerCase;

const standard: Analyzer = {
  name: "standard",
  analyze(text, sink, firstPosition = 0) {
    let pos = firstPosition;
    tokenize(text, (s, e) => {
      sink(lower(text.slice(s, e)), pos++, s, e);
    });
    return pos;
  },
};

/** Splits on non-letters and lower-cases (Lucene's LetterTokenizer + LowerCaseFilter). */
function letterRuns(text: string, emit: (s: number, e: number) => void): void {
  const re = /\p{L}+/gu;
  for (let m = re.exec(text); m; m = re.exec(text)) emit(m.index, m.index + m[0].length);
}

const simple: Analyzer = {
  name: "simple",
  analyze(text, sink, firstPosition = 0) {
    let pos = firstPosition;
    letterRuns(text, (s, e) => sink(lowerCase(text.slice(s, e)), pos++, s, e));
    return pos;
  },
};

const stop: Analyzer = {
  name: "stop",
  analyze(text, sink, firstPosition = 0) {
    let pos = firstPosition;
    letterRuns(text, (s, e) => {
      const term = lowerCase(text.slice(s, e));
      // A removed stop word still takes a position (phrase queries see the gap).
      if (!ENGLISH_STOP_WORDS.has(term)) sink(term, pos, s, e);
      pos++;
    });
    return pos;
  },
};

const whitespace: Analyzer = {
  name: "whitespace",
  analyze(text, sink, firstPosition = 0) {
    let pos = firstPosition;
    const re = /\S+/gu;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const s = m.index;
      const e = s + m[0].length;
      for (let k = s; k < e; k += 255)
        sink(text.slice(k, Math.min(e, k + 255)), pos++, k, Math.min(e, k + 255));
    }
    return pos;
  },
};

const keyword: Analyzer = {
  name: "keyword",
  analyze(text, sink, firstPosition = 0) {
    sink(text, firstPosition, 0, text.length);
    return firstPosition + 1;
  },
};

const ANALYZERS = new Map<string, Analyzer>(
  [standard, simple, stop, whitespace, keyword].map((a) => [a.name, a]),
);

/** Built-in analyzers Elasticsearch has that this server does not implement (refused by name). */
const KNOWN_UNSUPPORTED = new Set([
  "pattern",
  "fingerprint",
  "english",
  "french",
  "german",
  "spanish",
  "italian",
  "portuguese",
  "dutch",
  "russian",
  "arabic",
  "cjk",
  "snowball",
  "language",
]);

export function analyzerByName(name: string): Analyzer {
  const a = ANALYZERS.get(name);
  if (a) return a;
  if (KNOWN_UNSUPPORTED.has(name)) throw unsupportedArgument(`analyzer [${name}]`);
  throw unsupportedArgument(
    `analyzer [${name}] (only standard, simple, stop, whitespace and keyword exist here)`,
  );
}

export function isAnalyzerName(name: string): boolean {
  return ANALYZERS.has(name);
}

export function analyzeToTokens(analyzer: Analyzer, text: string): Token[] {
  const tokens: Token[] = [];
  analyzer.analyze(text, (term, position, start, end) => tokens.push({ term, position, start, end }));
  return tokens;
}

export const STANDARD = standard;
