import type { EmbedAttrs } from "../render/schema";

/** Decodes the few entities that appear in titles and descriptions. */
function decode(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(Number.parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&");
}

function attrsOf(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([a-zA-Z:_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/g)) {
    if (m[1]) out[m[1].toLowerCase()] = decode(m[2] ?? m[3] ?? m[4] ?? "");
  }
  return out;
}

export function providerOf(url: URL): string {
  const host = url.hostname.replace(/^www\./, "").toLowerCase();
  if (host === "youtu.be" || host.endsWith("youtube.com")) return "youtube";
  if (host.endsWith("vimeo.com")) return "vimeo";
  if (host === "x.com" || host.endsWith("twitter.com")) return "twitter";
  if (host.endsWith("github.com")) return "github";
  if (host.endsWith("codepen.io")) return "codepen";
  return "link";
}

const clean = (s: string | undefined, max: number) => (s ?? "").replace(/\s+/g, " ").trim().slice(0, max);

/** Link-card fields from a page's Open Graph / Twitter / plain meta tags. */
export function linkCardFromHtml(html: string, pageUrl: URL): EmbedAttrs {
  const head = html.slice(0, 300_000);
  const meta: Record<string, string> = {};
  for (const m of head.matchAll(/<meta\b[^>]*>/gi)) {
    const a = attrsOf(m[0]);
    const key = (a.property ?? a.name ?? "").toLowerCase();
    if (key && a.content !== undefined && !(key in meta)) meta[key] = a.content;
  }
  const titleTag = /<title\b[^>]*>([\s\S]*?)<\/title>/i.exec(head)?.[1];
  const imageRaw = meta["og:image"] ?? meta["twitter:image"] ?? meta["twitter:image:src"];
  let image: string | null = null;
  if (imageRaw) {
    try {
      const abs = new URL(imageRaw, pageUrl);
      if (abs.protocol === "https:" || abs.protocol === "http:") image = abs.toString();
    } catch {
      image = null;
    }
  }
  return {
    url: pageUrl.toString(),
    title:
      clean(meta["og:title"] ?? meta["twitter:title"] ?? (titleTag ? decode(titleTag) : ""), 200) ||
      pageUrl.hostname,
    description: clean(meta["og:description"] ?? meta["twitter:description"] ?? meta.description, 300),
    siteName: clean(meta["og:site_name"], 80) || pageUrl.hostname.replace(/^www\./, ""),
    image,
    provider: providerOf(pageUrl),
  };
}
