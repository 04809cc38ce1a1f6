import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { Env } from "../env";
import type { UsersService } from "../services/users/users-service";
import { cookieSharedWithSubdomains, sessionCookieName, usesSecureCookies } from "./cookies";
import { signToken, TOKEN_MAX_AGE_SECONDS, verifyToken } from "./jwt";
import { getSessionFromRequest } from "./session-from-request";

/**
 * Sign-in bridge from the root domain to a blog subdomain, for hosts whose cookie cannot be
 * shared (`localhost`). Step 1 on the root: the signed-in user gets a one-time code (Redis,
 * 60 s) and is redirected to `<slug>.<root>/api/auth/bridge?code=…`. Step 2 on the subdomain:
 * the code is consumed once and becomes a host-only session cookie there. The token never
 * appears in a URL; codes are single-use and short-lived.
 */
export interface BridgeDeps {
  env: Pick<Env, "ROOT_DOMAIN" | "PUBLIC_PROTOCOL" | "REDIS_PREFIX">;
  redis: () => Redis;
  users: () => UsersService;
}

const CODE_TTL_SECONDS = 60;
const slugSchema = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/);
/** A same-site path: one leading slash, no scheme-relative `//` or backslash tricks. */
const nextSchema = z
  .string()
  .regex(/^\/(?![/\\])[^\s]*$/)
  .catch("/");

function hostOf(req: Request): string {
  return (
    req.headers.get("x-forwarded-host") ??
    req.headers.get("host") ??
    new URL(req.url).host
  ).toLowerCase();
}

function redirect(location: string, headers: HeadersInit = {}): Response {
  return new Response(null, { status: 303, headers: { location, "cache-control": "no-store", ...headers } });
}

export function createBridgeHandler(deps: BridgeDeps) {
  const { env } = deps;
  const root = env.ROOT_DOMAIN.toLowerCase();
  const codeKey = (code: string) => `${env.REDIS_PREFIX}auth-bridge:${code}`;
  const blogOrigin = (slug: string) => `${env.PUBLIC_PROTOCOL}://${slug}.${root}`;

  return async function bridge(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const host = hostOf(req);
    const next = nextSchema.parse(url.searchParams.get("next") ?? "/");

    if (host === root) {
      const slug = slugSchema.safeParse(url.searchParams.get("to"));
      if (!slug.success)
        return Response.json({ error: { code: "BAD_REQUEST", message: "Unknown blog" } }, { status: 400 });
      const target = `${blogOrigin(slug.data)}${next}`;
      if (cookieSharedWithSubdomains(env)) return redirect(target);
      const session = await getSessionFromRequest(req, deps.users());
      if (!session) return redirect(target);
      const { id, email, username, name, platformAdmin } = session.user;
      const token = await signToken({ sub: id, email, username, name, platformAdmin });
      const code = randomBytes(24).toString("base64url");
      await deps.redis().set(codeKey(code), token, "EX", CODE_TTL_SECONDS);
      return redirect(`${blogOrigin(slug.data)}/api/auth/bridge?${new URLSearchParams({ code, next })}`);
    }

    if (!host.endsWith(`.${root}`))
      return Response.json({ error: { code: "NOT_FOUND", message: "Not found" } }, { status: 404 });
    const code = z
      .string()
      .regex(/^[A-Za-z0-9_-]{32}$/)
      .safeParse(url.searchParams.get("code"));
    const token = code.success ? await deps.redis().getdel(codeKey(code.data)) : null;
    if (!token || !(await verifyToken(token))) return redirect(next);
    const cookie = [
      `${sessionCookieName(env)}=${token}`,
      "Path=/",
      "HttpOnly",
      "SameSite=Lax",
      `Max-Age=${TOKEN_MAX_AGE_SECONDS}`,
      ...(usesSecureCookies(env) ? ["Secure"] : []),
    ].join("; ");
    return redirect(next, { "set-cookie": cookie });
  };
}
