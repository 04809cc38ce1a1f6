import type { IncomingMessage, ServerResponse } from "node:http";
import { incomingMessageToRequest } from "@trpc/server/adapters/node-http";
import { parseHost } from "@/server/http/host";
import { TENANT_HEADER_PREFIX, TENANT_SLUG_HEADER } from "@/server/http/tenant-header";
import { hasSlugShape } from "@/server/services/tenants/slug";

const STUDIO_TRPC = /^\/studio\/([^/]+)\/api\/trpc(?:\/|$)/;
const ROOT_TRPC = /^\/api\/trpc(?:\/|$)/;

/** Where a tRPC call goes: the tenant it is bound to (or none) and the endpoint prefix of its path. */
export interface TrpcTarget {
  slug: string | null;
  endpoint: string;
}

/**
 * The tenant of a tRPC request, exactly as `middleware.ts` derives it: a blog's host binds
 * `/api/trpc/*` to that blog; on the root domain `/studio/<slug>/api/trpc/*` binds to `<slug>`
 * (lower-cased) and `/api/trpc/*` to no blog. Null for anything else — not a tRPC path, an
 * unknown host, a malformed studio slug — which the caller leaves to Next (its 404s).
 */
export function trpcTarget(
  host: string | undefined,
  pathname: string,
  rootDomain: string,
): TrpcTarget | null {
  const site = parseHost(host, rootDomain);
  if (site.kind === "tenant")
    return ROOT_TRPC.test(pathname) ? { slug: site.slug, endpoint: "/api/trpc" } : null;
  if (site.kind !== "root") return null;
  if (ROOT_TRPC.test(pathname)) return { slug: null, endpoint: "/api/trpc" };
  const studio = STUDIO_TRPC.exec(pathname);
  if (!studio) return null;
  const raw = studio[1] ?? "";
  let slug: string;
  try {
    slug = decodeURIComponent(raw).toLowerCase();
  } catch {
    return null;
  }
  if (!hasSlugShape(slug)) return null;
  return { slug, endpoint: `/studio/${raw}/api/trpc` };
}

export interface TrpcFrontRouteOptions {
  rootDomain: string;
  /** The tRPC handler (server/http/trpc-handler.ts in the app; injectable for tests). */
  handle: (req: Request, endpoint: string) => Promise<Response>;
  /** Largest request body read (bytes); larger ones are refused with 413. */
  maxBodyBytes?: number;
}

/**
 * The front server's route for tRPC (`GET|POST /api/trpc/*` and `/studio/<slug>/api/trpc/*`):
 * the same handler and context as Next's route (`app/api/trpc/[trpc]/route.ts`), without Next's
 * request pipeline (middleware sandbox, routing, response compression) in front of every autosave.
 * Headers follow middleware.ts: every client-sent `x-tenant-*` header is dropped and
 * `x-tenant-slug` set from the host or the studio path only; `x-forwarded-*` are filled in as
 * Next's server does (the client address for rate limits and audit).
 */
export function trpcFrontRoute(
  options: TrpcFrontRouteOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const maxBodySize = options.maxBodyBytes ?? 8 * 1024 * 1024;
  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "POST") return false;
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const target = trpcTarget(req.headers.host, q < 0 ? url : url.slice(0, q), options.rootDomain);
    if (!target) return false;

    const headers = req.headers;
    for (const name of Object.keys(headers)) {
      if (name.startsWith(TENANT_HEADER_PREFIX)) delete headers[name];
    }
    if (target.slug) headers[TENANT_SLUG_HEADER] = target.slug;
    const encrypted = "encrypted" in req.socket && Boolean(req.socket.encrypted);
    const proto = headers["x-forwarded-proto"] ?? (encrypted ? "https" : "http");
    headers["x-forwarded-host"] ??= headers.host;
    headers["x-forwarded-proto"] ??= proto;
    headers["x-forwarded-for"] ??= req.socket.remoteAddress;

    const request = incomingMessageToRequest(req, res, { maxBodySize });
    const response = await options.handle(request, target.endpoint);
    const body = Buffer.from(await response.arrayBuffer());
    const out: Record<string, string | string[] | number> = {};
    response.headers.forEach((value, name) => {
      if (name !== "set-cookie") out[name] = value;
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) out["set-cookie"] = cookies;
    out["content-length"] = body.length;
    res.writeHead(response.status, out);
    res.end(body);
    return true;
  };
}
