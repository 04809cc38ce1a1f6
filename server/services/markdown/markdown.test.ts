import { describe, expect, it } from "vitest";
import { parseDocument, renderDocument } from "../render";
import { contentHash, contentToMarkdown, markdownToContent } from "./markdown";

describe("markdownToContent", () => {
  it("turns Markdown into a document of the post schema that renders to the expected HTML", () => {
    const doc = markdownToContent(
      [
        "## Intro",
        "",
        "Some **bold**, *em*, `code`, ~~gone~~ and [a link](https://example.com).",
        "",
        "- one",
        "- two",
        "",
        "1. first",
        "",
        "> quoted",
        "",
        "```js",
        "const x = 1;",
        "```",
        "",
        "| a | b |",
        "|---|---|",
        "| 1 | 2 |",
      ].join("\n"),
    );
    expect(() => parseDocument(doc)).not.toThrow();
    const { html } = renderDocument(doc);
    expect(html).toContain('<h2 id="intro">Intro</h2>');
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<em>em</em>");
    expect(html).toContain("<code>code</code>");
    expect(html).toContain("<s>gone</s>");
    expect(html).toContain('href="https://example.com"');
    expect(html).toContain("<ul><li><p>one</p></li><li><p>two</p></li></ul>");
    expect(html).toContain("<ol><li><p>first</p></li></ol>");
    expect(html).toContain("<blockquote><p>quoted</p></blockquote>");
    expect(html).toContain('class="hljs language-javascript"');
    expect(html).toContain("<th><p>a</p></th>");
  });

  it("maps heading levels the blog lacks to the nearest one (2–4)", () => {
    const doc = markdownToContent("# One\n\n###### Six\n\n### Three");
    const levels = (doc.content ?? []).map((n) => n.attrs?.level);
    expect(levels).toEqual([2, 4, 3]);
  });

  it("moves an image written inside a line into its own figure, keeping the text around it", () => {
    const doc = markdownToContent("before ![a cat](https://example.com/cat.png) after");
    expect((doc.content ?? []).map((n) => n.type)).toEqual(["paragraph", "image", "paragraph"]);
    expect(renderDocument(doc).html).toContain('<img src="https://example.com/cat.png" alt="a cat"');
  });

  it("keeps task lists as plain lists instead of failing", () => {
    const doc = markdownToContent("- [ ] todo\n- [x] done");
    expect(renderDocument(doc).html).toBe("<ul><li><p>todo</p></li><li><p>done</p></li></ul>");
  });

  it("never lets raw HTML or script links through as markup", () => {
    const { html } = renderDocument(
      markdownToContent('<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror="y">'),
    );
    expect(html).not.toMatch(/<script|<img src="?x|href="javascript/i);
    expect(html).toContain("&lt;script&gt;");
  });

  it("always answers with a valid document, even for an empty body", () => {
    for (const source of ["", "   ", "\n\n\n", "[^1]: x", "<div>\n\n</div>"]) {
      expect(() => parseDocument(markdownToContent(source))).not.toThrow();
    }
  });

  it("has no undefined values, so the stored document hashes the same when read back", () => {
    const doc = markdownToContent("![x](https://e.com/x.png)\n\n```\ncode\n```");
    expect(JSON.stringify(doc)).toBe(JSON.stringify(JSON.parse(JSON.stringify(doc))));
    expect(contentHash(doc)).toBe(contentHash(JSON.parse(JSON.stringify(doc))));
    expect(contentHash(doc)).not.toBe(contentHash(markdownToContent("other")));
  });
});

describe("contentToMarkdown", () => {
  it("writes a studio document back as Markdown", () => {
    const content = {
      type: "doc",
      content: [
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Title" }] },
        {
          type: "paragraph",
          content: [
            { type: "text", text: "Hello " },
            { type: "text", text: "world", marks: [{ type: "bold" }] },
          ],
        },
        {
          type: "bulletList",
          content: [
            { type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "a" }] }] },
          ],
        },
        {
          type: "embed",
          attrs: {
            url: "https://example.com/v",
            title: "A video",
            description: "",
            siteName: "",
            provider: "link",
          },
        },
      ],
    };
    expect(contentToMarkdown(content)).toBe(
      "## Title\n\nHello **world**\n\n- a\n\n[A video](https://example.com/v)",
    );
  });

  it("round-trips Markdown it wrote", () => {
    const source = "## Title\n\nHello **world** and `code`.\n\n> quote\n\n1. one\n2. two";
    expect(contentToMarkdown(markdownToContent(source))).toBe(source);
  });
});
