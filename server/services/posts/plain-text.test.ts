import { describe, expect, it } from "vitest";
import { EXCERPT_LENGTH, excerptOf } from "./fields";
import { plainText, plainTextBlocks } from "./plain-text";

const text = (t: string) => ({ type: "text", text: t });
const para = (...parts: unknown[]) => ({ type: "paragraph", content: parts });
const doc = (...content: unknown[]) => ({ type: "doc", content });

describe("plainTextBlocks", () => {
  it("gives one paragraph per paragraph node, joining marked text runs", () => {
    const blocks = plainTextBlocks(
      doc(
        para(text("Hello "), { type: "text", text: "bold", marks: [{ type: "bold" }] }, text(" world")),
        para(text("Two")),
      ),
    );
    expect(blocks).toEqual([
      { kind: "paragraph", text: "Hello bold world" },
      { kind: "paragraph", text: "Two" },
    ]);
  });

  it("keeps heading levels, clamping odd ones and defaulting a missing level", () => {
    const blocks = plainTextBlocks(
      doc(
        { type: "heading", attrs: { level: 3 }, content: [text("Three")] },
        { type: "heading", attrs: { level: 9 }, content: [text("Nine")] },
        { type: "heading", content: [text("None")] },
      ),
    );
    expect(blocks).toEqual([
      { kind: "heading", level: 3, text: "Three" },
      { kind: "heading", level: 6, text: "Nine" },
      { kind: "heading", level: 2, text: "None" },
    ]);
  });

  it("turns a blockquote of several paragraphs into one quote with line breaks", () => {
    const blocks = plainTextBlocks(doc({ type: "blockquote", content: [para(text("a")), para(text("b"))] }));
    expect(blocks).toEqual([{ kind: "quote", text: "a\nb" }]);
  });

  it("gives one block per list item, ordered or not, nested items after their parent", () => {
    const item = (t: string, ...nested: unknown[]) => ({
      type: "listItem",
      content: [para(text(t)), ...nested],
    });
    const blocks = plainTextBlocks(
      doc(
        {
          type: "bulletList",
          content: [item("one", { type: "orderedList", content: [item("one.a")] }), item("two")],
        },
        { type: "orderedList", content: [item("first")] },
      ),
    );
    expect(blocks).toEqual([
      { kind: "list-item", ordered: false, text: "one" },
      { kind: "list-item", ordered: true, text: "one.a" },
      { kind: "list-item", ordered: false, text: "two" },
      { kind: "list-item", ordered: true, text: "first" },
    ]);
  });

  it("keeps a code block's whitespace and line breaks", () => {
    const blocks = plainTextBlocks(doc({ type: "codeBlock", content: [text("if (x) {\n  y();\n}")] }));
    expect(blocks).toEqual([{ kind: "code", text: "if (x) {\n  y();\n}" }]);
  });

  it("lets tables contribute their cells, images their alt and caption, embeds their title; skips rules and empty blocks", () => {
    const blocks = plainTextBlocks(
      doc(
        {
          type: "table",
          content: [{ type: "tableRow", content: [{ type: "tableCell", content: [para(text("cell"))] }] }],
        },
        { type: "horizontalRule" },
        { type: "image", attrs: { src: "x.png" } },
        { type: "image", attrs: { src: "y.png", alt: "A  cat", caption: "Our cat" } },
        { type: "embed", attrs: { url: "https://v.test/1", title: "A video", description: "About it" } },
        para(),
        para(text("line"), { type: "hardBreak" }, text("break")),
      ),
    );
    expect(blocks).toEqual([
      { kind: "paragraph", text: "cell" },
      { kind: "paragraph", text: "A cat\nOur cat" },
      { kind: "paragraph", text: "A video\nAbout it" },
      { kind: "paragraph", text: "line\nbreak" },
    ]);
  });

  it("survives malformed content without throwing", () => {
    for (const bad of [
      null,
      undefined,
      "doc",
      42,
      [],
      { content: "x" },
      { content: [null, 1, { type: "text" }] },
    ]) {
      expect(plainTextBlocks(bad)).toEqual([]);
    }
    expect(plainTextBlocks(doc(para({ type: "text", text: 5 }), para(text("ok"))))).toEqual([
      { kind: "paragraph", text: "ok" },
    ]);
  });

  it("keeps markup-looking text as text (escaping is the renderer's job)", () => {
    expect(plainText(doc(para(text("<script>alert(1)</script>"))))).toBe("<script>alert(1)</script>");
  });
});

describe("plainText", () => {
  it("separates blocks with blank lines", () => {
    expect(
      plainText(doc(para(text("a")), { type: "heading", attrs: { level: 2 }, content: [text("b")] })),
    ).toBe("a\n\nb");
  });
});

describe("excerptOf", () => {
  /** The excerpt as computed from every block (before excerptOf stopped at the opening ones). */
  function fullExcerpt(content: unknown): string {
    const flat = plainTextBlocks(content)
      .filter((b) => b.kind === "paragraph" || b.kind === "quote" || b.kind === "list-item")
      .map((b) => b.text)
      .join(" ")
      .replace(/\s+/g, " ")
      .trim();
    if (flat.length <= EXCERPT_LENGTH) return flat;
    const cut = flat.slice(0, EXCERPT_LENGTH);
    return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), EXCERPT_LENGTH / 2)).trimEnd()}…`;
  }
  const heading = (t: string) => ({ type: "heading", attrs: { level: 2 }, content: [text(t)] });
  const br = { type: "hardBreak" };
  const list = (...items: string[]) => ({
    type: "bulletList",
    content: items.map((i) => ({ type: "listItem", content: [para(text(i))] })),
  });

  it("reads only the opening blocks of a long post and gives the same excerpt as all of them", () => {
    const words = (n: number, seed: number) =>
      Array.from({ length: n }, (_, i) => ["tide", "moon", "shore", "a", "longerword"][(i + seed) % 5]).join(
        " ",
      );
    const cases = [
      doc(),
      doc(heading("Only a heading")),
      doc(para(text(words(10, 1)))),
      doc(heading("Intro"), para(text(words(200, 2))), para(text(words(200, 3)))),
      doc(
        para(text("short")),
        { type: "codeBlock", content: [text(words(300, 4))] },
        para(text(words(80, 5))),
      ),
      doc(...Array.from({ length: 60 }, (_, i) => para(text(`w${i}`)))),
      doc(para(text("a"), br, br, br, text("b")), list(words(30, 6), words(30, 7)), para(text(words(40, 8)))),
      doc(...Array.from({ length: 300 }, (_, i) => para(text(i % 2 ? "   " : "x"), br, br))),
      doc(para(text(`${"y".repeat(EXCERPT_LENGTH)} z`))),
      doc(para(text("y".repeat(EXCERPT_LENGTH - 1))), para(text("z"))),
      doc(para(text("y".repeat(EXCERPT_LENGTH))), para(text("z"))),
    ];
    for (const content of cases) expect(excerptOf(content)).toBe(fullExcerpt(content));
  });
});
