import slugify from "@sindresorhus/slugify";
import { getSchema } from "@tiptap/core";
import { DOMSerializer, type Node as PMNode, type Schema } from "@tiptap/pm/model";
import { AppError } from "../../errors";
import { withResponsiveImage } from "../media/responsive";
import { plainText } from "../posts/plain-text";
import { highlightCode } from "./highlight";
import { sanitizePostHtml } from "./sanitize";
import { documentExtensions } from "./schema";
import { StringElement, StringFragment, StringRaw, stringDocument } from "./string-dom";

/** What the posts service stores with every saved version (see PostDoc). */
export interface RenderedPost {
  /** Sanitized HTML, served as is by the reader. */
  html: string;
  /** Every word of the post, image alt text and captions, table cells and embed titles included. */
  text: string;
  wordCount: number;
  readingMinutes: number;
}

/** Words per minute for the reading time (a common figure for screen reading of prose). */
const WORDS_PER_MINUTE = 230;

let cachedSchema: Schema | null = null;
function schema(): Schema {
  cachedSchema ??= getSchema(documentExtensions());
  return cachedSchema;
}

/** The empty document, for new posts. */
export const EMPTY_DOCUMENT = { type: "doc", content: [{ type: "paragraph" }] } as const;

/** Parses and checks untrusted Tiptap JSON against the schema; a bad document is a 400. */
export function parseDocument(content: unknown): PMNode {
  try {
    const doc = schema().nodeFromJSON(content as Record<string, unknown>);
    doc.check();
    if (doc.type.name !== "doc") throw new Error("not a doc");
    return doc;
  } catch (error) {
    throw new AppError(
      "BAD_REQUEST",
      "The post's content is not a valid document.",
      error instanceof Error ? error.message : String(error),
    );
  }
}

/**
 * Tiptap JSON → stored HTML, plain text, word count and reading time. Uses the editor's own
 * extensions (schema.ts) through ProseMirror's serializer, then the allow-list sanitizer.
 * Headings get stable `id` anchors from their text; code blocks are highlighted here, once.
 */
export function renderDocument(content: unknown): RenderedPost {
  const doc = parseDocument(content);
  const html = sanitizePostHtml(serialize(doc));
  const text = plainText(doc.toJSON());
  const wordCount = countWords(text);
  return {
    html,
    text,
    wordCount,
    readingMinutes: wordCount === 0 ? 0 : Math.max(1, Math.round(wordCount / WORDS_PER_MINUTE)),
  };
}

export function countWords(text: string): number {
  return text.match(/[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu)?.length ?? 0;
}

function serialize(doc: PMNode): string {
  const s = schema();
  const nodes = DOMSerializer.nodesFromSchema(s);
  const anchors = headingAnchors(doc);
  const headingToDOM = nodes.heading;
  if (headingToDOM) {
    nodes.heading = (node) => {
      const spec = headingToDOM(node) as [string, Record<string, string>, 0];
      const id = anchors.get(node);
      return id ? [spec[0], { ...spec[1], id }, 0] : spec;
    };
  }
  nodes.codeBlock = (node) => {
    const language = typeof node.attrs.language === "string" ? node.attrs.language : null;
    const { html, language: used } = highlightCode(node.textContent, language);
    const pre = new StringElement("pre");
    const code = new StringElement("code");
    code.setAttribute("class", used ? `hljs language-${used}` : "hljs");
    code.appendChild(new StringRaw(html));
    pre.appendChild(code);
    return pre as unknown as HTMLElement;
  };
  // Uploaded images (media issue): srcset/sizes over the resized variants, from the node alone.
  const imageToDOM = nodes.image;
  if (imageToDOM) {
    nodes.image = (node) =>
      withResponsiveImage(imageToDOM(node), node.attrs) as ReturnType<typeof imageToDOM>;
  }
  const serializer = new DOMSerializer(nodes, DOMSerializer.marksFromSchema(s));
  const target = new StringFragment();
  serializer.serializeFragment(
    doc.content,
    { document: stringDocument as unknown as Document },
    target as unknown as HTMLElement,
  );
  return target.toHTML();
}

/** `id`s from heading text: lower-case words joined by `-`, `-2`, `-3` … on repeats. */
function headingAnchors(doc: PMNode): Map<PMNode, string> {
  const out = new Map<PMNode, string>();
  const used = new Map<string, number>();
  doc.descendants((node) => {
    if (node.type.name !== "heading") return true;
    const base = slugify(node.textContent).slice(0, 80) || "section";
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    out.set(node, n === 1 ? base : `${base}-${n}`);
    return false;
  });
  return out;
}
