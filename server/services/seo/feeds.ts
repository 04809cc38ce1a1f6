import { Feed } from "feed";
import { escapeHtml } from "@/components/reader/html/escape";
import type { AuthorView, PostCard, PostView, SiteView } from "@/components/reader/html/types";

export type FeedFormat = "rss" | "atom" | "json";

export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: "application/rss+xml; charset=utf-8",
  atom: "application/atom+xml; charset=utf-8",
  json: "application/feed+json; charset=utf-8",
};

const FEED_FILES: Record<FeedFormat, string> = { rss: "rss.xml", atom: "atom.xml", json: "feed.json" };

/** Makes root-relative `src`/`href` in stored HTML absolute, as feed readers need. */
function absolutize(content: string, origin: string): string {
  return content.replace(/(\s(?:src|href)=")\/(?!\/)/g, `$1${origin}/`);
}

/**
 * A blog's feed (or one tag's) in RSS 2.0, Atom 1.0 or JSON Feed 1.1, with each post's full
 * stored HTML. Built by the `feed` library, which escapes text and wraps content correctly.
 */
export function buildFeed(input: {
  site: SiteView;
  posts: PostView[];
  authors: Map<string, AuthorView>;
  format: FeedFormat;
  tag?: string;
}): string {
  const { site, posts, tag } = input;
  const base = tag ? `${site.origin}/tag/${encodeURIComponent(tag)}` : site.origin;
  const feed = new Feed({
    title: tag ? `${site.name} — #${tag}` : site.name,
    description: site.description || `The latest posts from ${site.name}`,
    id: `${base}/`,
    link: `${base}${tag ? "" : "/"}`,
    language: "en",
    updated: posts[0]?.updatedAt ?? new Date(0),
    generator: "Conduit",
    copyright: `© ${site.name}`,
    ...(site.logoUrl ? { image: site.logoUrl } : {}),
    feedLinks: {
      rss: `${base}/${FEED_FILES.rss}`,
      atom: `${base}/${FEED_FILES.atom}`,
      json: `${base}/${FEED_FILES.json}`,
    },
  });
  for (const post of posts) {
    const url = `${site.origin}/${post.slug}`;
    const authors = post.authorIds.flatMap((id) => {
      const a = input.authors.get(id);
      return a
        ? [{ name: a.name, link: a.username ? `${site.origin}/author/${a.username}` : undefined }]
        : [];
    });
    feed.addItem({
      title: post.title,
      id: url,
      guid: url,
      link: url,
      date: post.updatedAt,
      published: post.publishedAt,
      description: post.excerpt || undefined,
      content: absolutize(post.html, site.origin),
      category: post.tags.map((t) => ({ name: t, term: t })),
      author: authors.length ? authors : undefined,
      ...(post.coverUrl && /^https?:/.test(post.coverUrl) ? { image: post.coverUrl } : {}),
    });
  }
  return input.format === "rss" ? feed.rss2() : input.format === "atom" ? feed.atom1() : feed.json1();
}

/** `/sitemap.xml`: home, archive, every published post and page, every tag page. */
export function buildSitemap(site: SiteView, posts: PostCard[], pages: PostCard[], tags: string[]): string {
  const url = (loc: string, lastmod?: Date) =>
    `<url><loc>${escapeHtml(loc)}</loc>${lastmod ? `<lastmod>${lastmod.toISOString()}</lastmod>` : ""}</url>`;
  const newest = posts[0]?.updatedAt;
  const lines = [
    url(`${site.origin}/`, newest),
    url(`${site.origin}/archive`, newest),
    ...[...posts, ...pages].map((p) => url(`${site.origin}/${encodeURIComponent(p.slug)}`, p.updatedAt)),
    ...tags.map((t) => url(`${site.origin}/tag/${encodeURIComponent(t)}`)),
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${lines.join("\n")}\n</urlset>\n`;
}

export function buildRobots(site: SiteView): string {
  return `User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /search\n\nSitemap: ${site.origin}/sitemap.xml\n`;
}
