import { createHash } from "node:crypto";
import { html, raw, type SafeHtml, safeUrl } from "./escape";
import { icons } from "./icons";
import type { ReaderAssets, SiteView } from "./types";

/**
 * Sets `data-mode` before the first paint from the reader's remembered choice, so a dark-mode
 * reader never sees a white flash. The only inline script; the CSP allows it by hash.
 */
export const MODE_STORAGE_KEY = "conduit-reader-mode";
export const MODE_SCRIPT = `(function(){try{var m=localStorage.getItem("${MODE_STORAGE_KEY}");if(m==="light"||m==="dark")document.documentElement.setAttribute("data-mode",m)}catch(e){}})();`;
const MODE_SCRIPT_HASH = `sha256-${createHash("sha256").update(MODE_SCRIPT).digest("base64")}`;

/**
 * The reader pages' Content-Security-Policy: scripts only from the blog's own origin plus the
 * mode snippet above. Stored HTML is sanitized at save time; this makes sure that even a markup
 * mistake somewhere can never run script in a reader's browser.
 */
export function readerCsp(rootOrigin: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' '${MODE_SCRIPT_HASH}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src * data: blob:",
    "media-src *",
    "frame-src https:",
    "connect-src 'self'",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    `form-action 'self' ${rootOrigin}`,
    "frame-ancestors 'self'",
  ].join("; ");
}

export interface PageShell {
  site: SiteView;
  assets: ReaderAssets;
  /** Document title (the blog's name is appended unless `title` is the blog itself). */
  title: string | null;
  description: string;
  /** Root-relative path of the canonical URL. */
  path: string;
  /** Extra `<head>` content: Open Graph, JSON-LD, feed links. */
  head?: SafeHtml;
  /** Which nav entry is current. */
  current?: "home" | "archive" | "search" | null;
  body: SafeHtml;
  /** Set on post pages so the client can fetch the counts and record the view. */
  postId?: string | null;
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = (parts[0]?.[0] ?? "") + (parts.length > 1 ? (parts.at(-1)?.[0] ?? "") : "");
  return letters.toUpperCase() || "·";
}

function navLink(url: string, label: string, current: boolean, extraClass = ""): SafeHtml {
  const external = /^https?:\/\//i.test(url);
  return html`<a href="${safeUrl(url)}"${current ? html` aria-current="page"` : ""}${
    extraClass ? html` class="${extraClass}"` : ""
  }${external ? html` rel="noopener noreferrer"` : ""}>${label}</a>`;
}

/** Sign in on the platform, then come back to `path` on the blog, signed in there (auth bridge). */
export function signInHref(site: SiteView, path: string): string {
  const bridge = `/api/auth/bridge?${new URLSearchParams({ to: site.slug, next: path })}`;
  return `${site.rootOrigin}/signin?${new URLSearchParams({ callbackUrl: bridge })}`;
}

export function header(site: SiteView, current: PageShell["current"], path = "/"): SafeHtml {
  const brandMark = site.logoUrl
    ? html`<img src="${safeUrl(site.logoUrl)}" alt="" width="32" height="32">`
    : html`<span class="mark" aria-hidden="true">${initials(site.name).slice(0, 1)}</span>`;
  return html`<header class="site-header"><div class="wrap bar">
<a class="brand" href="/">${brandMark}<span class="name h">${site.name}</span></a>
<nav class="site-nav" aria-label="Blog">
${navLink("/", "Home", current === "home", "nav-home")}
${site.navigation.map((n) => navLink(n.url, n.label, false, "nav-extra"))}
${navLink("/archive", "Archive", current === "archive", "nav-extra")}
<a class="icon-btn nav-search" href="/search" aria-label="Search"${current === "search" ? html` aria-current="page"` : ""}>${icons.search}</a>
</nav>
<div class="tools">
<button type="button" class="icon-btn mode-toggle" data-mode-toggle aria-label="Switch between light and dark mode">${icons.sun}${icons.moon}</button>
<div class="user-slot" data-user-slot><a class="btn btn-ghost btn-sm" data-signin-link href="${signInHref(site, path)}">Sign in</a></div>
</div>
</div></header>`;
}

export function footer(site: SiteView): SafeHtml {
  return html`<footer class="site-footer"><div class="wrap cols">
<p>© ${new Date().getUTCFullYear()} ${site.name}</p>
<nav aria-label="Subscribe"><a href="/rss.xml">RSS</a><a href="/atom.xml">Atom</a><a href="/feed.json">JSON Feed</a><a href="/archive">Archive</a></nav>
<p>Published with <a href="${site.rootOrigin}/">Conduit</a></p>
</div></footer>`;
}

/** A whole reader document. */
export function document(shell: PageShell): string {
  const { site } = shell;
  const title = shell.title ? `${shell.title} · ${site.name}` : site.name;
  const canonical = site.origin + shell.path;
  return `<!doctype html>${html`<html lang="en" data-theme="${site.theme}" data-mode="auto">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<meta name="description" content="${shell.description}">
<link rel="canonical" href="${canonical}">
<link rel="alternate" type="application/rss+xml" title="${site.name} (RSS)" href="/rss.xml">
<link rel="alternate" type="application/atom+xml" title="${site.name} (Atom)" href="/atom.xml">
<link rel="alternate" type="application/feed+json" title="${site.name} (JSON Feed)" href="/feed.json">
<meta name="conduit:root" content="${site.rootOrigin}">
<meta name="conduit:blog" content="${site.slug}">
<script>${raw(MODE_SCRIPT)}</script>
<link rel="stylesheet" href="${shell.assets.css}">
<script src="${shell.assets.js}" defer></script>
${shell.head ?? ""}
</head>
<body${shell.postId ? html` data-post-id="${shell.postId}"` : ""}>
<a class="skip" href="#main">Skip to content</a>
${header(site, shell.current ?? null, shell.path)}
<main id="main">${shell.body}</main>
${footer(site)}
</body>
</html>`}`;
}
