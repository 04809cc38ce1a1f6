import type { Session } from "../auth/session";
import type { Caller } from "../services/tenants/tenants-service";

/** A signed-in session plus request facts, as the services' `Caller`. */
export function callerFrom(session: Session, meta: { ip: string | null; requestId: string | null }): Caller {
  return {
    userId: session.user.id,
    email: session.user.email,
    platformAdmin: session.user.platformAdmin,
    ip: meta.ip,
    requestId: meta.requestId,
  };
}
