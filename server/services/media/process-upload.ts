import { performance } from "node:perf_hooks";
import { AppError } from "../../errors";
import { makeAvatarVariants, makeContentVariants, type ProcessedImage } from "./image-variants";
import { originalKey, UPLOAD_MAX_BYTES, variantKey } from "./keys";
import type { ObjectStorage } from "./object-storage";
import { type ImageType, sniffImageType } from "./sniff";

export interface ProcessedUpload {
  contentType: ImageType;
  size: number;
  width: number;
  height: number;
  /** width → key of each stored WebP variant. */
  variants: Record<string, string>;
  /** Bytes of all variants together. */
  variantBytes: number;
  /** Time spent decoding and resizing (sharp), in ms. */
  resizeMs: number;
}

export const NOT_AN_IMAGE = "That file isn't an image we can use. Upload a JPEG, PNG, WebP, GIF or AVIF.";
export const TOO_LARGE = "Images can be at most 10 MB.";

/**
 * The confirm step after a browser upload: the object must exist, be within the size limit and be
 * an image by its bytes (whatever the browser claimed); then the resized variants are written
 * once. A refused upload's object is deleted, so nothing unchecked stays in the bucket.
 */
export async function processUpload(
  storage: ObjectStorage,
  base: string,
  kind: "content" | "avatar",
): Promise<ProcessedUpload> {
  const key = originalKey(base);
  const head = await storage.head(key);
  if (!head) throw new AppError("UNPROCESSABLE", "We didn't receive the file. Please upload it again.");
  const refuse = async (message: string): Promise<never> => {
    await storage.delete(key);
    throw new AppError("BAD_REQUEST", message);
  };
  if (head.size > UPLOAD_MAX_BYTES) return refuse(TOO_LARGE);
  const bytes = await storage.getBytes(key);
  if (bytes.length > UPLOAD_MAX_BYTES) return refuse(TOO_LARGE);
  const contentType = sniffImageType(bytes);
  if (!contentType) return refuse(NOT_AN_IMAGE);

  const started = performance.now();
  let processed: ProcessedImage;
  try {
    processed = kind === "avatar" ? await makeAvatarVariants(bytes) : await makeContentVariants(bytes);
  } catch {
    return refuse("We couldn't read that image. It may be damaged or too large in pixels.");
  }
  const resizeMs = performance.now() - started;

  const variants: Record<string, string> = {};
  await Promise.all(
    processed.variants.map(async (v) => {
      const vk = variantKey(base, v.width);
      await storage.put(vk, v.bytes, "image/webp");
      variants[String(v.width)] = vk;
    }),
  );
  return {
    contentType,
    size: bytes.length,
    width: processed.width,
    height: processed.height,
    variants,
    variantBytes: processed.variants.reduce((n, v) => n + v.bytes.length, 0),
    resizeMs,
  };
}
