import { ObjectId } from "mongodb";
import { commentCount, commentList, commentsSection } from "@/components/reader/html/comments";
import { html, type SafeHtml } from "@/components/reader/html/escape";
import { document, readerCsp, signInHref } from "@/components/reader/html/layout";
import {
  archiveBody,
  authorHead,
  errorBody,
  homeBody,
  listBody,
  notFoundBody,
  postBody,
  searchBody,
} from "@/components/reader/html/pages";
import { emptyState } from "@/components/reader/html/parts";
import type { AuthorView, PostCard, ReaderAssets } from "@/components/reader/html/types";
import type { Logger } from "@/server/log";
import type { SearchService } from "@/server/services/search/search-service";
import {
  buildFeed,
  buildRobots,
  buildSitemap,
  FEED_CONTENT_TYPES,
  type FeedFormat,
} from "@/server/services/seo/feeds";
import { postMeta, siteMeta } from "@/server/services/seo/meta";
import type { Site, SiteData } from "./site-data";

export interface ReaderResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Same bytes for every reader and a published state: the front server may cache it. */
  cacheable: boolean;
}

export interface ReaderAppDeps {
  data: SiteData;
  assets: ReaderAssets;
  log: Pick<Logger, "error">;
  /** The network's search (pipeline issue): the blog's search box searches words and meaning. */
  search?: Pick<SearchService, "search"> | null;
}

const HOME_PAGE_SIZE = 10;
const LIST_PAGE_SIZE = 20;
const FEED_SIZE = 20;
const FEED_FILES: Record<string, FeedFormat> = { "rss.xml": "rss", "atom.xml": "atom", "feed.json": "json" };

function encodeCursor(post: PostCard): string {
  return Buffer.from(`${post.publishedAt.getTime()}.${post.id}`).toString("base64url");
}

