import { html, jsonForScript, type SafeHtml } from "@/components/reader/html/escape";
import type { AuthorView, PostView, SiteView } from "@/components/reader/html/types";

/** Open Graph and Twitter card tags of a blog page (home, lists). */
export function siteMeta(
  site: SiteView,
  opts: { path: string; title: string; description: string },
): SafeHtml {
  return html`<meta property="og:type" content="website">
<meta property="og:site_name" content="${site.name}">
<meta property="og:title" content="${opts.title}">
<meta property="og:description" content="${opts.description}">
<meta property="og:url" content="${site.origin + opts.path}">
<meta name="twitter:card" content="summary">
<meta name="twitter:title" content="${opts.title}">
<meta name="twitter:description" content="${opts.description}">`;
}

export function ogImageUrl(site: SiteView, post: Pick<PostView, "slug" | "version">): string {
  return `${site.origin}/og/${encodeURIComponent(post.slug)}?v=${post.version}`;
}

/**
 * A post's head: Open Graph article tags with the generated image, the Twitter large card and a
 * JSON-LD `BlogPosting` (serialized so no stored string can leave its script element).
 */
export function postMeta(site: SiteView, post: PostView, authors: AuthorView[]): SafeHtml {
  const url = `${site.origin}/${post.slug}`;
  const image = post.coverUrl && /^https?:\/\//.test(post.coverUrl) ? post.coverUrl : ogImageUrl(site, post);
  const description = post.excerpt || site.description || site.name;
  const ld = {
    "@context": "https://schema.org",
    "@type": post.type === "page" ? "WebPage" : "BlogPosting",
    headline: post.title,
    description,
    url,
    mainEntityOfPage: { "@type": "WebPage", "@id": url },
    image: [image],
    datePublished: post.publishedAt.toISOString(),
    dateModified: post.updatedAt.toISOString(),
    keywords: post.tags.join(", ") || undefined,
    wordCount: post.wordCount ?? undefined,
    author: authors.map((a) => ({
      "@type": "Person",
      name: a.name,
      url: a.username ? `${site.origin}/author/${encodeURIComponent(a.username)}` : undefined,
    })),
    publisher: {
      "@type": "Organization",
      name: site.name,
      url: site.origin,
      ...(site.logoUrl ? { logo: { "@type": "ImageObject", url: site.logoUrl } } : {}),
    },
  };
  return html`<meta property="og:type" content="article">
<meta property="og:site_name" content="${site.name}">
<meta property="og:title" content="${post.title}">
<meta property="og:description" content="${description}">
<meta property="og:url" content="${url}">
<meta property="og:image" content="${image}">
<meta property="og:image:width" content="1200">
<meta property="og:image:height" content="630">
<meta property="og:image:alt" content="${post.title}">
<meta property="article:published_time" content="${post.publishedAt.toISOString()}">
<meta property="article:modified_time" content="${post.updatedAt.toISOString()}">
${post.tags.map((t) => html`<meta property="article:tag" content="${t}">`)}
${authors.map((a) => html`<meta property="article:author" content="${a.name}">`)}
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:title" content="${post.title}">
<meta name="twitter:description" content="${description}">
<meta name="twitter:image" content="${image}">
<script type="application/ld+json">${jsonForScript(ld)}</script>`;
}
