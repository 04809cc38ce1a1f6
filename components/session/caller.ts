import "server-only";
import type { SessionUser } from "@/server/auth/session";
import type { Caller } from "@/server/services/tenants/tenants-service";

/** A service caller for server-component reads (no request id: reads are not audited). */
export function callerOf(user: SessionUser): Caller {
  return { userId: user.id, email: user.email, platformAdmin: user.platformAdmin, ip: null, requestId: null };
}
