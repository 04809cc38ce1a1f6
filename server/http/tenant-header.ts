/**
 * Set by `middleware.ts` only, from the Host (or the studio's URL); any client-sent `x-tenant-*`
 * header is stripped before the request reaches the app.
 */
export const TENANT_SLUG_HEADER = "x-tenant-slug";
export const TENANT_HEADER_PREFIX = "x-tenant-";
