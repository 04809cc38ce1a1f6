import { commentsSection } from "./comments";
import { html, raw, type SafeHtml, safeUrl } from "./escape";
import { icons } from "./icons";
import { readerCsp } from "./layout";
import { avatar, emptyState, postCard, postListItem, readerDate, tagHref, tagList, time } from "./parts";
import type { AuthorView, PostCard, PostView, SiteView } from "./types";

export { readerCsp };

/** Adds a visible `#` anchor link to every heading the renderer gave an id. */
export function withHeadingAnchors(stored: string): string {
  return stored.replace(
    /<h([2-4]) id="([^"<>]+)">/g,
    (_m, level: string, id: string) =>
      `<h${level} id="${id}"><a class="anchor" href="#${id}" aria-label="Link to this section">#</a>`,
  );
}

export function homeBody(input: {
  site: SiteView;
  featured: PostCard[];
  posts: PostCard[];
  newer: boolean;
  olderHref: string | null;
  tags: { tag: string; count: number }[];
}): SafeHtml {
  const { site, featured, posts } = input;
  const firstPage = !input.newer;
  const lede = site.description || `Notes, essays and updates from ${site.name}.`;
  const hero = firstPage
    ? html`<section class="hero"><div class="wrap">
<p class="eyebrow">${site.name}</p>
<h1 class="h">${site.description ? site.name : `Welcome to ${site.name}`}</h1>
<p class="lede">${lede}</p>
<div class="hero-links"><a class="btn" href="/rss.xml">${icons.rss} Subscribe</a><a class="btn btn-ghost" href="/archive">Browse the archive</a></div>
</div></section>`
    : "";
  const featuredSection =
    firstPage && featured.length
      ? html`<section class="section" aria-labelledby="featured-title"><div class="wrap">
<div class="section-title"><h2 class="eyebrow" id="featured-title">Featured</h2></div>
<div class="featured-grid">${featured.map(postCard)}</div>
</div></section>`
      : "";
  const list = posts.length
    ? html`<ol class="post-list">${posts.map(postListItem)}</ol>`
    : emptyState(
        "No posts yet",
        "The first story is being written. Check back soon — or subscribe so you don't miss it.",
      );
  const pager =
    input.newer || input.olderHref
      ? html`<nav class="pager" aria-label="More posts">${input.newer ? html`<a href="/">← Newest posts</a>` : html`<span></span>`}${
          input.olderHref ? html`<a href="${input.olderHref}">Older posts →</a>` : ""
        }</nav>`
      : "";
  return html`${hero}${featuredSection}
<section class="section" aria-labelledby="latest-title"><div class="wrap layout-2">
<div><div class="section-title"><h2 class="eyebrow" id="latest-title">${firstPage ? "Latest posts" : "Older posts"}</h2></div>${list}${pager}</div>
<aside>
<div class="aside-box"><h2 class="eyebrow">About</h2><p style="margin:0;line-height:1.55">${lede}</p>
<div class="feed-links"><a href="/rss.xml">RSS</a><a href="/atom.xml">Atom</a><a href="/feed.json">JSON Feed</a></div></div>
${
  input.tags.length
    ? html`<div class="aside-box"><h2 class="eyebrow">Topics</h2>${tagList(input.tags.slice(0, 16).map((t) => t.tag))}</div>`
    : ""
}
<div class="aside-box"><h2 class="eyebrow">Search</h2><form class="search-form" action="/search" method="get" role="search" style="margin:0"><label class="sr-only" for="aside-q">Search this blog</label><input id="aside-q" name="q" type="search" placeholder="Search this blog"></form></div>
</aside>
</div></section>`;
}

