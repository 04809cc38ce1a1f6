import slugify from "@sindresorhus/slugify";
import { plainTextBlocks, type TextBlock } from "./plain-text";

/** Post slugs: lower-case words joined by `-`, 1–100 characters. */
export const POST_SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$/;
export const POST_SLUG_MESSAGE = "Use lower-case letters, digits and dashes (not at the start or end).";

/** Paths the reader site serves itself; a post there would be unreachable. */
export const RESERVED_POST_SLUGS: ReadonlySet<string> = new Set([
  "tag",
  "tags",
  "author",
  "authors",
  "page",
  "search",
  "api",
  "feed",
  "rss",
  "preview",
  "signin",
]);

export const MAX_TAGS = 10;
export const MAX_TAG_LENGTH = 40;
export const EXCERPT_LENGTH = 220;

/** A slug from a title: "Hello, World!" → "hello-world"; never empty, never reserved. */
export function slugFromTitle(title: string): string {
  let slug = slugify(title, { decamelize: false }).slice(0, 80).replace(/-+$/, "");
  if (!slug) slug = "untitled";
  if (RESERVED_POST_SLUGS.has(slug)) slug = `${slug}-post`;
  return slug;
}

export function postSlugProblem(slug: string): string | null {
  if (!POST_SLUG_PATTERN.test(slug)) return POST_SLUG_MESSAGE;
  if (RESERVED_POST_SLUGS.has(slug)) return "That address is used by the blog itself.";
  return null;
}

/** Tags as stored: trimmed, `#` dropped, lower-cased, inner whitespace collapsed, unique, ≤ 10. */
export function normalizeTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw
      .replace(/^#+/, "")
      .replace(/\s+/g, " ")
      .trim()
      .toLowerCase()
      .slice(0, MAX_TAG_LENGTH)
      .trim();
    if (tag && !out.includes(tag)) out.push(tag);
  }
  return out.slice(0, MAX_TAGS);
}

/** The opening prose of a body (headings and code left out), cut at a word near EXCERPT_LENGTH. */
export function excerptOf(content: unknown): string {
  const isProse = (b: TextBlock) => b.kind === "paragraph" || b.kind === "quote" || b.kind === "list-item";
  const proseOf = (blocks: readonly TextBlock[]) =>
    blocks
      .filter(isProse)
      .map((b) => b.text)
      .join(" ");
  // Only the opening prose matters: once more than EXCERPT_LENGTH characters of it are known
  // (whitespace collapsed, as below), later blocks can't change the excerpt.
  let seen = 0;
  let known = 0;
  const enough = (blocks: readonly TextBlock[]) => {
    for (; seen < blocks.length; seen++) {
      const block = blocks[seen] as TextBlock;
      if (isProse(block)) known += block.text.length + 1;
    }
    return known > EXCERPT_LENGTH && proseOf(blocks).replace(/\s+/g, " ").trim().length > EXCERPT_LENGTH;
  };
  const prose = proseOf(plainTextBlocks(content, enough));
  const flat = prose.replace(/\s+/g, " ").trim();
  if (flat.length <= EXCERPT_LENGTH) return flat;
  const cut = flat.slice(0, EXCERPT_LENGTH);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), EXCERPT_LENGTH / 2)).trimEnd()}…`;
}
