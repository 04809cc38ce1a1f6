import { describe, expect, it } from "vitest";
import { AppError } from "../../errors";
import { renderDocument, renderDocumentFully } from "./render";

const text = (t: string, marks?: unknown[]) =>
  marks ? { type: "text", text: t, marks } : { type: "text", text: t };
const para = (...content: unknown[]) => ({ type: "paragraph", content });
const doc = (...content: unknown[]) => ({ type: "doc", content });
/** Rendered block by block (twice: the second from the block cache), checked against the one-pass render. */
const html = (...content: unknown[]) => {
  const d = doc(...content);
  const out = renderDocument(d);
  expect(out).toEqual(renderDocumentFully(d));
  expect(renderDocument(structuredClone(d))).toEqual(out);
  return out.html;
};

describe("renderDocument: every node and mark", () => {
  it("renders paragraphs with bold, italic, underline, strike, inline code and hard breaks", () => {
    expect(
      html(
        para(
          text("a", [{ type: "bold" }]),
          text("b", [{ type: "italic" }]),
          text("c", [{ type: "underline" }]),
          text("d", [{ type: "strike" }]),
          text("e", [{ type: "code" }]),
          { type: "hardBreak" },
          text("f"),
        ),
      ),
    ).toBe("<p><strong>a</strong><em>b</em><u>c</u><s>d</s><code>e</code><br />f</p>");
  });

  it("gives headings stable, unique id anchors from their text", () => {
    const out = html(
      { type: "heading", attrs: { level: 2 }, content: [text("Getting Started!")] },
      { type: "heading", attrs: { level: 3 }, content: [text("Getting started")] },
      { type: "heading", attrs: { level: 4 }, content: [text("Ça marche")] },
    );
    expect(out).toBe(
      '<h2 id="getting-started">Getting Started!</h2><h3 id="getting-started-2">Getting started</h3><h4 id="ca-marche">Ça marche</h4>',
    );
    // Same input, same anchors: links to a section survive a re-render.
    expect(html({ type: "heading", attrs: { level: 2 }, content: [text("Getting Started!")] })).toContain(
      'id="getting-started"',
    );
  });

  it("renders lists, blockquotes and rules", () => {
    const li = (t: string) => ({ type: "listItem", content: [para(text(t))] });
    expect(
      html(
        { type: "bulletList", content: [li("a")] },
        { type: "orderedList", attrs: { start: 3 }, content: [li("b")] },
        { type: "blockquote", content: [para(text("q"))] },
        { type: "horizontalRule" },
      ),
    ).toBe(
      '<ul><li><p>a</p></li></ul><ol start="3"><li><p>b</p></li></ol><blockquote><p>q</p></blockquote><hr />',
    );
  });

  it("highlights code blocks at render time with hljs classes, escaping the code", () => {
    const out = html({
      type: "codeBlock",
      attrs: { language: "ts" },
      content: [text('const s: string = "</code><script>x</script>";')],
    });
    expect(out).toMatch(/^<pre><code class="hljs language-typescript">/);
    expect(out).toContain('<span class="hljs-keyword">const</span>');
    expect(out).toContain("&lt;/code&gt;&lt;script&gt;");
    expect(out).not.toContain("<script>");
  });

  it("renders images as figures with lazy loading, size, caption and the media hook", () => {
    expect(
      html({
        type: "image",
        attrs: {
          src: "https://cdn.test/a.png",
          alt: "A cat",
          caption: "Our cat",
          width: 640,
          height: 480,
          mediaId: "m1",
        },
      }),
    ).toBe(
      '<figure class="post-image" data-media-id="m1"><img src="https://cdn.test/a.png" alt="A cat" width="640" height="480" loading="lazy" decoding="async" /><figcaption>Our cat</figcaption></figure>',
    );
    expect(html({ type: "image", attrs: { src: "/media/x.png" } })).toBe(
      '<figure class="post-image"><img src="/media/x.png" alt="" loading="lazy" decoding="async" /></figure>',
    );
  });

  it("renders tables", () => {
    const cell = (type: string, t: string) => ({ type, content: [para(text(t))] });
    const out = html({
      type: "table",
      content: [
        { type: "tableRow", content: [cell("tableHeader", "H")] },
        { type: "tableRow", content: [cell("tableCell", "C")] },
      ],
    });
    expect(out).toContain("<table>");
    expect(out).toContain("<th><p>H</p></th>");
    expect(out).toContain("<td><p>C</p></td>");
    expect(out).not.toContain("style=");
  });

  it("renders embeds as link cards opening in a new tab", () => {
    const out = html({
      type: "embed",
      attrs: {
        url: "https://www.youtube.com/watch?v=abc",
        title: "A talk",
        description: "About things",
        siteName: "YouTube",
        provider: "youtube",
        image: "https://i.ytimg.com/vi/abc/hq.jpg",
      },
    });
    expect(out).toBe(
      '<figure class="embed-card" data-embed data-provider="youtube"><a href="https://www.youtube.com/watch?v=abc" class="embed-link" target="_blank" rel="noopener noreferrer nofollow"><span class="embed-body"><span class="embed-title">A talk</span><span class="embed-description">About things</span><span class="embed-site">YouTube</span></span><img class="embed-image" src="https://i.ytimg.com/vi/abc/hq.jpg" alt="" loading="lazy" decoding="async" /></a></figure>',
    );
  });

  it("opens external links in a new tab with noopener noreferrer nofollow; keeps internal links as they are", () => {
    const link = (href: string) => text("l", [{ type: "link", attrs: { href } }]);
    expect(html(para(link("https://example.com/x")))).toBe(
      '<p><a href="https://example.com/x" target="_blank" rel="noopener noreferrer nofollow">l</a></p>',
    );
    expect(html(para(link("/about")))).toBe('<p><a href="/about">l</a></p>');
    expect(html(para(link("#intro")))).toBe('<p><a href="#intro">l</a></p>');
    expect(html(para(link("mailto:a@b.test")))).toBe('<p><a href="mailto:a@b.test">l</a></p>');
  });
});

