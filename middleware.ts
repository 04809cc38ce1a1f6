import { type NextRequest, NextResponse } from "next/server";
import { env } from "./server/env";
import { parseHost } from "./server/http/host";
import { TENANT_HEADER_PREFIX, TENANT_SLUG_HEADER } from "./server/http/tenant-header";
import { hasSlugShape } from "./server/services/tenants/slug";

/** A path no route serves: rewriting to it renders `app/not-found.tsx` with status 404. */
const NOT_FOUND_PATH = "/__conduit/not-found";
const STUDIO_TRPC = /^\/studio\/([^/]+)\/api\/trpc(\/.*)?$/;

function rewrite(req: NextRequest, pathname: string, headers: Headers): NextResponse {
  const url = req.nextUrl.clone();
  url.pathname = pathname;
  return NextResponse.rewrite(url, { request: { headers } });
}

/**
 * Host → tenant. Routing only, no data access: a tenant host's pages are rewritten to the reader
 * tree `/site/<slug>/…` with `x-tenant-slug`, which the app trusts because every client-sent
 * `x-tenant-*` header is removed here first. Whether the tenant exists and is active is decided
 * by the page (`getTenantForPage`) or the tRPC context.
 */
export function middleware(req: NextRequest): NextResponse {
  const headers = new Headers(req.headers);
  for (const name of [...headers.keys()]) {
    if (name.startsWith(TENANT_HEADER_PREFIX)) headers.delete(name);
  }
  const { pathname } = req.nextUrl;
  const site = parseHost(req.headers.get("host"), env.ROOT_DOMAIN);

  if (site.kind === "tenant") {
    headers.set(TENANT_SLUG_HEADER, site.slug);
    if (pathname.startsWith("/api/")) return NextResponse.next({ request: { headers } });
    return rewrite(req, `/site/${site.slug}${pathname === "/" ? "" : pathname}`, headers);
  }
  if (site.kind === "unknown") return rewrite(req, NOT_FOUND_PATH, headers);

  // Root domain: the reader tree is only reachable through a tenant host.
  if (pathname === "/site" || pathname.startsWith("/site/")) return rewrite(req, NOT_FOUND_PATH, headers);
  const studio = STUDIO_TRPC.exec(pathname);
  if (studio) {
    const slug = decodeURIComponent(studio[1] ?? "").toLowerCase();
    if (!hasSlugShape(slug)) return rewrite(req, NOT_FOUND_PATH, headers);
    headers.set(TENANT_SLUG_HEADER, slug);
    return rewrite(req, `/api/trpc${studio[2] ?? ""}`, headers);
  }
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: [
    // Every API route except next-auth (served on the root for every host) and health probes —
    // with no file-extension exclusion, so a procedure named like `x.map` can't skip the stripping.
    "/api/((?!auth(?:/|$)|health(?:/|$)).*)",
    // Pages, minus build assets and static files.
    "/((?!api/|_next/|favicon\\.ico$|.*\\.(?:png|jpe?g|gif|svg|ico|webp|avif|css|js|map|txt|woff2?)$).*)",
  ],
};
