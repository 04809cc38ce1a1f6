/**
 * HTML by tagged template: every interpolated value is escaped unless it is already `SafeHtml`
 * (the output of another template, or HTML the shared renderer sanitized at save time). Reader
 * pages are built from strings, not React, so a page costs well under a millisecond of CPU; this
 * one rule is what keeps stored titles, tags, names and settings from ever becoming markup.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};
const NEEDS_ESCAPE = /[&<>"'`]/g;

export function escapeHtml(value: string): string {
  return value.replace(NEEDS_ESCAPE, (c) => ESCAPES[c] ?? c);
}

/** Marks a string as already-safe HTML. Only for sanitized content and our own markup. */
export function raw(value: string): SafeHtml {
  return new SafeHtml(value);
}

function part(value: unknown): string {
  if (value === null || value === undefined || value === false || value === true) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(part).join("");
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += part(values[i]) + (strings[i + 1] ?? "");
  return new SafeHtml(out);
}

/**
 * JSON for a `<script type="application/ld+json">` block: `<`, `>`, `&` and the line separators
 * become `\u` escapes, so no stored string can close the script element or open a comment.
 */
export function jsonForScript(value: unknown): SafeHtml {
  return new SafeHtml(
    JSON.stringify(value)
      .replace(/</g, "\\u003c")
      .replace(/>/g, "\\u003e")
      .replace(/&/g, "\\u0026")
      .replace(/\u2028/g, "\\u2028")
      .replace(/\u2029/g, "\\u2029"),
  );
}

/** A URL for an `href`/`src`: only http(s), mailto, root-relative and fragment links; others become `#`. */
export function safeUrl(url: string | null | undefined): string {
  if (!url) return "#";
  const u = url.trim();
  if (/^(https?:\/\/|mailto:)/i.test(u)) return u;
  if (u.startsWith("/") && !u.startsWith("//") && !u.startsWith("/\\")) return u;
  if (u.startsWith("#")) return u;
  return "#";
}
