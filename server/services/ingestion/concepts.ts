import { STOPWORDS, words } from "./words";

export const MAX_CONCEPTS = 8;

/**
 * Ranked key concepts: short noun-like terms (one or two content words) that recur, so the same
 * concept links posts across blogs (`/concepts/<concept>`). Candidates come from runs of content
 * words between stop words and punctuation (as in RAKE); a term scores by frequency, with boosts
 * for the title and the writer's tags, and a two-word term only counts when it recurs or is in the
 * title. Plurals fold into a singular that the post also uses. Linear in the text.
 */
export function keyConcepts(title: string, text: string, tags: string[], max = MAX_CONCEPTS): string[] {
  const source = `${title}.\n${text}`;
  const runs: string[][] = [];
  for (const fragment of source.split(/[.,;:!?()[\]{}"“”‘’\n\t|/\\–—]+|\s-\s/)) {
    let current: string[] = [];
    for (const raw of words(fragment)) {
      const w = raw.replace(/'s$/, "");
      if (STOPWORDS.has(w) || w.length < 3 || /^\d+$/.test(w) || VERBISH.test(w)) {
        if (current.length) runs.push(current);
        current = [];
      } else current.push(w);
    }
    if (current.length) runs.push(current);
  }

  const vocabulary = new Set(runs.flat());
  const fold = (w: string) => {
    const singular = w.replace(/(?<=[^s])s$/, "");
    return singular !== w && singular.length > 2 && vocabulary.has(singular) ? singular : w;
  };
  const titleTerms = new Set(words(title).map(fold));
  const tagSet = new Set(tags.map((t) => t.toLowerCase().trim()).filter(Boolean));

  const counts = new Map<string, number>();
  for (const run of runs) {
    const folded = run.map(fold);
    folded.forEach((w, i) => {
      counts.set(w, (counts.get(w) ?? 0) + 1);
      const next = folded[i + 1];
      if (next) counts.set(`${w} ${next}`, (counts.get(`${w} ${next}`) ?? 0) + 1);
    });
  }

  const scores = new Map<string, number>();
  for (const [term, count] of counts) {
    const parts = term.split(" ");
    const inTitle = parts.every((p) => titleTerms.has(p));
    if (parts.length === 2 && count < 2 && !inTitle) continue;
    let score = count * (parts.length === 2 ? 1.6 : 1) + Math.min(term.length, 12) / 12;
    if (parts.some((p) => titleTerms.has(p))) score += 2;
    if (tagSet.has(term)) score += 3;
    scores.set(term, score);
  }
  // A tag only seen inside a longer phrase (or not at all) still stands for the post.
  for (const tag of tagSet) if (tag.length <= 60) scores.set(tag, Math.max(scores.get(tag) ?? 0, 3));

  const ranked = [...scores.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const out: string[] = [];
  for (const [term] of ranked) {
    // A word already inside a chosen two-word concept adds nothing ("oven" after "dutch oven").
    const covered = out.some((o) => ` ${o} `.includes(` ${term} `) || ` ${term} `.includes(` ${o} `));
    if (covered && !tagSet.has(term)) continue;
    out.push(term);
    if (out.length >= max) break;
  }
  return out;
}

// Past tenses and adverbs rarely name a concept.
const VERBISH = /^(?:\p{L}{3,}(?:ed|ly))$/u;

/** URL form of a concept for `/concepts/<concept>`. */
export function conceptSlug(concept: string): string {
  return concept
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
