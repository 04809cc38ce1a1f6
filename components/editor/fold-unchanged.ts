import type { TextBlock } from "@/server/services/posts/plain-text";

export type FoldedRow =
  | { kind: "block"; block: TextBlock; changed: boolean; at: number }
  | { kind: "gap"; count: number; at: number };

/**
 * The blocks to show: every block only this version has, one block of context on each side, and
 * runs of blocks both versions share folded into one line — so in a long post the differences
 * are on screen at once instead of somewhere down two scrolling columns.
 */
export function foldUnchanged(blocks: TextBlock[], other: Set<string>): FoldedRow[] {
  const changed = blocks.map((b) => !other.has(b.text));
  const keep = blocks.map((_, i) => changed[i] || changed[i - 1] || changed[i + 1]);
  const rows: FoldedRow[] = [];
  for (let i = 0; i < blocks.length; ) {
    if (keep[i]) {
      rows.push({ kind: "block", block: blocks[i] as TextBlock, changed: Boolean(changed[i]), at: i });
      i++;
      continue;
    }
    let end = i;
    while (end < blocks.length && !keep[end]) end++;
    // A single shared block costs as much room as the line that would replace it.
    if (end - i === 1) rows.push({ kind: "block", block: blocks[i] as TextBlock, changed: false, at: i });
    else rows.push({ kind: "gap", count: end - i, at: i });
    i = end;
  }
  return rows;
}
