import "server-only";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { ObjectId } from "mongodb";
import { raw } from "@/components/reader/html/escape";
import { document } from "@/components/reader/html/layout";
import { postBody } from "@/components/reader/html/pages";
import type { AuthorView, PostView, SiteView } from "@/components/reader/html/types";
import type { TenantDoc } from "@/server/db";
import { env } from "@/server/env";
import type { Services } from "@/server/services/container";
import type { EditorPost } from "@/server/services/posts/post-dto";

let css: Promise<string> | null = null;
/** The reader's own stylesheet, inlined: the preview is the reader's page, byte for byte in markup. */
function readerCss(): Promise<string> {
  css ??= readFile(path.join(process.cwd(), "components/reader/styles/reader.css"), "utf8").catch(() => "");
  return css;
}

/**
 * A post as its reader page, built with the reader's templates (components/reader/html) around
 * the stored HTML. Links resolve against the blog (a <base>), the reader's script is left out,
 * and a slim bar says it is a preview.
 */
export async function readerPreviewHtml(
  services: Services,
  tenant: TenantDoc,
  post: EditorPost,
  banner: string,
): Promise<string> {
  const settings = await services.db.forTenant(tenant).settings.findOne({ _id: "blog" });
  const origin = `${env.PUBLIC_PROTOCOL}://${tenant.slug}.${env.ROOT_DOMAIN}`;
  const site: SiteView = {
    slug: tenant.slug,
    name: settings?.title || tenant.name,
    description: settings?.description ?? "",
    theme: settings?.theme ?? tenant.theme,
    logoUrl: settings?.logoUrl ?? null,
    navigation: (settings?.navigation ?? []).slice(0, 8),
    origin,
    rootOrigin: `${env.PUBLIC_PROTOCOL}://${env.ROOT_DOMAIN}`,
  };
  const users = await services.db
    .master()
    .users.find({ _id: { $in: post.authorIds.map((id) => new ObjectId(id)) } })
    .toArray();
  const authors: AuthorView[] = users.map((u) => ({
    id: u._id.toHexString(),
    name: u.name || u.username,
    username: u.username,
    bio: u.bio ?? "",
    image: u.image ?? null,
  }));
  const view: PostView = {
    id: post.id,
    slug: post.slug,
    title: post.title || "Untitled",
    excerpt: post.excerpt,
    tags: post.tags,
    publishedAt: new Date(post.publishedAt ?? post.publishAt ?? post.updatedAt),
    updatedAt: new Date(post.updatedAt),
    readingMinutes: post.readingMinutes || null,
    coverUrl: post.coverUrl,
    coverAlt: post.coverAlt,
    featured: post.featured,
    comments: 0,
    authorIds: post.authorIds,
    type: post.type,
    html: post.html,
    customExcerpt: post.customExcerpt,
    version: post.version,
    wordCount: post.wordCount,
  };
  const page = document({
    site,
    assets: { css: "about:blank", js: "about:blank" },
    title: view.title,
    description: post.excerpt,
    path: `/${post.slug}`,
    head: raw(`<base href="${origin}/" target="_top"><meta name="robots" content="noindex">`),
    body: postBody({ site, post: view, authors, previous: null, next: null, more: [], comments: null }),
    postId: null,
  });
  const style = (await readerCss()).replace(/<\/style/gi, "<\\/style");
  const bar = `<div style="position:sticky;top:0;z-index:50;background:#1c1917;color:#fafaf9;font:500 13px/1.4 system-ui,sans-serif;padding:8px 16px;text-align:center">${banner}</div>`;
  return page
    .replace('<link rel="stylesheet" href="about:blank">', `<style>${style}</style>`)
    .replace('<script src="about:blank" defer></script>', "")
    .replace(/(<body[^>]*>)/, `$1${bar}`);
}

export function previewResponse(body: string, status = 200): Response {
  return new Response(body, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "private, no-store",
      "x-robots-tag": "noindex",
      "referrer-policy": "no-referrer",
      // Stored HTML is sanitized; still, no script runs here but the reader's tiny theme-mode one.
      "content-security-policy":
        "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; font-src * data:; frame-ancestors 'self'; base-uri *",
    },
  });
}

export function previewMessage(title: string, text: string, status: number): Response {
  return previewResponse(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><meta name="robots" content="noindex"></head><body style="font:16px/1.5 system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;margin:0;background:#fbfaf7;color:#1c1917"><main style="max-width:28rem;padding:2rem;text-align:center"><h1 style="font-size:1.4rem">${title}</h1><p style="color:#57534e">${text}</p></main></body></html>`,
    status,
  );
}
