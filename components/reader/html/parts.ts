import { html, type SafeHtml, safeUrl } from "./escape";
import { icons } from "./icons";
import { initials } from "./layout";
import type { AuthorView, PostCard } from "./types";

const longDate = new Intl.DateTimeFormat("en", { dateStyle: "long", timeZone: "UTC" });
const shortDate = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", timeZone: "UTC" });

export function readerDate(date: Date): string {
  return longDate.format(date);
}

export function shortReaderDate(date: Date): string {
  return shortDate.format(date);
}

export function time(date: Date, label = readerDate(date)): SafeHtml {
  return html`<time datetime="${date.toISOString()}">${label}</time>`;
}

export function tagHref(tag: string): string {
  return `/tag/${encodeURIComponent(tag)}`;
}

export function tagList(tags: string[]): SafeHtml {
  if (!tags.length) return html``;
  return html`<ul class="tags" aria-label="Tags">${tags.map(
    (t) => html`<li><a class="tag" href="${tagHref(t)}">#${t}</a></li>`,
  )}</ul>`;
}

export function avatar(
  author: Pick<AuthorView, "name" | "image">,
  size: "sm" | "md" | "lg" = "md",
): SafeHtml {
  const cls = size === "md" ? "avatar" : `avatar ${size}`;
  return author.image
    ? html`<img class="${cls}" src="${safeUrl(author.image)}" alt="" loading="lazy">`
    : html`<span class="${cls}" aria-hidden="true">${initials(author.name)}</span>`;
}

export function postMeta(post: PostCard, opts: { comments?: boolean } = {}): SafeHtml {
  return html`<div class="meta">${time(post.publishedAt)}${
    post.readingMinutes ? html`<span class="sep"></span><span>${post.readingMinutes} min read</span>` : ""
  }${
    opts.comments && post.comments > 0
      ? html`<span class="sep"></span><a class="stat" href="/${post.slug}#comments" aria-label="${post.comments} comments">${icons.comment}${post.comments}</a>`
      : ""
  }</div>`;
}

export function postListItem(post: PostCard): SafeHtml {
  return html`<li class="post-item">
<h3 class="h"><a href="/${post.slug}">${post.title}</a></h3>
${post.excerpt ? html`<p>${post.excerpt}</p>` : ""}
${postMeta(post, { comments: true })}
${tagList(post.tags.slice(0, 4))}
</li>`;
}

export function postCard(post: PostCard): SafeHtml {
  const cover = post.coverUrl
    ? html`<img src="${safeUrl(post.coverUrl)}" alt="${post.coverAlt}" loading="lazy" decoding="async">`
    : html`<span class="initial" aria-hidden="true">${post.title.trim().slice(0, 1)}</span>`;
  return html`<a class="card" href="/${post.slug}">
<span class="cover">${cover}</span>
<span class="body"><h3 class="h">${post.title}</h3>${post.excerpt ? html`<p>${post.excerpt}</p>` : ""}<span class="meta">${time(
    post.publishedAt,
  )}${post.readingMinutes ? html`<span class="sep"></span><span>${post.readingMinutes} min read</span>` : ""}</span></span>
</a>`;
}

export function emptyState(title: string, text: string, action?: SafeHtml): SafeHtml {
  return html`<div class="empty"><p class="h">${title}</p><p>${text}</p>${
    action ? html`<p style="margin-top:1.25rem">${action}</p>` : ""
  }</div>`;
}