/** The posts after a keyset cursor, or null for a cursor that is not ours (→ 404, not 500). */
function pageAfter(posts: PostCard[], cursor: string | null, size: number) {
  let start = 0;
  if (cursor) {
    const m = /^(\d{1,15})\.([0-9a-f]{24})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!m?.[1] || !m[2]) return null;
    const at = Number(m[1]);
    const id = m[2];
    start = posts.findIndex((p) => {
      const t = p.publishedAt.getTime();
      return t < at || (t === at && p.id < id);
    });
    if (start < 0) start = posts.length;
  }
  const items = posts.slice(start, start + size);
  const last = items.at(-1);
  return { items, next: start + size < posts.length && last ? encodeCursor(last) : null };
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * The reader site of one blog, rendered from strings: routing, data (two round trips at most for
 * a post page, none for lists once the blog's index is in memory) and templates. Every response
 * is the same for every reader, so the front server can cache it; per-reader state comes from the
 * client script's JSON calls.
 */
export class ReaderApp {
  constructor(private readonly deps: ReaderAppDeps) {}

  private htmlResponse(
    site: Site,
    status: number,
    page: Parameters<typeof document>[0],
    cacheable = true,
  ): ReaderResponse {
    return {
      status,
      headers: {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": readerCsp(site.view.rootOrigin),
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
        "cache-control": "public, max-age=0, must-revalidate",
      },
      body: page.body ? document(page) : "",
      cacheable: cacheable && status === 200,
    };
  }

  private text(status: number, contentType: string, body: string): ReaderResponse {
    return {
      status,
      headers: {
        "content-type": contentType,
        "x-content-type-options": "nosniff",
        "cache-control": "public, max-age=0, must-revalidate",
      },
      body,
      cacheable: status === 200,
    };
  }

  private redirect(location: string): ReaderResponse {
    return {
      status: 301,
      headers: {
        location,
        "cache-control": "public, max-age=300",
        "content-type": "text/plain; charset=utf-8",
      },
      body: `Moved to ${location}`,
      cacheable: true,
    };
  }

  notFound(site: Site): ReaderResponse {
    return this.htmlResponse(site, 404, {
      site: site.view,
      assets: this.deps.assets,
      title: "Page not found",
      description: "This page doesn't exist.",
      path: "/",
      body: notFoundBody(),
    });
  }

  /** Renders `pathname` of the blog `slug`; null when the blog does not exist (platform 404). */
  async handle(slug: string, pathname: string, query: URLSearchParams): Promise<ReaderResponse | null> {
    const site = await this.deps.data.site(slug);
    if (!site) return null;
    try {
      return await this.route(site, pathname, query);
    } catch (error) {
      this.deps.log.error(
        { err: error instanceof Error ? error.stack : String(error), slug, pathname },
        "reader page failed",
      );
      return this.htmlResponse(
        site,
        500,
        {
          site: site.view,
          assets: this.deps.assets,
          title: "Something went wrong",
          description: "",
          path: "/",
          body: errorBody(),
        },
        false,
      );
    }
  }

  private async route(site: Site, pathname: string, query: URLSearchParams): Promise<ReaderResponse> {
    const segments = pathname.split("/").filter(Boolean).map(decodeSegment);
    if (segments.some((s) => s === null)) return this.notFound(site);
    const parts = segments as string[];
    if (pathname.length > 1 && pathname.endsWith("/")) {
      return this.redirect(`/${parts.map(encodeURIComponent).join("/")}`);
    }
    const [first, second, third] = parts;
    if (!first) return this.home(site, query.get("after"));
    if (parts.length === 1) {
      if (first in FEED_FILES) return this.feed(site, FEED_FILES[first] as FeedFormat);
      if (first === "sitemap.xml") return this.sitemap(site);
      if (first === "robots.txt") return this.text(200, "text/plain; charset=utf-8", buildRobots(site.view));
      if (first === "archive") return this.archive(site);
      if (first === "search") return this.search(site, query.get("q") ?? "");
      return this.post(site, first);
    }
    if (first === "tag" && second) {
      if (parts.length === 2) return this.tag(site, second, query.get("after"));
      if (parts.length === 3 && third && third in FEED_FILES) {
        return this.feed(site, FEED_FILES[third] as FeedFormat, second);
      }
    }
    if (first === "author" && second && parts.length === 2) return this.author(site, second);
    return this.notFound(site);
  }

  private async home(site: Site, cursor: string | null): Promise<ReaderResponse> {
    const index = await this.deps.data.index(site);
    const page = pageAfter(index.posts, cursor, HOME_PAGE_SIZE);
    if (!page) return this.notFound(site);
    const description = site.view.description || `Notes, essays and updates from ${site.view.name}.`;
    return this.htmlResponse(site, 200, {
      site: site.view,
      assets: this.deps.assets,
      title: null,
      description,
      path: "/",
      current: "home",
      head: siteMeta(site.view, { path: "/", title: site.view.name, description }),
      body: homeBody({
        site: site.view,
        featured: index.posts.filter((p) => p.featured).slice(0, 3),
        posts: page.items,
        newer: !!cursor,
        olderHref: page.next ? `/?after=${page.next}` : null,
        tags: index.tags,
      }),
    });
  }

  private async post(site: Site, slug: string): Promise<ReaderResponse> {
    const found = await this.deps.data.post(site, slug);
    if (!found) return this.notFound(site);
    const { post } = found;
    if (found.redirect) return this.redirect(`/${encodeURIComponent(post.slug)}`);
    const isPage = post.type === "page";
    const [index, threads] = await Promise.all([
      this.deps.data.index(site),
      isPage || !found.mayHaveComments
        ? Promise.resolve([])
        : this.deps.data.comments(site, toObjectId(post.id)),
    ]);
    const commenterIds = threads.flatMap((c) => [c.authorId, ...c.replies.map((r) => r.authorId)]);
    const people = await this.deps.data.authorsById([
      ...post.authorIds,
      ...(commenterIds.filter(Boolean) as string[]),
    ]);
    const authors = post.authorIds.flatMap((id) => {
      const a = people.get(id);
      return a ? [a] : [];
    });
    const at = index.posts.findIndex((p) => p.id === post.id);
    const previous = at >= 0 ? (index.posts[at + 1] ?? null) : null;
    const next = at > 0 ? (index.posts[at - 1] ?? null) : null;
    const more = isPage
      ? []
      : index.posts.filter((p) => p.id !== post.id && p.id !== previous?.id && p.id !== next?.id).slice(0, 3);
    const path = `/${post.slug}`;
    return this.htmlResponse(site, 200, {
      site: site.view,
      assets: this.deps.assets,
      title: post.title,
      description: post.excerpt || site.view.description || site.view.name,
      path,
      head: postMeta(site.view, post, authors),
      postId: isPage ? null : post.id,
      body: postBody({
        site: site.view,
        post,
        authors,
        previous,
        next,
        more,
        comments: isPage ? null : commentsSection(threads, people, signInHref(site.view, `${path}#comments`)),
      }),
    });
  }

  private async tag(site: Site, tag: string, cursor: string | null): Promise<ReaderResponse> {
    const index = await this.deps.data.index(site);
    const posts = index.posts.filter((p) => p.tags.includes(tag));
    if (!posts.length) return this.notFound(site);
    const page = pageAfter(posts, cursor, LIST_PAGE_SIZE);
    if (!page) return this.notFound(site);
    const base = `/tag/${encodeURIComponent(tag)}`;
    const description = `Posts tagged #${tag} on ${site.view.name}.`;
    return this.htmlResponse(site, 200, {
      site: site.view,
      assets: this.deps.assets,
      title: `#${tag}`,
      description,
      path: base,
      head: html`${siteMeta(site.view, { path: base, title: `#${tag} · ${site.view.name}`, description })}
<link rel="alternate" type="application/rss+xml" title="#${tag} (RSS)" href="${base}/rss.xml">`,
      body: listBody({
        eyebrow: "Topic",
        title: `#${tag}`,
        lede: html`${posts.length} ${posts.length === 1 ? "post" : "posts"} · <a href="${base}/rss.xml">RSS</a> · <a href="${base}/atom.xml">Atom</a> · <a href="${base}/feed.json">JSON Feed</a>`,
        posts: page.items,
        empty: emptyState("No posts", "Nothing is tagged like this yet."),
        olderHref: page.next ? `${base}?after=${page.next}` : null,
        newerHref: cursor ? base : null,
      }),
    });
  }

  private async author(site: Site, username: string): Promise<ReaderResponse> {
    const author = await this.deps.data.authorByUsername(username);
    if (!author) return this.notFound(site);
    const index = await this.deps.data.index(site);
    const posts = index.posts.filter((p) => p.authorIds.includes(author.id));
    if (!posts.length) return this.notFound(site);
    const path = `/author/${encodeURIComponent(author.username)}`;
    const description = author.bio || `Posts by ${author.name} on ${site.view.name}.`;
    return this.htmlResponse(site, 200, {
      site: site.view,
      assets: this.deps.assets,
      title: author.name,
      description,
      path,
      head: siteMeta(site.view, { path, title: `${author.name} · ${site.view.name}`, description }),
      body: listBody({
        head: authorHead(author),
        eyebrow: "Author",
        title: author.name,
        lede: author.bio || `${posts.length} ${posts.length === 1 ? "post" : "posts"} on ${site.view.name}.`,
        posts,
        empty: emptyState("No posts", "Nothing published yet."),
      }),
    });
  }

  private async archive(site: Site): Promise<ReaderResponse> {
    const index = await this.deps.data.index(site);
    return this.htmlResponse(site, 200, {
      site: site.view,
      assets: this.deps.assets,
      title: "Archive",
      description: `Every post on ${site.view.name}.`,
      path: "/archive",
      current: "archive",
      body: archiveBody(index.posts),
    });
  }

  private async search(site: Site, rawQuery: string): Promise<ReaderResponse> {
    const q = rawQuery.trim().slice(0, 100);
    const index = await this.deps.data.index(site);
    let results: PostCard[] | null = null;
    if (q && this.deps.search) {
      // Hybrid search on this blog only, in its ranking; titles and tags below if search is down.
      const answer = await this.deps.search
        .search({ q, tenant: site.tenant.slug, mode: "hybrid", limit: 20 })
        .catch(() => null);
      if (answer) results = answer.items.flatMap((i) => index.bySlug.get(i.slug) ?? []);
    }
    if (q && results === null) {
      const words = q.toLowerCase().split(/\s+/).filter(Boolean);
      results = index.posts.filter((p) => {
        const hay = `${p.title} ${p.tags.join(" ")}`.toLowerCase();
        return words.every((w) => hay.includes(w.replace(/^#/, "")));
      });
    }
    return this.htmlResponse(site, 200, {
      site: site.view,
      assets: this.deps.assets,
      title: q ? `Search: ${q}` : "Search",
      description: `Search ${site.view.name}.`,
      path: "/search",
      current: "search",
      body: searchBody(q, results),
    });
  }

  private async feed(site: Site, format: FeedFormat, tag?: string): Promise<ReaderResponse> {
    const posts = await this.deps.data.feedPosts(site, { tag, limit: FEED_SIZE });
    if (tag && !posts.length) return this.notFound(site);
    const authors = await this.deps.data.authorsById(posts.flatMap((p) => p.authorIds));
    return this.text(
      200,
      FEED_CONTENT_TYPES[format],
      buildFeed({ site: site.view, posts, authors, format, tag }),
    );
  }

  private async sitemap(site: Site): Promise<ReaderResponse> {
    const index = await this.deps.data.index(site);
    return this.text(
      200,
      "application/xml; charset=utf-8",
      buildSitemap(
        site.view,
        index.posts,
        index.pages,
        index.tags.map((t) => t.tag),
      ),
    );
  }

  /** The comment list of a post as HTML, for the comment API's answer after a change. */
  async commentListHtml(site: Site, postId: string): Promise<{ html: SafeHtml; count: number }> {
    const threads = await this.deps.data.comments(site, toObjectId(postId));
    const ids = threads
      .flatMap((c) => [c.authorId, ...c.replies.map((r) => r.authorId)])
      .filter(Boolean) as string[];
    const people: Map<string, AuthorView> = await this.deps.data.authorsById(ids);
    return { html: commentList(threads, people), count: commentCount(threads) };
  }
}

function toObjectId(id: string): ObjectId {
  return new ObjectId(id);
}
