import sharp from "sharp";

/** Widths of an image in a post (and the library); the largest is capped at the original's. */
export const CONTENT_WIDTHS = [320, 640, 960, 1280, 1920] as const;
/** Square avatar sizes (bylines, comments, the account page). */
export const AVATAR_SIZES = [64, 128, 256] as const;

/** Refuse decompression bombs: a 10 MB file may still claim billions of pixels. */
const MAX_INPUT_PIXELS = 50_000_000;

export interface Variant {
  width: number;
  height: number;
  bytes: Buffer;
}

export interface ProcessedImage {
  width: number;
  height: number;
  variants: Variant[];
}

/** The widths made for an image `width` px wide: every step below it, plus its own width once. */
export function widthsFor(width: number): number[] {
  const below = CONTENT_WIDTHS.filter((w) => w < width);
  const top = Math.min(width, CONTENT_WIDTHS.at(-1)!);
  return (below as number[]).includes(top) ? below : [...below, top];
}

function input(bytes: Buffer, animated: boolean) {
  return sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, animated, failOn: "error" });
}

/**
 * The responsive WebP variants of an uploaded image, made once at upload time. EXIF orientation
 * is applied and metadata (GPS and all) dropped; animated GIF/WebP stay animated.
 */
export async function makeContentVariants(bytes: Buffer): Promise<ProcessedImage> {
  const meta = await input(bytes, false).metadata();
  const animated = (meta.pages ?? 1) > 1;
  // Orientation 5–8 swap width and height once applied.
  const rotated = (meta.orientation ?? 1) >= 5;
  const width = (rotated ? meta.height : meta.width) ?? 0;
  const height = (rotated ? meta.width : (meta.pageHeight ?? meta.height)) ?? 0;
  if (!width || !height) throw new Error("the image has no dimensions");
  const variants = await Promise.all(
    widthsFor(width).map(async (w) => {
      const { data, info } = await input(bytes, animated)
        .rotate()
        .resize({ width: w, withoutEnlargement: true })
        .webp({ quality: 80, effort: 4 })
        .toBuffer({ resolveWithObject: true });
      return { width: info.width, height: info.pageHeight ?? info.height, bytes: data };
    }),
  );
  return { width, height, variants };
}

/** Square, centre-cropped avatar sizes. */
export async function makeAvatarVariants(bytes: Buffer): Promise<ProcessedImage> {
  const meta = await input(bytes, false).metadata();
  const variants = await Promise.all(
    AVATAR_SIZES.map(async (size) => {
      const data = await input(bytes, false)
        .rotate()
        .resize({ width: size, height: size, fit: "cover", position: "attention" })
        .webp({ quality: 82 })
        .toBuffer();
      return { width: size, height: size, bytes: data };
    }),
  );
  return { width: meta.width ?? 0, height: meta.height ?? 0, variants };
}
