import slugify from "@sindresorhus/slugify";
import { getSchema } from "@tiptap/core";
import { DOMSerializer, Fragment, type Node as PMNode, type Schema } from "@tiptap/pm/model";
import { AppError } from "../../errors";
import { withResponsiveImage } from "../media/responsive";
import { plainText, plainTextBlocks } from "../posts/plain-text";
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
 *
 * An autosave sends the whole document with one paragraph changed, so the work is done per
 * top-level block and kept (keyed by the block's JSON): a block seen before is neither parsed,
 * checked, serialized, sanitized nor walked for text again. The result is the same as rendering
 * the whole document at once (`renderDocumentFully`), which anything unusual falls back to.
 */
export function renderDocument(content: unknown): RenderedPost {
  let fast: RenderedPost | null = null;
  try {
    fast = renderByBlocks(content);
  } catch {
    fast = null; // an invalid document: the full path gives the proper 400
  }
  return fast ?? renderDocumentFully(content);
}

/** The whole document in one pass, nothing reused. */
export function renderDocumentFully(content: unknown): RenderedPost {
  const doc = parseDocument(content);
  const html = sanitizePostHtml(serialize(doc));
  const text = plainText(doc.toJSON());
  const wordCount = countWords(text);
  return {
    html,
    text,
    wordCount,
    readingMinutes: readingMinutesOf(wordCount),
  };
}

function readingMinutesOf(wordCount: number): number {
  return wordCount === 0 ? 0 : Math.max(1, Math.round(wordCount / WORDS_PER_MINUTE));
}

/** What one top-level block renders to, apart from its heading anchors (they depend on the blocks before it). */
interface RenderedBlock {
  node: PMNode;
  /** The anchor base of each heading in the block, in document order. */
  headings: string[];
  /** Its plain-text blocks. */
  texts: string[];
  words: number;
  /** Sanitized HTML for the anchors it was last rendered with. */
  html: { anchors: string; html: string } | null;
}

const blockCache = new Map<string, RenderedBlock>();
let blockCacheChars = 0;
/** Keys (block JSON) kept at most, in characters: about two hundred 5,000-word posts. */
const BLOCK_CACHE_MAX_CHARS = 8 * 1024 * 1024;

function renderedBlock(json: unknown): RenderedBlock {
  const key = JSON.stringify(json);
  const cached = blockCache.get(key);
  if (cached) return cached;
  // Built from the key itself, so a block is a function of its JSON text alone (values JSON has
  // no form for — a Date, undefined — render as their JSON form, cached or not).
  const node = schema().nodeFromJSON(JSON.parse(key) as Record<string, unknown>);
  node.check();
  const headings: string[] = [];
  if (node.type.name === "heading") headings.push(anchorBase(node));
  else
    node.descendants((d) => {
      if (d.type.name !== "heading") return true;
      headings.push(anchorBase(d));
      return false;
    });
  const texts = plainTextBlocks({ type: "doc", content: [node.toJSON()] }).map((b) => b.text);
  const block: RenderedBlock = {
    node,
    headings,
    texts,
    words: texts.reduce((n, t) => n + countWords(t), 0),
    html: null,
  };
  if (blockCacheChars + key.length > BLOCK_CACHE_MAX_CHARS) {
    blockCache.clear();
    blockCacheChars = 0;
  }
  blockCache.set(key, block);
  blockCacheChars += key.length;
  return block;
}

/** Null when the document isn't a plain `{type: "doc", content: [...]}` (the full path decides). */
function renderByBlocks(content: unknown): RenderedPost | null {
  if (content === null || typeof content !== "object" || Array.isArray(content)) return null;
  const { type, content: children, ...rest } = content as { type?: unknown; content?: unknown };
  if (type !== "doc" || !Array.isArray(children) || Object.keys(rest).length > 0) return null;
  const s = schema();
  const blocks = children.map(renderedBlock);
  // The document's own content rule (what `doc.check()` adds to the blocks' checks).
  if (!s.topNodeType.validContent(Fragment.from(blocks.map((b) => b.node)))) return null;

  const used = new Map<string, number>();
  const html: string[] = [];
  const texts: string[] = [];
  let words = 0;
  for (const block of blocks) {
    const anchors = block.headings.map((base) => {
      const n = (used.get(base) ?? 0) + 1;
      used.set(base, n);
      return n === 1 ? base : `${base}-${n}`;
    });
    const anchorsKey = anchors.join("\n");
    if (block.html?.anchors !== anchorsKey) {
      block.html = { anchors: anchorsKey, html: sanitizePostHtml(serializeNodes([block.node], anchors)) };
    }
    html.push(block.html.html);
    texts.push(...block.texts);
    words += block.words;
  }
  return {
    html: html.join(""),
    text: texts.join("\n\n"),
    wordCount: words,
    readingMinutes: readingMinutesOf(words),
  };
}

export function countWords(text: string): number {
  return text.match(/[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu)?.length ?? 0;
}

function serialize(doc: PMNode): string {
  const blocks: PMNode[] = [];
  doc.forEach((node) => {
    blocks.push(node);
  });
  return serializeNodes(blocks, headingAnchors(doc));
}

/** Top-level blocks → HTML; `anchors` are the ids of their headings, in document order. */
function serializeNodes(blocks: PMNode[], anchors: readonly string[]): string {
  const s = schema();
  const nodes = DOMSerializer.nodesFromSchema(s);
  let nextAnchor = 0;
  const headingToDOM = nodes.heading;
  if (headingToDOM) {
    // The serializer meets headings in document order, the order their anchors were given in.
    nodes.heading = (node) => {
      const spec = headingToDOM(node) as [string, Record<string, string>, 0];
      const id = anchors[nextAnchor++];
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
    Fragment.from(blocks),
    { document: stringDocument as unknown as Document },
    target as unknown as HTMLElement,
  );
  return target.toHTML();
}

/** `id`s from heading text, in document order: lower-case words joined by `-`, `-2`, `-3` … on repeats. */
function headingAnchors(doc: PMNode): string[] {
  const out: string[] = [];
  const used = new Map<string, number>();
  doc.descendants((node) => {
    if (node.type.name !== "heading") return true;
    const base = anchorBase(node);
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    out.push(n === 1 ? base : `${base}-${n}`);
    return false;
  });
  return out;
}

function anchorBase(heading: PMNode): string {
  return slugify(heading.textContent).slice(0, 80) || "section";
}
