import { randomUUID } from "node:crypto";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's request id when it is a sane token (from a proxy), else a fresh one. */
export function requestIdOf(headers: Headers): string {
  const given = headers.get("x-request-id");
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}

/** The first hop of `x-forwarded-for` (the client as the edge proxy saw it), else `x-real-ip`. */
export function clientIpOf(headers: Headers): string | null {
  const first = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  if (first) return first.slice(0, 64);
  return headers.get("x-real-ip")?.trim().slice(0, 64) || null;
}
