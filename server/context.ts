import type { FetchCreateContextFnOptions } from "@trpc/server/adapters/fetch";
import type { ObjectId } from "mongodb";
import { verifyToken } from "./auth/jwt";
import { getSessionFromRequest, tokenOfRequest } from "./auth/session-from-request";
import { clientIpOf, requestIdOf } from "./http/request-meta";
import { TENANT_SLUG_HEADER } from "./http/tenant-header";
import { log } from "./log";
import { getServices, type Services } from "./services/container";
import type { Context } from "./trpc";

/**
 * The tRPC context of one HTTP request. The tenant comes from the middleware's header (derived
 * from the Host or the studio URL), never from input, and only an `active` tenant is resolved.
 */
export async function createContext(
  { req, resHeaders }: Pick<FetchCreateContextFnOptions, "req" | "resHeaders">,
  services: Services = getServices(),
): Promise<Context> {
  const requestId = requestIdOf(req.headers);
  resHeaders.set("x-request-id", requestId);
  const slug = req.headers.get(TENANT_SLUG_HEADER);
  // A member's role on the blog is read alongside the user and the blog (one round trip to
  // Mongo instead of two in a row) when the blog's id is known from an earlier request; the
  // procedures use it only if the blog loaded now is that same blog (see memberProcedure).
  const token = slug ? tokenOfRequest(req) : null;
  const claims = token ? await verifyToken(token) : null;
  const knownTenantId = slug ? tenantIdsBySlug.get(slug) : undefined;
  const [session, tenant, role] = await Promise.all([
    getSessionFromRequest(req, services.users),
    slug ? services.tenants.findActiveBySlug(slug) : Promise.resolve(null),
    claims && knownTenantId ? services.memberships.roleOf(knownTenantId, claims.sub) : Promise.resolve(null),
  ]);
  if (slug && tenant) rememberTenantId(slug, tenant._id);
  const membership =
    claims && knownTenantId && tenant?._id.equals(knownTenantId) && session?.user.id === claims.sub
      ? { tenantId: knownTenantId, userId: claims.sub, role }
      : null;
  return {
    requestId,
    ip: clientIpOf(req.headers),
    log: log.child({ requestId }),
    db: services.db,
    services,
    session,
    tenant,
    membership,
  };
}

/**
 * Blog ids by slug, from earlier requests: only a hint for starting the membership read early —
 * a slug re-used by a newer blog just means the prefetched role is not used.
 */
const tenantIdsBySlug = new Map<string, ObjectId>();
const TENANT_IDS_MAX = 10_000;

function rememberTenantId(slug: string, id: ObjectId): void {
  const known = tenantIdsBySlug.get(slug);
  if (known?.equals(id)) return;
  if (tenantIdsBySlug.size >= TENANT_IDS_MAX) tenantIdsBySlug.clear();
  tenantIdsBySlug.set(slug, id);
}
