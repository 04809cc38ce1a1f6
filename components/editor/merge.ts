/** Block-level merge for conflicts: their document, plus every block of mine they don't have, in my order. */
export function mergeDocuments(theirs: unknown, mine: unknown): { type: "doc"; content: unknown[] } {
  const blocks = (d: unknown): unknown[] =>
    d && typeof d === "object" && Array.isArray((d as { content?: unknown }).content)
      ? ((d as { content: unknown[] }).content ?? [])
      : [];
  const theirBlocks = blocks(theirs);
  const seen = new Set(theirBlocks.map((b) => JSON.stringify(b)));
  const merged = [...theirBlocks];
  let insertAt = merged.length;
  // Each of my blocks goes after the last block both versions share before it, keeping my order.
  for (const block of blocks(mine)) {
    const key = JSON.stringify(block);
    if (seen.has(key)) {
      insertAt = merged.findIndex((b) => JSON.stringify(b) === key) + 1;
      continue;
    }
    merged.splice(insertAt, 0, block);
    insertAt += 1;
    seen.add(key);
  }
  return { type: "doc", content: merged.filter((b) => !isEmptyParagraph(b)) };
}

function isEmptyParagraph(block: unknown): boolean {
  const b = block as { type?: string; content?: unknown[] };
  return b?.type === "paragraph" && (!b.content || b.content.length === 0);
}