function byline(post: PostView, authors: AuthorView[]): SafeHtml {
  const first = authors[0];
  const updated = post.updatedAt.getTime() - post.publishedAt.getTime() > 86_400_000;
  return html`<div class="byline">${first ? avatar(first) : ""}<div>${
    authors.length
      ? html`<div>${authors.map(
          (a, i) =>
            html`${i ? ", " : ""}${a.username ? html`<a href="/author/${encodeURIComponent(a.username)}">${a.name}</a>` : a.name}`,
        )}</div>`
      : ""
  }<div class="meta">${time(post.publishedAt)}${
    updated ? html`<span class="sep"></span><span>Updated ${time(post.updatedAt)}</span>` : ""
  }${post.readingMinutes ? html`<span class="sep"></span><span>${post.readingMinutes} min read</span>` : ""}</div></div></div>`;
}

export function postBody(input: {
  site: SiteView;
  post: PostView;
  authors: AuthorView[];
  previous: PostCard | null;
  next: PostCard | null;
  more: PostCard[];
  comments: SafeHtml | null;
}): SafeHtml {
  const { post, authors } = input;
  const isPage = post.type === "page";
  const cover = post.coverUrl
    ? html`<figure class="post-cover wrap narrow"><img src="${safeUrl(post.coverUrl)}" alt="${post.coverAlt}" decoding="async"></figure>`
    : "";
  const eyebrow = isPage
    ? ""
    : post.tags[0]
      ? html`<a class="eyebrow" style="text-decoration:none" href="${tagHref(post.tags[0])}">${post.tags[0]}</a>`
      : html`<p class="eyebrow">${readerDate(post.publishedAt)}</p>`;
  const neighbours =
    input.previous || input.next
      ? html`<nav class="neighbours" aria-label="More posts">${
          input.previous
            ? html`<a class="neighbour prev" href="/${input.previous.slug}" rel="prev"><span class="eyebrow">← Previous</span><span class="h">${input.previous.title}</span></a>`
            : ""
        }${
          input.next
            ? html`<a class="neighbour next" href="/${input.next.slug}" rel="next"><span class="eyebrow">Next →</span><span class="h">${input.next.title}</span></a>`
            : ""
        }</nav>`
      : "";
  const foot = isPage
    ? ""
    : html`<footer class="post-foot wrap narrow">
${tagList(post.tags)}
<div class="actions ui">
<button type="button" class="btn btn-ghost like-btn" data-like aria-pressed="false">${icons.heart}<span data-like-label>Like</span><span data-like-count></span></button>
<a class="btn btn-ghost" href="#comments">${icons.comment}<span>Comment</span></a>
<span class="muted meta" data-views></span>
<div class="share"><a href="/rss.xml">${icons.rss}<span class="sr-only">RSS</span></a></div>
</div>
${neighbours}
</footer>`;
  // Related posts across the network (pipeline issue): computed once by the result consumer.
  const related = post.related?.length
    ? html`<section class="more related" aria-labelledby="related-title"><div class="wrap narrow"><h2 class="eyebrow" id="related-title">Related posts</h2><ul class="related-list">${post.related.map((r) => html`<li><a href="${safeUrl(r.url)}">${r.title}</a> <span class="muted ui">${r.blog}</span></li>`)}</ul></div></section>`
    : "";
  const more = input.more.length
    ? html`<section class="more" aria-labelledby="more-title"><div class="wrap"><div class="section-title"><h2 class="eyebrow" id="more-title">More from ${input.site.name}</h2><a class="eyebrow" href="/archive">All posts →</a></div><div class="featured-grid">${input.more.map(postCard)}</div></div></section>`
    : "";
  return html`<article class="post" data-post-id="${post.id}">
<header class="post-head wrap narrow">
${eyebrow}
<h1 class="h">${post.title}</h1>
${post.customExcerpt && post.excerpt ? html`<p class="dek">${post.excerpt}</p>` : ""}
${isPage ? "" : byline(post, authors)}
</header>
${cover}
<div class="prose wrap narrow">${raw(withHeadingAnchors(post.html))}</div>
${foot}
${input.comments ?? ""}
</article>
${related}${more}`;
}

