import { STOPWORDS, sentences, truncateWords, wordCount, words } from "./words";

export const SUMMARY_MAX_WORDS = 60;

/**
 * Extractive summary of at most `maxWords` words: sentences scored by how many of the post's
 * frequent content words (and title words) they carry, with a bonus for coming early (writers
 * open with the point), then the best ones put back in their original order.
 */
export function summarize(title: string, text: string, maxWords = SUMMARY_MAX_WORDS): string {
  const all = sentences(text).filter((s) => wordCount(s) >= 3 && !/^[\s\d\W]+$/.test(s));
  if (all.length === 0) return truncateWords(text.replace(/\s+/g, " "), maxWords);

  const freq = new Map<string, number>();
  for (const w of words(text)) if (!STOPWORDS.has(w) && w.length > 2) freq.set(w, (freq.get(w) ?? 0) + 1);
  const titleWords = new Set(words(title).filter((w) => !STOPWORDS.has(w)));
  const top = Math.max(1, ...freq.values());

  const scored = all.slice(0, 200).map((sentence, index) => {
    const ws = words(sentence).filter((w) => !STOPWORDS.has(w) && w.length > 2);
    const content = ws.reduce((sum, w) => sum + (freq.get(w) ?? 0) / top + (titleWords.has(w) ? 0.5 : 0), 0);
    const density = ws.length ? content / Math.sqrt(ws.length) : 0;
    const position = 1 / (1 + index * 0.35);
    return { sentence, index, score: density + position, length: wordCount(sentence) };
  });

  const picked: typeof scored = [];
  let used = 0;
  for (const s of [...scored].sort((a, b) => b.score - a.score)) {
    if (used + s.length > maxWords) continue;
    picked.push(s);
    used += s.length;
    if (used >= maxWords - 5) break;
  }
  // Nothing fits whole (one very long opening sentence): cut the best one.
  if (picked.length === 0) {
    const best = scored.reduce((a, b) => (b.score > a.score ? b : a));
    return truncateWords(best.sentence, maxWords);
  }
  return picked
    .sort((a, b) => a.index - b.index)
    .map((s) => s.sentence)
    .join(" ");
}
