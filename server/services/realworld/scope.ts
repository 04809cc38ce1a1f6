import { LRUCache } from "lru-cache";
import type { TenantDoc } from "../../db";
import { parseHost } from "../../http/host";
import type { TenantsService } from "../tenants/tenants-service";
import { notFound } from "./errors";

/** Which API a request speaks to: the whole network (root domain) or one blog (its subdomain). */
export type Scope = { kind: "network" } | { kind: "blog"; tenant: TenantDoc };

/**
 * Host → scope, from the `Host` header only (never the body or a client-sent header); the same
 * code serves Next's route handlers and any server in front of them. Active blogs are looked up
 * once a second at most per slug: a blog deleted or renamed is gone from the API within a second.
 */
export class ScopeResolver {
  private readonly blogs = new LRUCache<string, { tenant: TenantDoc | null }>({ max: 10_000, ttl: 1_000 });

  constructor(
    private readonly deps: { tenants: Pick<TenantsService, "findActiveBySlug">; rootDomain: string },
  ) {}

  /** An active blog by slug, or null. */
  async blog(slug: string): Promise<TenantDoc | null> {
    const hit = this.blogs.get(slug);
    if (hit) return hit.tenant;
    const tenant = await this.deps.tenants.findActiveBySlug(slug);
    this.blogs.set(slug, { tenant });
    return tenant;
  }

  /** Forget a blog (after this process changed it). */
  forget(slug: string): void {
    this.blogs.delete(slug);
  }

  async fromRequest(req: Request): Promise<Scope> {
    const host = req.headers.get("host") ?? new URL(req.url).host;
    const site = parseHost(host, this.deps.rootDomain);
    if (site.kind === "tenant") {
      const tenant = await this.blog(site.slug);
      if (!tenant) throw notFound("blog");
      return { kind: "blog", tenant };
    }
    if (site.kind === "root") return { kind: "network" };
    // Foreign or reserved hosts (middleware already answers them with the platform's 404).
    throw notFound("blog");
  }
}
