import * as linkify from "linkifyjs";
import type { CommentView } from "@/server/services/comments/comments-service";
import { escapeHtml, html, raw, type SafeHtml, safeUrl } from "./escape";
import { avatar, readerDate, shortReaderDate } from "./parts";
import type { AuthorView } from "./types";

/**
 * A comment body as HTML: the text escaped, line breaks kept by CSS, and bare URLs / e-mail
 * addresses turned into links (http, https and mailto only, `rel="nofollow ugc"`). Nothing a
 * reader types can become markup.
 */
export function commentBodyHtml(text: string): SafeHtml {
  let out = "";
  let at = 0;
  for (const match of linkify.find(text)) {
    if (match.start < at) continue;
    out += escapeHtml(text.slice(at, match.start));
    const href = safeUrl(match.href);
    out +=
      href === "#"
        ? escapeHtml(match.value)
        : `<a href="${escapeHtml(href)}" rel="nofollow ugc noopener noreferrer" target="_blank">${escapeHtml(match.value)}</a>`;
    at = match.end;
  }
  out += escapeHtml(text.slice(at));
  return raw(out);
}

function unknownAuthor(id: string | null): AuthorView {
  return { id: id ?? "", name: "Former reader", username: "", bio: "", image: null };
}

function commentItem(c: CommentView, authors: Map<string, AuthorView>, reply: boolean): SafeHtml {
  const author = (c.authorId && authors.get(c.authorId)) || unknownAuthor(c.authorId);
  const removed = c.deleted || c.hidden;
  return html`<li class="comment" id="comment-${c.id}" data-comment-id="${c.id}" data-author-id="${
    removed ? "" : (c.authorId ?? "")
  }"${reply ? "" : html` data-top-level`}>
<div class="comment-head">${avatar(author, "sm")}<strong>${removed ? "Removed" : author.name}</strong><span class="muted">${html`<time datetime="${c.createdAt.toISOString()}" title="${readerDate(
    c.createdAt,
  )}">${shortReaderDate(c.createdAt)}</time>`}${c.editedAt && !removed ? " · edited" : ""}</span></div>
<div class="comment-body${removed ? " comment-removed" : ""}" data-comment-body>${
    removed ? "This comment was removed." : commentBodyHtml(c.body)
  }</div>
<div class="comment-tools" data-comment-tools></div>
${!reply && c.replies.length ? html`<ol class="reply-list">${c.replies.map((r) => commentItem(r, authors, true))}</ol>` : ""}
${reply ? "" : html`<div class="reply-slot" data-reply-slot></div>`}
</li>`;
}

export function commentCount(threads: CommentView[]): number {
  let n = 0;
  for (const c of threads) {
    if (!c.deleted && !c.hidden) n++;
    n += c.replies.length;
  }
  return n;
}

/** The list part (what the comment API sends back after a change, too). */
export function commentList(threads: CommentView[], authors: Map<string, AuthorView>): SafeHtml {
  if (!threads.length)
    return html`<p class="comments-empty" data-comments-empty>No comments yet. Start the conversation.</p>`;
  return html`<ol class="comment-list">${threads.map((c) => commentItem(c, authors, false))}</ol>`;
}

/**
 * The comments section of a post. Identical for every reader (it is cached): the form, the
 * reader's own edit/delete and the moderators' hide/delete are added by the client script once
 * it knows who is reading.
 */
export function commentsSection(
  threads: CommentView[],
  authors: Map<string, AuthorView>,
  signInHref: string,
): SafeHtml {
  const count = commentCount(threads);
  return html`<section class="comments wrap narrow" id="comments" aria-labelledby="comments-title">
<h2 class="h" id="comments-title">Comments <span class="muted" data-comment-count>${count ? `(${count})` : ""}</span></h2>
<div data-comment-form><div class="signin-cta"><span>Join the conversation.</span><a class="btn btn-sm" data-signin-link href="${signInHref}">Sign in to comment</a></div></div>
<div data-comment-list>${commentList(threads, authors)}</div>
</section>`;
}
