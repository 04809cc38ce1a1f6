/**
 * Reciprocal-rank fusion (Cormack et al. 2009): each list gives a document 1 / (k + rank); the sums
 * rank the fused list. Scores of BM25 and cosine are not comparable; ranks are. k = 60 as in the
 * paper and in Elasticsearch's own RRF.
 */
export const RRF_K = 60;

export function reciprocalRankFusion<T extends { id: string }>(
  lists: T[][],
  k = RRF_K,
): { item: T; score: number; ranks: (number | null)[] }[] {
  const fused = new Map<string, { item: T; score: number; ranks: (number | null)[] }>();
  lists.forEach((list, li) => {
    list.forEach((item, rank) => {
      let entry = fused.get(item.id);
      if (!entry) {
        entry = { item, score: 0, ranks: lists.map(() => null) };
        fused.set(item.id, entry);
      }
      entry.score += 1 / (k + rank + 1);
      entry.ranks[li] = rank + 1;
      // Keep the richest copy (the keyword hit carries highlights).
      if (li === 0) entry.item = item;
    });
  });
  return [...fused.values()].sort((a, b) => b.score - a.score);
}
