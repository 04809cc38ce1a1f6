import { getServices } from "../services/container";
import type { UsersService } from "../services/users/users-service";
import { readCookie, SECURE_SESSION_COOKIE, SESSION_COOKIE } from "./cookies";
import { verifyToken } from "./jwt";
import { recordSigningKeyOnce } from "./secret-rotation";
import type { Session } from "./session";

/** `Authorization: Token <jwt>` (RealWorld) or `Bearer <jwt>`; anything else is no token. */
export function tokenFromAuthorization(header: string | null): string | null {
  const match = header?.match(/^\s*(?:Token|Bearer)\s+([A-Za-z0-9_\-.]+)\s*$/i);
  return match?.[1] ?? null;
}

function tokenFromCookieHeader(header: string | null): string | null {
  // The secure name first: over https only that one can have been set by us.
  return readCookie(header, SECURE_SESSION_COOKIE) ?? readCookie(header, SESSION_COOKIE) ?? null;
}

/**
 * The session a token stands for. The user is looked up on every call, so a deleted account
 * has no session and name/admin changes take effect at once.
 */
export async function sessionFromToken(
  token: string | null,
  users: UsersService = getServices().users,
): Promise<Session | null> {
  if (!token) return null;
  const claims = await verifyToken(token);
  if (!claims) return null;
  const user = await users.findById(claims.sub);
  return user ? { user: users.toSessionUser(user) } : null;
}

/**
 * The caller of an HTTP request: the `Authorization` header when present (API clients),
 * otherwise the next-auth session cookie (browsers).
 */
export async function getSessionFromRequest(req: Request, users?: UsersService): Promise<Session | null> {
  if (!users) {
    void recordSigningKeyOnce();
    users = getServices().users;
  }
  return sessionFromToken(tokenOfRequest(req), users);
}

/** The request's token: the `Authorization` header when present, else the session cookie. */
export function tokenOfRequest(req: Pick<Request, "headers">): string | null {
  const header = req.headers.get("authorization");
  if (header) return tokenFromAuthorization(header);
  return tokenFromCookieHeader(req.headers.get("cookie"));
}
