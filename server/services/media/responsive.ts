import { widthsFor } from "./image-variants";

/** The post column is at most ~42rem wide; below that the image spans the viewport. */
export const POST_IMAGE_SIZES = "(min-width: 48rem) 42rem, 100vw";

const VARIANT_URL = /^(https?:\/\/[^\s"'<>]+?)\/([0-9a-f]{24})\/([0-9a-f]{24})\/w(\d{2,4})\.webp$/;

/**
 * `srcset`/`sizes` for an uploaded image in a post, from its `src` (a variant URL) and the
 * original width the editor stored on the node. Every variant URL of an image differs only in
 * `w<width>.webp`, and which widths exist follows from the original width alone (`widthsFor`),
 * so the renderer needs no database lookup. Null for images by URL or a src that isn't ours.
 */
export function responsiveImage(
  src: unknown,
  mediaId: unknown,
  width: unknown,
): { srcset: string; sizes: string } | null {
  if (typeof src !== "string" || typeof mediaId !== "string") return null;
  const m = VARIANT_URL.exec(src);
  if (!m || m[3] !== mediaId) return null;
  const original = Number(width) > 0 ? Math.round(Number(width)) : Number(m[4]);
  const srcset = widthsFor(original)
    .map((w) => `${m[1]}/${m[2]}/${m[3]}/w${w}.webp ${w}w`)
    .join(", ");
  return { srcset, sizes: POST_IMAGE_SIZES };
}

type Spec = readonly unknown[];

/**
 * Adds `srcset`/`sizes` to the `<img>` inside an image node's DOM spec
 * (`["figure", attrs, ["img", attrs], …]`, see FigureImage in render/schema.ts).
 */
export function withResponsiveImage(spec: unknown, attrs: Record<string, unknown>): unknown {
  const responsive = responsiveImage(attrs.src, attrs.mediaId, attrs.width);
  if (!responsive || !Array.isArray(spec)) return spec;
  return (spec as Spec).map((child) =>
    Array.isArray(child) && child[0] === "img" && typeof child[1] === "object" && child[1] !== null
      ? ["img", { ...(child[1] as Record<string, unknown>), ...responsive }, ...child.slice(2)]
      : child,
  );
}
