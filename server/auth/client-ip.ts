/**
 * The client's address as the nearest proxy reports it. Only the first `x-forwarded-for` hop is
 * used; behind no proxy these headers are client-controlled, which the rate limit tolerates
 * (it also keys on the e-mail).
 */
export function clientIp(headers: Headers | Record<string, unknown>): string | null {
  const get = (name: string): string | null => {
    if (headers instanceof Headers) return headers.get(name);
    const v = headers[name];
    return typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : null;
  };
  const forwarded = get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || get("x-real-ip")?.trim() || null;
}
