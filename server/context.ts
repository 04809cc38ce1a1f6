import type { FetchCreateContextFnOptions } from "@trpc/server/adapters/fetch";
import { getSessionFromRequest } from "./auth/session-from-request";
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
  const [session, tenant] = await Promise.all([
    getSessionFromRequest(req, services.users),
    slug ? services.tenants.findActiveBySlug(slug) : Promise.resolve(null),
  ]);
  return {
    requestId,
    ip: clientIpOf(req.headers),
    log: log.child({ requestId }),
    db: services.db,
    services,
    session,
    tenant,
  };
}
