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
 * receives it too (cookies ignore ports). An IP address cannot have subdomains: host-only then.
 */
export function sessionCookieDomain(env: Pick<Env, "ROOT_DOMAIN">): string | undefined {
  const host = env.ROOT_DOMAIN.replace(/:\d+$/, "");
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) || (!host.includes(".") && host !== "localhost")) return undefined;
  return host;
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
