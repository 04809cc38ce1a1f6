import { describe, expect, it } from "vitest";
import type { TextBlock } from "@/server/services/posts/plain-text";
import { foldUnchanged } from "./fold-unchanged";

const p = (text: string): TextBlock => ({ kind: "paragraph", text });

describe("foldUnchanged (conflict view)", () => {
  it("shows what only this version has with one block of context and folds long shared runs", () => {
    const shared = ["a", "b", "c", "d", "e", "f"];
    const mine = [...shared, "mine only", "g", "h", "i"].map(p);
    const theirs = new Set([...shared, "g", "h", "i"]);
    const rows = foldUnchanged(mine, theirs);
    expect(
      rows.map((r) => (r.kind === "gap" ? `…${r.count}` : `${r.block.text}${r.changed ? "*" : ""}`)),
    ).toEqual(["…5", "f", "mine only*", "g", "…2"]);
  });

  it("keeps a single shared block rather than a line saying so, and folds everything when nothing differs", () => {
    // "b" is no neighbour of a change, but alone: it stays rather than a line saying "1 paragraph".
    const rows = foldUnchanged(["new", "a", "b", "c", "new 2"].map(p), new Set(["a", "b", "c"]));
    expect(rows.map((r) => (r.kind === "gap" ? `…${r.count}` : r.block.text))).toEqual([
      "new",
      "a",
      "b",
      "c",
      "new 2",
    ]);
    expect(foldUnchanged(["x", "y", "z"].map(p), new Set(["x", "y", "z"]))).toEqual([
      { kind: "gap", count: 3, at: 0 },
    ]);
  });
});
