/**
 * The document schema of a post: the Tiptap extensions that define which nodes and marks exist
 * and how each one becomes HTML. The studio editor and the server renderer both build on this
 * one list, so what the writer sees and what readers get can never drift apart.
 * No server-only imports here: the editor bundles this file.
 */
import { type AnyExtension, mergeAttributes, Node } from "@tiptap/core";
import CodeBlockLowlight from "@tiptap/extension-code-block-lowlight";
import Image from "@tiptap/extension-image";
import { TableKit } from "@tiptap/extension-table";
import StarterKit from "@tiptap/starter-kit";
import { common, createLowlight } from "lowlight";

/** highlight.js's common languages, shared by the editor's live highlighting and the renderer. */
export const lowlight = createLowlight(common);

/** The rel every link leaving the blog gets. */
export const EXTERNAL_REL = "noopener noreferrer nofollow";

/**
 * Images are figures: `<figure class="post-image"><img …><figcaption>`. `mediaId` is the hook for
 * uploaded images: the media service recognises `data-media-id` and adds `srcset`/`sizes` for its
 * resized variants (see server/services/render/README.md). Images by URL have no media id.
 */
export const FigureImage = Image.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      caption: {
        default: "",
        parseHTML: (el: HTMLElement) => el.closest("figure")?.querySelector("figcaption")?.textContent ?? "",
        renderHTML: () => ({}),
      },
      mediaId: {
        default: null,
        parseHTML: (el: HTMLElement) => el.getAttribute("data-media-id"),
        renderHTML: () => ({}),
      },
    };
  },
  parseHTML() {
    return [{ tag: 'img[src]:not([src^="data:"])' }];
  },
  renderHTML({ node, HTMLAttributes }) {
    const { caption: _caption, mediaId: _mediaId, ...attrs } = HTMLAttributes;
    const caption = typeof node.attrs.caption === "string" ? node.attrs.caption.trim() : "";
    const img = [
      "img",
      mergeAttributes(attrs, { alt: node.attrs.alt ?? "", loading: "lazy", decoding: "async" }),
    ] as const;
    const figureAttrs: Record<string, string> = { class: "post-image" };
    if (node.attrs.mediaId) figureAttrs["data-media-id"] = String(node.attrs.mediaId);
    return caption ? ["figure", figureAttrs, img, ["figcaption", {}, caption]] : ["figure", figureAttrs, img];
  },
});

export interface EmbedAttrs {
  url: string;
  title: string;
  description: string;
  image: string | null;
  siteName: string;
  /** "youtube", "vimeo", … or "link"; lets themes style known providers. */
  provider: string;
}

/**
 * A link card: a pasted URL whose metadata the server fetched once at insertion (see
 * server/services/embeds). The card is plain HTML — no iframe, no third-party script.
 */
export const Embed = Node.create({
  name: "embed",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,
  addAttributes() {
    const text = (name: string) => ({
      default: "",
      parseHTML: (el: HTMLElement) => el.getAttribute(`data-${name}`) ?? "",
    });
    return {
      url: { default: "", parseHTML: (el: HTMLElement) => el.getAttribute("data-url") ?? "" },
      title: text("title"),
      description: text("description"),
      siteName: text("site-name"),
      provider: {
        default: "link",
        parseHTML: (el: HTMLElement) => el.getAttribute("data-provider") ?? "link",
      },
      image: { default: null, parseHTML: (el: HTMLElement) => el.getAttribute("data-image") },
    };
  },
  parseHTML() {
    return [{ tag: "figure[data-embed]" }];
  },
  renderHTML({ node }) {
    const a = node.attrs as EmbedAttrs;
    let host = "";
    try {
      host = new URL(a.url).hostname.replace(/^www\./, "");
    } catch {
      host = "";
    }
    const body = [
      "span",
      { class: "embed-body" },
      ["span", { class: "embed-title" }, a.title || a.url],
      ...(a.description ? [["span", { class: "embed-description" }, a.description]] : []),
      ["span", { class: "embed-site" }, a.siteName || host],
    ];
    const thumb = a.image
      ? [["img", { class: "embed-image", src: a.image, alt: "", loading: "lazy", decoding: "async" }]]
      : [];
    return [
      "figure",
      {
        class: "embed-card",
        "data-embed": "",
        "data-provider": a.provider || "link",
        "data-url": a.url,
        "data-title": a.title,
        "data-description": a.description,
        "data-site-name": a.siteName,
        ...(a.image ? { "data-image": a.image } : {}),
      },
      ["a", { href: a.url, class: "embed-link" }, body, ...thumb],
    ];
  },
});

/**
 * Every extension that shapes a post's document. The editor adds UI-only extensions on top
 * (placeholder, character count, slash commands); none of those changes the schema.
 */
export function documentExtensions(): AnyExtension[] {
  return [
    StarterKit.configure({
      heading: { levels: [2, 3, 4] },
      codeBlock: false,
      link: {
        openOnClick: false,
        autolink: true,
        defaultProtocol: "https",
        HTMLAttributes: { target: null, rel: null, class: null },
      },
    }),
    CodeBlockLowlight.configure({ lowlight, defaultLanguage: null }),
    FigureImage.configure({ inline: false, allowBase64: false }),
    TableKit.configure({ table: { resizable: false } }),
    Embed,
  ];
}
