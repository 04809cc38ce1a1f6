import type { ObjectId } from "mongodb";
import type { Caller as TenantCaller } from "../tenants/tenants-service";

/** The signed-in user of an API request (from `Authorization: Token|Bearer <jwt>`), with request facts. */
export interface ApiCaller {
  oid: ObjectId;
  id: string;
  email: string;
  username: string;
  name: string;
  platformAdmin: boolean;
  ip: string | null;
  requestId: string | null;
}

export function tenantCaller(caller: ApiCaller): TenantCaller {
  return {
    userId: caller.id,
    email: caller.email,
    platformAdmin: caller.platformAdmin,
    ip: caller.ip,
    requestId: caller.requestId,
  };
}
