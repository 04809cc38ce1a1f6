/** Slug rules of ARCHITECTURE.md, mirrored for instant feedback; the server has the final word. */
export const RESERVED_SLUGS = new Set([
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

const SLUG = /^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/;

export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/g, "");
}

/** Null when the slug may be available; otherwise the reason it can't be used. */
export function slugProblem(slug: string): string | null {
  if (!SLUG.test(slug)) return "Use 3–63 lower-case letters, digits or hyphens (not at the start or end).";
  if (RESERVED_SLUGS.has(slug)) return "That name is reserved.";
  return null;
}
