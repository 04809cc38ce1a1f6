/**
 * The reader sites' only script (bundled by the front server, served from the blog's own origin).
 * Cached pages are the same for every reader; this fills in what belongs to one reader: the
 * light/dark choice, the signed-in menu, the like button and counts, the comment form, and edit /
 * delete / hide controls. It never puts reader-typed text into innerHTML: comment lists come back
 * from the server already escaped, everything else is textContent.
 */

const MODE_KEY = "conduit-reader-mode";

interface Viewer {
  id: string;
  name: string;
  username: string;
  image: string | null;
}
interface VisitAnswer {
  viewer: Viewer | null;
  post: { liked: boolean; likes: number; views: number; comments: number; canModerate: boolean } | null;
}
interface CommentsAnswer {
  html: string;
  count: number;
}

let viewer: Viewer | null = null;
let canModerate = false;

const $ = <T extends Element = HTMLElement>(sel: string, root: ParentNode = document) =>
  root.querySelector<T>(sel);
const $$ = <T extends Element = HTMLElement>(sel: string, root: ParentNode = document) =>
  Array.from(root.querySelectorAll<T>(sel));

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

async function api<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`/api/reader/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body ?? {}),
    credentials: "same-origin",
  });
  const data = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!res.ok) throw new Error(data.error?.message || "Something went wrong. Please try again.");
  return data as T;
}

/* ---------- light / dark ---------- */
function currentMode(): "light" | "dark" {
  const set = document.documentElement.getAttribute("data-mode");
  if (set === "light" || set === "dark") return set;
  return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

function setupModeToggle(): void {
  for (const button of $$<HTMLButtonElement>("[data-mode-toggle]")) {
    button.setAttribute("aria-pressed", String(currentMode() === "dark"));
    button.addEventListener("click", () => {
      const next = currentMode() === "dark" ? "light" : "dark";
      document.documentElement.setAttribute("data-mode", next);
      try {
        localStorage.setItem(MODE_KEY, next);
      } catch {
        // Private mode: the choice lasts for this page only.
      }
      button.setAttribute("aria-pressed", String(next === "dark"));
    });
  }
}

/* ---------- signed-in menu ---------- */
function avatarNode(v: Viewer): HTMLElement {
  if (v.image && /^(https?:)?\//.test(v.image)) {
    return el("img", { class: "avatar sm", src: v.image, alt: "" });
  }
  const initials = v.name
    .split(/\s+/)
    .filter(Boolean)
    .map((p) => p[0])
    .slice(0, 2)
    .join("")
    .toUpperCase();
  return el("span", { class: "avatar sm", "aria-hidden": "true" }, initials || "·");
}

function renderUserSlot(): void {
  const slot = $("[data-user-slot]");
  if (!slot || !viewer) return;
  slot.replaceChildren();
  slot.append(avatarNode(viewer), el("span", { class: "menu-name", "data-viewer-name": "" }, viewer.name));
  const out = el("button", { type: "button", class: "link-btn" }, "Sign out");
  out.addEventListener("click", async () => {
    await api("signout", {}).catch(() => undefined);
    location.reload();
  });
  slot.append(out);
}

/* ---------- likes and counts ---------- */
function renderLike(liked: boolean, likes: number): void {
  const button = $<HTMLButtonElement>("[data-like]");
  if (!button) return;
  button.setAttribute("aria-pressed", String(liked));
  const label = $("[data-like-label]", button);
  if (label) label.textContent = liked ? "Liked" : "Like";
  const count = $("[data-like-count]", button);
  if (count) count.textContent = likes > 0 ? ` · ${likes}` : "";
}

function setupLike(postId: string): void {
  const button = $<HTMLButtonElement>("[data-like]");
  if (!button) return;
  button.addEventListener("click", async () => {
    if (!viewer) {
      location.href = signInLink();
      return;
    }
    button.disabled = true;
    try {
      const answer = await api<{ liked: boolean; likes: number }>("like", { postId });
      renderLike(answer.liked, answer.likes);
    } catch (error) {
      button.title = (error as Error).message;
    } finally {
      button.disabled = false;
    }
  });
}

function signInLink(): string {
  const link = $<HTMLAnchorElement>("[data-signin-link]");
  return link?.href ?? "/";
}

/* ---------- comments ---------- */
function commentForm(opts: {
  placeholder: string;
  submit: string;
  initial?: string;
  onSubmit: (body: string) => Promise<void>;
  onCancel?: () => void;
}): HTMLFormElement {
  const form = el("form", { class: "comment-form", novalidate: "" });
  const label = el("label", { class: "sr-only" }, opts.placeholder);
  const id = `c-${Math.random().toString(36).slice(2, 8)}`;
  label.setAttribute("for", id);
  const area = el("textarea", {
    id,
    name: "body",
    placeholder: opts.placeholder,
    maxlength: "5000",
    required: "",
  });
  area.value = opts.initial ?? "";
  const error = el("p", { class: "form-error", role: "alert" });
  const row = el("div", { class: "row" });
  const buttons = el("div", { class: "actions" });
  const submit = el("button", { type: "submit", class: "btn btn-sm" }, opts.submit);
  buttons.append(submit);
  if (opts.onCancel) {
    const cancel = el("button", { type: "button", class: "link-btn" }, "Cancel");
    cancel.addEventListener("click", opts.onCancel);
    buttons.append(cancel);
  }
  row.append(error, buttons);
  form.append(label, area, row);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = area.value.trim();
    if (!body) {
      error.textContent = "Write something first.";
      area.focus();
      return;
    }
    submit.disabled = true;
    error.textContent = "";
    try {
      await opts.onSubmit(body);
    } catch (e) {
      error.textContent = (e as Error).message;
      submit.disabled = false;
    }
  });
  return form;
}

function applyComments(answer: CommentsAnswer): void {
  const list = $("[data-comment-list]");
  // Server-rendered and escaped (components/reader/html/comments.ts), the same HTML as the page.
  if (list) list.innerHTML = answer.html;
  const count = $("[data-comment-count]");
  if (count) count.textContent = answer.count ? `(${answer.count})` : "";
  decorateComments();
}

function decorateComments(): void {
  const postId = document.body.dataset.postId;
  if (!postId || !viewer) return;
  for (const item of $$("[data-comment-id]")) {
    const tools = $("[data-comment-tools]", item);
    if (!tools || tools.childElementCount) continue;
    const id = item.dataset.commentId ?? "";
    const mine = !!item.dataset.authorId && item.dataset.authorId === viewer.id;
    const removed = !item.dataset.authorId;
    const button = (text: string, onClick: () => void) => {
      const b = el("button", { type: "button", class: "link-btn" }, text);
      b.addEventListener("click", onClick);
      tools.append(b);
    };
    if (item.hasAttribute("data-top-level") && !removed) {
      button("Reply", () => {
        const slot = $("[data-reply-slot]", item);
        if (!slot || slot.childElementCount) return;
        const form = commentForm({
          placeholder: "Write a reply",
          submit: "Reply",
          onSubmit: async (body) =>
            applyComments(await api<CommentsAnswer>("comments", { postId, parentId: id, body })),
          onCancel: () => slot.replaceChildren(),
        });
        slot.append(form);
        $("textarea", form)?.focus();
      });
    }
    if (mine) {
      button("Edit", () => {
        const bodyNode = $("[data-comment-body]", item);
        if (!bodyNode || bodyNode.dataset.editing) return;
        bodyNode.dataset.editing = "1";
        const original = bodyNode.textContent ?? "";
        const keep = Array.from(bodyNode.childNodes);
        const form = commentForm({
          placeholder: "Edit your comment",
          submit: "Save",
          initial: original,
          onSubmit: async (body) =>
            applyComments(await api<CommentsAnswer>("comments/edit", { postId, id, body })),
          onCancel: () => {
            bodyNode.replaceChildren(...keep);
            delete bodyNode.dataset.editing;
          },
        });
        bodyNode.replaceChildren(form);
        $("textarea", form)?.focus();
      });
    }
    if (mine || canModerate) {
      button("Delete", async () => {
        if (!confirm("Delete this comment?")) return;
        applyComments(await api<CommentsAnswer>("comments/delete", { postId, id }));
      });
    }
    if (canModerate && !mine && !removed) {
      button("Hide", async () => {
        applyComments(await api<CommentsAnswer>("comments/hide", { postId, id, hidden: true }));
      });
    }
  }
}

function setupCommentForm(postId: string): void {
  const holder = $("[data-comment-form]");
  if (!holder || !viewer) return;
  holder.replaceChildren(
    commentForm({
      placeholder: "Add to the conversation",
      submit: "Post comment",
      onSubmit: async (body) => {
        applyComments(await api<CommentsAnswer>("comments", { postId, body }));
        setupCommentForm(postId);
      },
    }),
  );
}

/* ---------- start ---------- */
function fixSignInLinks(): void {
  // The cached page carries the post's own path; keep the reader's anchor too.
  for (const link of $$<HTMLAnchorElement>("[data-signin-link]")) {
    if (link.closest("[data-comment-form]")) continue;
    try {
      const url = new URL(link.href);
      const callback = new URL(url.searchParams.get("callbackUrl") ?? "/", url.origin);
      callback.searchParams.set("next", location.pathname + location.search + location.hash);
      url.searchParams.set("callbackUrl", callback.pathname + callback.search);
      link.href = url.toString();
    } catch {
      // Leave the server's link.
    }
  }
}

async function start(): Promise<void> {
  setupModeToggle();
  fixSignInLinks();
  const postId = document.body.dataset.postId;
  if (postId) setupLike(postId);
  let answer: VisitAnswer;
  try {
    answer = await api<VisitAnswer>("visit", postId ? { postId } : {});
  } catch {
    return;
  }
  viewer = answer.viewer;
  canModerate = answer.post?.canModerate ?? false;
  renderUserSlot();
  if (postId && answer.post) {
    renderLike(answer.post.liked, answer.post.likes);
    const views = $("[data-views]");
    if (views && answer.post.views > 0) {
      views.textContent = `${answer.post.views} ${answer.post.views === 1 ? "view" : "views"}`;
    }
    setupCommentForm(postId);
    decorateComments();
  }
  document.documentElement.setAttribute("data-reader-ready", "1");
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => void start());
else void start();
