// The server's rules, imported (a pure module) so the form and the API never disagree.
export { slugProblem } from "@/server/services/tenants/slug";

/** A suggested address from a blog name: "Café Notes!" → "cafe-notes". */
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
