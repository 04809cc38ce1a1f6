import type { Env } from "../env";

/** next-auth's default names; the `__Secure-` prefix makes browsers refuse it over plain http. */
export const SESSION_COOKIE = "next-auth.session-token";
export const SECURE_SESSION_COOKIE = "__Secure-next-auth.session-token";

export function usesSecureCookies(env: Pick<Env, "PUBLIC_PROTOCOL">): boolean {
  return env.PUBLIC_PROTOCOL === "https";
}

export function sessionCookieName(env: Pick<Env, "PUBLIC_PROTOCOL">): string {
  return usesSecureCookies(env) ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/**
 * The `Domain` of the session cookie: the root domain without its port, so `<slug>.<root>`
 * receives it too (cookies ignore ports). Undefined (a host-only cookie) where no such sharing
 * is possible: IP addresses, single-label hosts, and `localhost` — Chromium accepts
 * `Domain=localhost` but stores it host-only and never sends it to `<slug>.localhost`
 * (checked with Chromium 156 here), so there the subdomain gets its own cookie through the
 * sign-in bridge (bridge.ts).
 */
export function sessionCookieDomain(env: Pick<Env, "ROOT_DOMAIN">): string | undefined {
  const host = env.ROOT_DOMAIN.replace(/:\d+$/, "");
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) || !host.includes(".")) return undefined;
  return host;
}

/** True when the root's session cookie reaches its subdomains by itself. */
export function cookieSharedWithSubdomains(env: Pick<Env, "ROOT_DOMAIN">): boolean {
  return sessionCookieDomain(env) !== undefined;
}

/** Reads one cookie from a `Cookie` header. */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return undefined;
}
