import type { ObjectId } from "mongodb";

/**
 * Object keys are decided here and nowhere else. Everything a blog stores lives under its tenant
 * id; avatars under `avatars/<userId>/`. The id segments are server-made ObjectIds, so a key never
 * carries a user-chosen name (and no `../`).
 */
export const UPLOAD_MAX_BYTES = 10 * 1024 * 1024;

export function tenantPrefix(tenantId: ObjectId): string {
  return `${tenantId.toHexString()}/`;
}

export function mediaBase(tenantId: ObjectId, mediaId: ObjectId): string {
  return `${tenantPrefix(tenantId)}${mediaId.toHexString()}`;
}

export function avatarBase(userId: ObjectId, uploadId: ObjectId): string {
  return `avatars/${userId.toHexString()}/${uploadId.toHexString()}`;
}

export const originalKey = (base: string) => `${base}/original`;
export const variantKey = (base: string, width: number) => `${base}/w${width}.webp`;

/**
 * What `/media/<key>` may serve: only resized WebP variants, which only the server writes (after
 * decoding the upload with sharp). Originals — bytes a browser sent — are never served back.
 */
const SERVABLE = /^(?:[0-9a-f]{24}|avatars\/[0-9a-f]{24})\/[0-9a-f]{24}\/w\d{2,4}\.webp$/;

export function isServableKey(key: string): boolean {
  return SERVABLE.test(key);
}

/** Where browsers fetch a stored variant: a CDN/bucket URL when configured, else the app's /media route. */
export function publicUrl(publicBase: string, key: string): string {
  return `${publicBase.replace(/\/+$/, "")}/${key}`;
}

/** `url 320w, url 640w, …` from width → key. */
export function srcsetOf(publicBase: string, variants: Record<string, string>): string {
  return Object.entries(variants)
    .map(([w, key]) => [Number(w), key] as const)
    .sort(([a], [b]) => a - b)
    .map(([w, key]) => `${publicUrl(publicBase, key)} ${w}w`)
    .join(", ");
}

/** The variant to use as `src`: the widest not above `preferred` (else the smallest). */
export function pickVariant(variants: Record<string, string>, preferred = 1280): string | null {
  const widths = Object.keys(variants)
    .map(Number)
    .sort((a, b) => a - b);
  const fit = widths.filter((w) => w <= preferred).at(-1) ?? widths[0];
  return fit === undefined ? null : (variants[String(fit)] ?? null);
}
