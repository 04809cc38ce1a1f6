import type { Role, TenantDoc, TenantStatus, Theme } from "../../db";

/** What clients see of a blog (tRPC and REST). */
export interface TenantDto {
  id: string;
  name: string;
  slug: string;
  theme: Theme;
  status: TenantStatus;
  databaseName: string | null;
  url: string;
  createdAt: Date;
  failureReason?: string;
  role?: Role;
}

export function toTenantDto(tenant: TenantDoc, url: string, role?: Role): TenantDto {
  return {
    id: tenant._id.toHexString(),
    name: tenant.name,
    slug: tenant.slug,
    theme: tenant.theme,
    status: tenant.status,
    databaseName: tenant.databaseName ?? null,
    url,
    createdAt: tenant.createdAt,
    ...(tenant.status === "failed" && tenant.failureReason ? { failureReason: tenant.failureReason } : {}),
    ...(role ? { role } : {}),
  };
}
