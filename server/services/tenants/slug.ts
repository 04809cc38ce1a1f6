/** Slug rules of ARCHITECTURE.md; shared by the service, the routers and the host parser. */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  "www",
  "app",
  "api",
  "admin",
  "studio",
  "static",
  "assets",
  "mail",
  "root",
  "conduit",
]);

const SLUG_SHAPE = /^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$/;

export const SLUG_FORMAT_MESSAGE =
  "Use 3–63 lower-case letters, digits or hyphens, not starting or ending with a hyphen";
export const SLUG_RESERVED_MESSAGE = "That name is reserved";
export const SLUG_TAKEN_MESSAGE = "That address is taken";

export function hasSlugShape(slug: string): boolean {
  return SLUG_SHAPE.test(slug);
}

/** Why a slug can't be used (format or reserved), or null when it may be registered. */
export function slugProblem(slug: string): string | null {
  if (!hasSlugShape(slug)) return SLUG_FORMAT_MESSAGE;
  if (RESERVED_SLUGS.has(slug)) return SLUG_RESERVED_MESSAGE;
  return null;
}