export function listBody(input: {
  eyebrow: string;
  title: string;
  lede?: SafeHtml | string;
  head?: SafeHtml;
  posts: PostCard[];
  empty: SafeHtml;
  olderHref?: string | null;
  newerHref?: string | null;
}): SafeHtml {
  const pager =
    input.olderHref || input.newerHref
      ? html`<nav class="pager" aria-label="More posts">${input.newerHref ? html`<a href="${input.newerHref}">← Newer</a>` : html`<span></span>`}${
          input.olderHref ? html`<a href="${input.olderHref}">Older →</a>` : ""
        }</nav>`
      : "";
  return html`<div class="wrap narrow"><header class="page-head">
${input.head ?? ""}
<p class="eyebrow">${input.eyebrow}</p>
<h1 class="h">${input.title}</h1>
${input.lede ? html`<p>${input.lede}</p>` : ""}
</header>
${input.posts.length ? html`<ol class="post-list">${input.posts.map(postListItem)}</ol>` : input.empty}
${pager}
</div>`;
}

export function authorHead(author: AuthorView): SafeHtml {
  return html`<div class="author-head">${avatar(author, "lg")}</div>`;
}

export function archiveBody(posts: PostCard[]): SafeHtml {
  const byYear = new Map<number, PostCard[]>();
  for (const p of posts) {
    const y = p.publishedAt.getUTCFullYear();
    byYear.set(y, [...(byYear.get(y) ?? []), p]);
  }
  const month = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", timeZone: "UTC" });
  return html`<div class="wrap narrow"><header class="page-head"><p class="eyebrow">Archive</p><h1 class="h">Every post</h1><p>${posts.length} ${
    posts.length === 1 ? "post" : "posts"
  }, newest first.</p></header>
${
  posts.length
    ? [...byYear.entries()].map(
        ([year, list]) =>
          html`<h2 class="h archive-year">${year}</h2><ul class="archive-list">${list.map(
            (p) =>
              html`<li>${time(p.publishedAt, month.format(p.publishedAt))}<a href="/${p.slug}">${p.title}</a></li>`,
          )}</ul>`,
      )
    : emptyState("Nothing here yet", "Published posts will be listed here by year.")
}
</div>`;
}

export function searchBody(query: string, results: PostCard[] | null): SafeHtml {
  return html`<div class="wrap narrow"><header class="page-head"><p class="eyebrow">Search</p><h1 class="h">${
    query ? html`Results for “${query}”` : "Search this blog"
  }</h1>
<form class="search-form" action="/search" method="get" role="search"><label class="sr-only" for="q">Search titles and tags</label><input id="q" name="q" type="search" value="${query}" placeholder="Words or an idea" autofocus><button class="btn" type="submit">Search</button></form>
</header>
${
  results === null
    ? html`<p class="muted ui">Search finds posts by their words and by their meaning.</p>`
    : results.length
      ? html`<p class="muted ui">${results.length} ${results.length === 1 ? "post" : "posts"} found.</p><ol class="post-list">${results.map(postListItem)}</ol>`
      : emptyState(
          "No matches",
          "Try a shorter word, or browse the archive.",
          html`<a class="btn btn-ghost" href="/archive">Open the archive</a>`,
        )
}
</div>`;
}

export function notFoundBody(): SafeHtml {
  return html`<div class="wrap narrow error-page"><p class="code">404</p><h1 class="h">Page not found</h1><p>This page doesn't exist — it may have moved or never been published.</p><a class="btn" href="/">Back to the blog</a></div>`;
}

export function errorBody(): SafeHtml {
  return html`<div class="wrap narrow error-page"><p class="code">500</p><h1 class="h">Something went wrong</h1><p>We couldn't load this page. Please try again in a moment.</p><a class="btn" href="/">Back to the blog</a></div>`;
}

export { commentsSection };
