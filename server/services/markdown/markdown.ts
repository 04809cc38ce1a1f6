import { createHash } from "node:crypto";
import type { AnyExtension, JSONContent } from "@tiptap/core";
import { MarkdownManager } from "@tiptap/markdown";
import { parseDocument } from "../render";
import { documentExtensions, Embed, type EmbedAttrs } from "../render/schema";

/**
 * Markdown ⇄ the post's Tiptap document, with the editor's own schema (render/schema.ts) through
 * `@tiptap/markdown` (Tiptap's maintained Markdown parser and serializer, on `marked`).
 *
 * Markdown → document: what the schema cannot hold is mapped, never refused — `#` and `#####`
 * become the nearest heading level the blog has (2–4), an image written inside a line becomes
 * its own figure after that line, raw HTML stays visible as text (nothing from Markdown reaches
 * readers as markup except what the schema allows; the renderer sanitizes on top). If the result
 * still does not fit the schema, the body is kept as plain paragraphs.
 * Document → Markdown: used for posts written in the studio; link cards become a link line.
 */

const HEADING_MIN = 2;
const HEADING_MAX = 4;

/** The schema's extensions with Markdown parsing of every heading depth, and link cards as links. */
function markdownExtensions(): AnyExtension[] {
  return documentExtensions().map((extension) => {
    if (extension.name === "starterKit") {
      // Accept h1–h6 while parsing; levels are clamped to the blog's 2–4 afterwards.
      return extension.configure({ heading: { levels: [1, 2, 3, 4, 5, 6] } });
    }
    if (extension.name === Embed.name) {
      return Embed.extend({
        renderMarkdown(node: JSONContent) {
          const a = (node.attrs ?? {}) as Partial<EmbedAttrs>;
          const label = (a.title || a.url || "").replace(/[[\]]/g, "");
          return a.url ? `[${label}](${a.url})` : "";
        },
      });
    }
    return extension;
  });
}

let manager: MarkdownManager | null = null;
function markdown(): MarkdownManager {
  manager ??= new MarkdownManager({ extensions: markdownExtensions() });
  return manager;
}

/** Inline-only containers: a block image found inside one is moved out after it. */
const TEXT_BLOCKS = new Set(["paragraph", "heading"]);

/** Headings clamped to the blog's levels; images lifted out of lines; `undefined` attributes dropped. */
function normalize(node: JSONContent): JSONContent[] {
  const out: JSONContent = { ...node };
  if (node.type === "heading") {
    const level = Number(node.attrs?.level ?? HEADING_MIN);
    out.attrs = { ...node.attrs, level: Math.min(Math.max(level, HEADING_MIN), HEADING_MAX) };
  }
  if (!node.content) return [out];
  if (TEXT_BLOCKS.has(node.type ?? "")) {
    // Split the line around block images: "a ![x](y) b" → "a", figure, "b".
    const pieces: JSONContent[] = [];
    let run: JSONContent[] = [];
    const flush = () => {
      if (run.some((n) => n.type !== "text" || (n.text ?? "").trim())) pieces.push({ ...out, content: run });
      run = [];
    };
    for (const child of node.content) {
      if (child.type === "image") {
        flush();
        pieces.push({ type: "image", attrs: child.attrs });
      } else run.push(child);
    }
    flush();
    return pieces.length ? pieces : [{ ...out, content: [] }];
  }
  out.content = (BLOCK_CONTAINERS.has(node.type ?? "") ? wrapInline(node.content) : node.content).flatMap(
    normalize,
  );
  return [out];
}

const INLINE = new Set(["text", "hardBreak"]);
/** Nodes whose children are blocks (code blocks and text blocks hold text directly). */
const BLOCK_CONTAINERS = new Set(["doc", "blockquote", "listItem", "tableCell", "tableHeader"]);

/**
 * Loose inline nodes in a block container (a GFM task item parses as an empty paragraph plus
 * bare text) are gathered into paragraphs, joining an empty paragraph right before them.
 */
function wrapInline(children: JSONContent[]): JSONContent[] {
  if (!children.some((c) => INLINE.has(c.type ?? ""))) return children;
  const out: JSONContent[] = [];
  const open = new Set<JSONContent>();
  for (const child of children) {
    if (!INLINE.has(child.type ?? "")) {
      out.push(child);
      continue;
    }
    const last = out.at(-1);
    if (last?.type === "paragraph" && (open.has(last) || !last.content?.length)) {
      const joined = { ...last, content: [...(last.content ?? []), child] };
      out[out.length - 1] = joined;
      open.add(joined);
    } else {
      const paragraph = { type: "paragraph", content: [child] };
      out.push(paragraph);
      open.add(paragraph);
    }
  }
  return out;
}

/** A document of plain paragraphs: the fallback when a body does not fit the schema. */
function plainParagraphs(source: string): JSONContent {
  const paragraphs = source
    .replace(/\r\n?/g, "\n")
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean);
  return {
    type: "doc",
    content: paragraphs.length
      ? paragraphs.map((text) => ({ type: "paragraph", content: [{ type: "text", text }] }))
      : [{ type: "paragraph" }],
  };
}

/** JSON as Mongo will store and return it (no `undefined`), so content hashes compare equal. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Markdown → a valid post document (Tiptap JSON) for the studio, the renderer and the pipeline. */
export function markdownToContent(source: string): JSONContent {
  try {
    const parsed = markdown().parse(source.replace(/\r\n?/g, "\n"));
    const doc: JSONContent = plain({
      type: "doc",
      content: wrapInline(parsed.content ?? []).flatMap(normalize),
    });
    if (!doc.content?.length) doc.content = [{ type: "paragraph" }];
    parseDocument(doc); // throws when something still does not fit the schema
    return doc;
  } catch {
    return plainParagraphs(source);
  }
}

/** A post's document → Markdown (posts written in the studio, or edited there since). */
export function contentToMarkdown(content: unknown): string {
  try {
    return markdown()
      .serialize(content as JSONContent)
      .replace(/\n{3,}/g, "\n\n")
      .trim();
  } catch {
    return "";
  }
}

/**
 * A fingerprint of a document as stored. The Markdown an API client sent is returned verbatim only
 * while the post's content still has the fingerprint it was stored with — once the studio edits
 * the body, the Markdown is derived from the content again.
 */
export function contentHash(content: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify(content ?? null))
    .digest("base64url");
}
