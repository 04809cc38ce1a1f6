import "server-only";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { cache } from "react";
import type { TenantDoc } from "./db";
import { TENANT_SLUG_HEADER } from "./http/tenant-header";
import { getServices } from "./services/container";

/**
 * The tenant of a reader page (`app/(tenant)/site/[site]/…`). The route param must equal the
 * header the middleware derived from the Host, so `/site/<other>` can't be reached by path, and
 * only an `active` tenant is served. Cached per request, so a layout and its page share one lookup.
 */
export const getTenantForPage = cache(async (slug: string): Promise<TenantDoc> => {
  const fromHost = (await headers()).get(TENANT_SLUG_HEADER);
  if (!fromHost || fromHost !== decodeURIComponent(slug)) notFound();
  const tenant = await getServices().tenants.findActiveBySlug(fromHost);
  if (!tenant) notFound();
  return tenant;
});
