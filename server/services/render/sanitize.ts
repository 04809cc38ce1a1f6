import sanitizeHtml from "sanitize-html";
import { EXTERNAL_REL } from "./schema";

/**
 * The allow-list every rendered post passes through before it is stored. The renderer only emits
 * these tags, but the document JSON is untrusted input (any client can send any attrs), so the
 * stored HTML is whatever survives this list: no scripts, no event handlers, no `javascript:` or
 * `data:` URLs, no inline styles, no iframes.
 */
const options: sanitizeHtml.IOptions = {
  allowedTags: [
    "p",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "u",
    "s",
    "code",
    "pre",
    "span",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "hr",
    "figure",
    "figcaption",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "colgroup",
    "col",
  ],
  allowedAttributes: {
    a: ["href", "title", "rel", "target", "class"],
    img: ["src", "srcset", "sizes", "alt", "title", "width", "height", "loading", "decoding", "class"],
    figure: ["class", "data-media-id", "data-embed", "data-provider"],
    h1: ["id"],
    h2: ["id"],
    h3: ["id"],
    h4: ["id"],
    h5: ["id"],
    h6: ["id"],
    ol: ["start"],
    th: ["colspan", "rowspan"],
    td: ["colspan", "rowspan"],
    code: ["class"],
    span: ["class"],
  },
  allowedClasses: {
    code: ["hljs", "language-*"],
    span: ["hljs-*", "*_", "embed-body", "embed-title", "embed-description", "embed-site"],
    figure: ["post-image", "embed-card"],
    a: ["embed-link"],
    img: ["embed-image"],
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https"] },
  allowProtocolRelative: false,
  // Tag and attribute names only; text is already escaped by the serializer.
  parser: { lowerCaseTags: true },
  transformTags: {
    a: (tagName, attribs) => {
      const { target: _t, rel: _r, ...rest } = attribs;
      // Links that leave the blog open in a new tab and pass no referrer or ranking.
      return /^https?:\/\//i.test(rest.href ?? "")
        ? { tagName, attribs: { ...rest, target: "_blank", rel: EXTERNAL_REL } }
        : { tagName, attribs: rest };
    },
  },
  // An image whose URL was refused leaves nothing behind, not an empty figure.
  exclusiveFilter: (frame) =>
    (frame.tag === "img" && !frame.attribs.src) ||
    (frame.tag === "figure" && !frame.text.trim() && frame.mediaChildren.length === 0),
};

export function sanitizePostHtml(html: string): string {
  return sanitizeHtml(html, options);
}
