import type { Element, ElementContent, Root } from "hast";
import { lowlight } from "./schema";
import { escapeText } from "./string-dom";

/** Languages people type that highlight.js knows under another name. */
const ALIASES: Record<string, string> = {
  js: "javascript",
  ts: "typescript",
  sh: "bash",
  shell: "bash",
  py: "python",
  yml: "yaml",
  md: "markdown",
  html: "xml",
};

/**
 * Code as highlighted HTML (`<span class="hljs-…">`), computed once at save time so the reader
 * ships no highlighter. A named language that highlight.js knows is used as is; otherwise the
 * language is detected, and very short snippets stay plain.
 */
export function highlightCode(
  code: string,
  language: string | null,
): { html: string; language: string | null } {
  const named = language ? (ALIASES[language.toLowerCase()] ?? language.toLowerCase()) : null;
  try {
    if (named && lowlight.registered(named)) {
      return { html: hastToHtml(lowlight.highlight(named, code)), language: named };
    }
    if (code.trim().length >= 20) {
      const tree = lowlight.highlightAuto(code);
      const detected = (tree.data as { language?: string } | undefined)?.language ?? null;
      return { html: hastToHtml(tree), language: detected };
    }
  } catch {
    // A grammar that throws on odd input leaves the code plain rather than failing the save.
  }
  return { html: escapeText(code), language: named };
}

function hastToHtml(node: Root | ElementContent): string {
  if (node.type === "text") return escapeText(node.value);
  if (node.type === "root") return node.children.map((c) => hastToHtml(c as ElementContent)).join("");
  if (node.type === "element") {
    const el = node as Element;
    const cls = el.properties?.className;
    const classes = Array.isArray(cls)
      ? cls.map(String).filter((c) => /^hljs(-[\w-]+)?$|^[\w-]+_$/.test(c))
      : [];
    const inner = el.children.map(hastToHtml).join("");
    return classes.length ? `<span class="${classes.join(" ")}">${inner}</span>` : inner;
  }
  return "";
}
