import { getSchema } from "@tiptap/core";
import { describe, expect, it } from "vitest";
import { renderDocument } from "../render";
import { documentExtensions } from "../render/schema";
import { extractPlainText, postPlainText } from "./index";

const t = (text: string, marks?: unknown[]) =>
  marks ? { type: "text", text, marks } : { type: "text", text };
const p = (...content: unknown[]) => ({ type: "paragraph", content });
const li = (...content: unknown[]) => ({ type: "listItem", content });

/** One document with every node and mark the editor can produce. */
const everything = {
  type: "doc",
  content: [
    { type: "heading", attrs: { level: 2 }, content: [t("Title "), t("bold", [{ type: "bold" }])] },
    p(
      t("Plain "),
      t("italic", [{ type: "italic" }]),
      t(" "),
      t("link", [{ type: "link", attrs: { href: "https://evil.test/<b>" } }]),
      t(" "),
      t("code()", [{ type: "code" }]),
      t(" "),
      t("under", [{ type: "underline" }]),
      t(" "),
      t("strike", [{ type: "strike" }]),
      { type: "hardBreak" },
      t("after break"),
    ),
    {
      type: "bulletList",
      content: [
        li(p(t("bullet one"))),
        li(p(t("bullet two")), { type: "orderedList", content: [li(p(t("nested")))] }),
      ],
    },
    { type: "orderedList", attrs: { start: 3 }, content: [li(p(t("third")))] },
    { type: "blockquote", content: [p(t("a quote")), p(t("second line"))] },
    { type: "codeBlock", attrs: { language: "ts" }, content: [t("const a = 1;\n  return a;")] },
    { type: "horizontalRule" },
    {
      type: "image",
      attrs: { src: "https://img.test/cat.png", alt: "A sleeping cat", caption: "Milo at noon" },
    },
    {
      type: "table",
      content: [
        {
          type: "tableRow",
          content: [
            { type: "tableHeader", content: [p(t("Header"))] },
            { type: "tableHeader", content: [p(t("Col"))] },
          ],
        },
        {
          type: "tableRow",
          content: [
            { type: "tableCell", content: [p(t("cell a"))] },
            { type: "tableCell", content: [p(t("cell b"))] },
          ],
        },
      ],
    },
    {
      type: "embed",
      attrs: {
        url: "https://video.test/v",
        title: "A video",
        description: "About cats",
        siteName: "Video",
        provider: "youtube",
        image: null,
      },
    },
  ],
};

describe("extractPlainText", () => {
  it("covers every node type of the editor schema", () => {
    const schema = getSchema(documentExtensions());
    const used = new Set<string>();
    const visit = (n: { type?: string; content?: unknown[] }) => {
      if (n.type) used.add(n.type);
      for (const c of n.content ?? []) visit(c as typeof n);
    };
    visit(everything);
    const types = Object.keys(schema.nodes).filter((n) => n !== "text" || used.has("text"));
    expect(types.filter((n) => !used.has(n))).toEqual([]);
    // …and the document is valid for the editor (the renderer refuses anything else).
    expect(() => renderDocument(everything)).not.toThrow();
  });

  it("keeps every word of every node, in order, with no markup", () => {
    const text = extractPlainText(everything);
    expect(text).toBe(
      [
        "Title bold",
        "Plain italic link code() under strike\nafter break",
        "bullet one",
        "bullet two",
        "nested",
        "third",
        "a quote\nsecond line",
        "const a = 1;\n  return a;",
        "A sleeping cat\nMilo at noon",
        "Header\nCol\ncell a\ncell b",
        "A video\nAbout cats",
      ].join("\n\n"),
    );
    expect(text).not.toMatch(/<[a-z/]|https?:|&[a-z]+;|\*\*|#/i);
  });

  it("is what the renderer stores as post.text", () => {
    expect(renderDocument(everything).text).toBe(extractPlainText(everything));
  });

  it("ignores malformed content instead of throwing", () => {
    expect(extractPlainText(null)).toBe("");
    expect(
      extractPlainText({
        type: "doc",
        content: [{ type: "paragraph", content: [{ type: "text", text: 5 }] }, "x", null],
      }),
    ).toBe("");
  });

  it("uses the stored text when present, the content otherwise", () => {
    expect(postPlainText({ text: "stored", content: everything })).toBe("stored");
    expect(postPlainText({ content: { type: "doc", content: [p(t("from content"))] } })).toBe("from content");
  });
});