describe("renderDocument: sanitizing", () => {
  it("escapes markup typed as text", () => {
    expect(html(para(text('<script>alert(1)</script><img src=x onerror="alert(2)">')))).toBe(
      '<p>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror="alert(2)"&gt;</p>',
    );
  });

  it("drops javascript:, data: and vbscript: URLs in links, images and embeds", () => {
    for (const bad of [
      "javascript:alert(1)",
      "JaVaScRiPt:alert(1)",
      " javascript:alert(1)",
      "data:text/html;base64,PHNjcmlwdD4=",
      "vbscript:x",
    ]) {
      const out = html(
        para(text("l", [{ type: "link", attrs: { href: bad } }])),
        { type: "image", attrs: { src: bad, alt: "x" } },
        { type: "embed", attrs: { url: bad, title: "t", image: bad } },
      );
      expect(out).not.toMatch(/javascript|data:|vbscript/i);
      expect(out).not.toContain("<img");
    }
  });

  it("keeps attribute values from breaking out of their quotes", () => {
    const out = html({
      type: "image",
      attrs: {
        src: 'https://x.test/a.png" onerror="alert(1)',
        alt: '"><script>alert(1)</script>',
        caption: "<b>c</b>",
      },
    });
    expect(out).not.toContain("<script");
    expect(out).not.toMatch(/\sonerror="/);
    expect(out).toContain("<figcaption>&lt;b&gt;c&lt;/b&gt;</figcaption>");
  });

  it("ignores attributes a client smuggles into nodes (class, style, event handlers)", () => {
    const out = html(
      {
        type: "paragraph",
        attrs: { onclick: "alert(1)", style: "color:red", class: "x" },
        content: [text("p")],
      },
      { type: "heading", attrs: { level: 2, id: "evil", onmouseover: "x" }, content: [text("H")] },
    );
    expect(out).toBe('<p>p</p><h2 id="h">H</h2>');
  });

  it("refuses documents that don't fit the schema with a 400", () => {
    for (const bad of [
      null,
      "doc",
      { type: "doc", content: [{ type: "script", content: [] }] },
      { type: "doc", content: [{ type: "text", text: "bare text at block level" }] },
      { type: "paragraph" },
    ]) {
      const error = (() => {
        try {
          renderDocument(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("BAD_REQUEST");
    }
  });
});

describe("renderDocument: text, words, reading time", () => {
  it("keeps every word, alt text, captions, cells and embed titles in the text", () => {
    const r = renderDocument(
      doc(
        para(text("Intro words here.")),
        { type: "image", attrs: { src: "https://x.test/a.png", alt: "A cat", caption: "Our cat" } },
        {
          type: "table",
          content: [{ type: "tableRow", content: [{ type: "tableCell", content: [para(text("cell"))] }] }],
        },
        { type: "embed", attrs: { url: "https://v.test", title: "A video" } },
        { type: "codeBlock", content: [text("let x")] },
      ),
    );
    expect(r.text).toBe("Intro words here.\n\nA cat\nOur cat\n\ncell\n\nA video\n\nlet x");
    expect(r.wordCount).toBe(12);
    expect(r.readingMinutes).toBe(1);
  });

  it("gives reading minutes at 230 words a minute, zero for an empty post", () => {
    const words = Array.from({ length: 1150 }, (_, i) => `w${i}`).join(" ");
    expect(renderDocument(doc(para(text(words))))).toMatchObject({ wordCount: 1150, readingMinutes: 5 });
    expect(renderDocument(doc({ type: "paragraph" }))).toMatchObject({
      html: "<p></p>",
      text: "",
      wordCount: 0,
      readingMinutes: 0,
    });
  });
});

describe("renderDocument: block by block", () => {
  const heading = (level: number, t: string) => ({ type: "heading", attrs: { level }, content: [text(t)] });
  const quote = (...content: unknown[]) => ({ type: "blockquote", content });

  it("gives what the one-pass render gives while blocks are edited, moved, repeated and removed", () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => para(text(`Paragraph ${i} about tides.`)));
    const versions = [
      doc(heading(2, "Part"), ...paragraphs, heading(2, "Part")),
      // One paragraph edited, as an autosave does.
      doc(
        heading(2, "Part"),
        ...paragraphs.slice(0, 5),
        para(text("Edited.")),
        ...paragraphs.slice(6),
        heading(2, "Part"),
      ),
      // A repeated heading moved first: every later anchor shifts, the blocks themselves don't change.
      doc(heading(2, "Part"), heading(2, "Part"), ...paragraphs, heading(2, "Part")),
      // A heading inside a quote counts in document order too.
      doc(quote(heading(3, "Part"), para(text("q"))), heading(2, "Part"), ...paragraphs),
      doc(heading(2, "Part"), quote(heading(3, "Part"), para(text("q"))), heading(2, "Part")),
      // The same block several times, with code, an image and an empty paragraph.
      doc(
        para(text("same")),
        para(text("same")),
        { type: "codeBlock", attrs: { language: "js" }, content: [text("const a = 1 < 2;")] },
        { type: "image", attrs: { src: "https://img.example/a.png", alt: "A", caption: "Cap" } },
        { type: "paragraph" },
        para(text("same")),
      ),
      doc({ type: "heading", attrs: { level: 2 } }),
      doc(para(text("last"))),
    ];
    for (const round of [1, 2]) {
      for (const version of versions) {
        const expected = renderDocumentFully(version);
        expect(renderDocument(structuredClone(version)), `round ${round}`).toEqual(expected);
      }
    }
  });

  it("refuses what the one-pass render refuses, cached blocks or not", () => {
    const good = para(text("fine"));
    renderDocument(doc(good));
    for (const bad of [
      doc(),
      doc(good, { type: "evil" }),
      doc(text("loose text")),
      { type: "doc", content: [good], attrs: { x: 1 } },
      { type: "paragraph", content: [text("not a doc")] },
      doc(good, para({ type: "text", text: "x", marks: [{ type: "bold" }, { type: "bold" }] })),
    ]) {
      const full = (() => {
        try {
          return renderDocumentFully(bad);
        } catch (error) {
          return error;
        }
      })();
      const blocks = (() => {
        try {
          return renderDocument(bad);
        } catch (error) {
          return error;
        }
      })();
      expect(blocks).toEqual(full);
    }
  });
});
