import "server-only";
import { getServices } from "@/server/services/container";
import type { TenantDto } from "@/server/services/tenants/tenant-dto";

/**
 * The studio's view of a blog's posts. Call it only after `loadStudio` (the members-only guard).
 * A blog that is not active yet has no database to read, so it has no posts.
 */
export async function studioPosts(blog: Pick<TenantDto, "slug" | "status">, limit: number) {
  const services = getServices();
  const tenant = blog.status === "active" ? await services.tenants.findActiveBySlug(blog.slug) : null;
  if (!tenant) {
    return { counts: { draft: 0, scheduled: 0, published: 0, archived: 0 }, posts: [] };
  }
  const [counts, posts] = await Promise.all([
    services.posts.countsByStatus(tenant),
    services.posts.listForStudio(tenant, { limit }),
  ]);
  return { counts, posts };
}

/** The posts list's first page (every status, posts only) and counts; null while the blog isn't live. */
export async function studioPostsList(blog: Pick<TenantDto, "slug" | "status">) {
  const services = getServices();
  const tenant = blog.status === "active" ? await services.tenants.findActiveBySlug(blog.slug) : null;
  if (!tenant) return null;
  const [counts, items] = await Promise.all([
    services.posts.countsByStatus(tenant, { type: "post" }),
    services.posts.listForStudio(tenant, { limit: 200, type: "post" }),
  ]);
  return { counts, items };
}
