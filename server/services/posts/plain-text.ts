/**
 * Plain-text blocks from Tiptap (ProseMirror) JSON: every word of a post (image alt text and
 * captions, table cells, embed titles included) for `PostDoc.text`, excerpts, word counts and
 * the ingestion pipeline. Stored content is untrusted JSON, so
 * every node is checked for shape instead of trusting a type.
 */

export type TextBlock =
  | { kind: "paragraph"; text: string }
  | { kind: "heading"; level: number; text: string }
  | { kind: "quote"; text: string }
  | { kind: "list-item"; ordered: boolean; text: string }
  | { kind: "code"; text: string };

interface Node {
  type?: unknown;
  text?: unknown;
  attrs?: unknown;
  content?: unknown;
}

function asNode(value: unknown): Node | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Node) : null;
}

function children(node: Node): Node[] {
  return Array.isArray(node.content) ? node.content.map(asNode).filter((n): n is Node => n !== null) : [];
}

/** The text inside a node, hard breaks as line breaks, whitespace runs collapsed unless `keepSpace`. */
function textOf(node: Node, keepSpace = false): string {
  const raw = collect(node);
  return keepSpace
    ? raw.replace(/^\n+|\n+$/g, "")
    : raw
        .replace(/[ \t\r\f\v]+/g, " ")
        .replace(/ ?\n ?/g, "\n")
        .trim();
}

function collect(node: Node): string {
  if (node.type === "text") return typeof node.text === "string" ? node.text : "";
  if (node.type === "hardBreak") return "\n";
  const parts = children(node).map(collect);
  // Block children (e.g. paragraphs inside a quote) are separate lines, inline ones run together.
  return children(node).some(isBlock) ? parts.filter(Boolean).join("\n") : parts.join("");
}

function isBlock(node: Node): boolean {
  return node.type !== "text" && node.type !== "hardBreak" && Array.isArray(node.content);
}

function headingLevel(node: Node): number {
  const attrs = asNode(node.attrs) as { level?: unknown } | null;
  const level = attrs?.level;
  return typeof level === "number" && Number.isInteger(level) ? Math.min(Math.max(level, 1), 6) : 2;
}

function walk(node: Node, out: TextBlock[], ordered = false): void {
  switch (node.type) {
    case "paragraph":
      push(out, { kind: "paragraph", text: textOf(node) });
      return;
    case "heading":
      push(out, { kind: "heading", level: headingLevel(node), text: textOf(node) });
      return;
    case "blockquote":
      push(out, { kind: "quote", text: textOf(node) });
      return;
    case "codeBlock":
      push(out, { kind: "code", text: textOf(node, true) });
      return;
    case "bulletList":
    case "orderedList":
    case "taskList":
      for (const item of children(node)) walk(item, out, node.type === "orderedList");
      return;
    case "listItem":
    case "taskItem": {
      // A nested list becomes its own items after the item's own text.
      const own = children(node).filter((c) => !isList(c));
      push(out, {
        kind: "list-item",
        ordered,
        text: own
          .map((c) => textOf(c))
          .filter(Boolean)
          .join("\n"),
      });
      for (const nested of children(node).filter(isList)) walk(nested, out);
      return;
    }
    case "horizontalRule":
      return;
    case "image":
      // Alt text and caption are words of the post too (search, ingestion, word count).
      push(out, { kind: "paragraph", text: attrText(node, ["alt", "caption"]) });
      return;
    case "embed":
      push(out, { kind: "paragraph", text: attrText(node, ["title", "description"]) });
      return;
    default:
      // Unknown nodes (tables, embeds, future extensions) still contribute their words.
      push(out, { kind: "paragraph", text: textOf(node) });
  }
}

/** The distinct non-empty string attributes `names` of a node, one per line. */
function attrText(node: Node, names: string[]): string {
  const attrs = asNode(node.attrs) as Record<string, unknown> | null;
  const values = names
    .map((n) => attrs?.[n])
    .filter((v): v is string => typeof v === "string")
    .map((v) => v.replace(/\s+/g, " ").trim())
    .filter(Boolean);
  return [...new Set(values)].join("\n");
}

function isList(node: Node): boolean {
  return node.type === "bulletList" || node.type === "orderedList" || node.type === "taskList";
}

function push(out: TextBlock[], block: TextBlock): void {
  if (block.text) out.push(block);
}

/**
 * One block per top-level block node of `doc.content`; empty blocks are dropped. `enough`, when
 * given, is asked after each top-level node and ends the walk early (an excerpt needs the opening
 * blocks of a long post, not all of them).
 */
export function plainTextBlocks(
  doc: unknown,
  enough?: (blocks: readonly TextBlock[]) => boolean,
): TextBlock[] {
  const root = asNode(doc);
  if (!root || !Array.isArray(root.content)) return [];
  const out: TextBlock[] = [];
  for (const value of root.content) {
    const node = asNode(value);
    if (!node) continue;
    walk(node, out);
    if (enough?.(out)) break;
  }
  return out;
}

/** The whole post as plain text, blocks separated by blank lines. */
export function plainText(doc: unknown): string {
  return plainTextBlocks(doc)
    .map((b) => b.text)
    .join("\n\n");
}
