import {
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  ObjectId,
} from "mongodb";
import { sessionFromToken, tokenFromAuthorization } from "../auth/session-from-request";
import type { Logger } from "../log";
import type { ApiCaller } from "../services/realworld/caller";
import { fromAppError, RealWorldError, unauthorized } from "../services/realworld/errors";
import type { UsersService } from "../services/users/users-service";
import { clientIpOf, requestIdOf } from "./request-meta";

/**
 * The RealWorld API's HTTP edge: CORS for browser front ends on any origin, who is calling
 * (a token only), JSON bodies, and the error shape. Shared by every RealWorld route, including
 * the existing `/api/users*` and `/api/user` handlers.
 */

/** Preflights are answered for a day; credentials are tokens in a header, never cookies, so `*` is safe. */
export const CORS_HEADERS: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "x-request-id",
};
const PREFLIGHT_HEADERS: Record<string, string> = {
  ...CORS_HEADERS,
  "access-control-allow-methods": "GET, POST, PUT, DELETE, OPTIONS",
  "access-control-allow-headers": "Authorization, Content-Type, X-Requested-With",
  "access-control-max-age": "86400",
};

/** `OPTIONS` on any RealWorld path: 204 with what a cross-origin client may send. */
export function preflight(req: Request): Response {
  const headers = new Headers(PREFLIGHT_HEADERS);
  // Echo what the browser asks to send (its own list), so custom client headers pass too.
  const asked = req.headers.get("access-control-request-headers");
  if (asked && /^[\w\s,-]{1,500}$/.test(asked)) headers.set("access-control-allow-headers", asked);
  return new Response(null, { status: 204, headers });
}

/** A response with the CORS headers added (for handlers written before them). */
export async function withCors(res: Response | Promise<Response>): Promise<Response> {
  const r = await res;
  const headers = new Headers(r.headers);
  for (const [k, v] of Object.entries(CORS_HEADERS)) headers.set(k, v);
  return new Response(r.body, { status: r.status, statusText: r.statusText, headers });
}

export function json(status: number, body: unknown, requestId?: string): Response {
  const headers = new Headers({ ...CORS_HEADERS, "cache-control": "no-store" });
  if (requestId) headers.set("x-request-id", requestId);
  return Response.json(body, { status, headers });
}

export function noContent(requestId?: string): Response {
  const headers = new Headers(CORS_HEADERS);
  if (requestId) headers.set("x-request-id", requestId);
  return new Response(null, { status: 204, headers });
}

const MAX_BODY_BYTES = 1_000_000;

/**
 * The `<key>` object of a JSON body (`{"article": {...}}`). Not JSON: 400; JSON without the
 * object: 422 naming it; over 1 MB: 413.
 */
export async function readEnvelope(req: Request, key: string): Promise<Record<string, unknown>> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) throw new RealWorldError(413, { body: ["The request body is too large"] });
  const raw = await req.text();
  if (raw.length > MAX_BODY_BYTES) throw new RealWorldError(413, { body: ["The request body is too large"] });
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new RealWorldError(400, { body: [`The request body must be JSON: {"${key}": {...}}`] });
  }
  const value =
    body && typeof body === "object" && !Array.isArray(body)
      ? (body as Record<string, unknown>)[key]
      : undefined;
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new RealWorldError(422, { [key]: ["is missing"] });
  }
  return value as Record<string, unknown>;
}

export interface RequestContext {
  requestId: string;
  ip: string | null;
}

export function requestContext(req: Request): RequestContext {
  return { requestId: requestIdOf(req.headers), ip: clientIpOf(req.headers) };
}

/**
 * The caller, from `Authorization: Token <jwt>` (RealWorld) or `Bearer <jwt>`. Only the header
 * counts: the API never acts on a browser's cookie, so another site's page cannot act for a
 * signed-in reader. A header with a bad or expired token is a 401, even where auth is optional.
 */
export async function callerOf(
  req: Request,
  users: UsersService,
  ctx: RequestContext,
): Promise<ApiCaller | null> {
  const header = req.headers.get("authorization");
  // Some front ends send "Token null" (or "undefined") when signed out: that is no token.
  if (!header || /^\s*(?:Token|Bearer)\s*(?:null|undefined)?\s*$/i.test(header)) return null;
  const session = await sessionFromToken(tokenFromAuthorization(header), users);
  if (!session) throw unauthorized();
  const u = session.user;
  return {
    oid: new ObjectId(u.id),
    id: u.id,
    email: u.email,
    username: u.username,
    name: u.name,
    platformAdmin: u.platformAdmin,
    ip: ctx.ip,
    requestId: ctx.requestId,
  };
}

export function requireCaller(caller: ApiCaller | null): ApiCaller {
  if (!caller) throw unauthorized();
  return caller;
}

const UNAVAILABLE = [
  MongoNetworkError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoNotConnectedError,
];

/** Any failure as a RealWorld error response; unexpected ones are logged and hidden. */
export function errorResponse(
  error: unknown,
  ctx: RequestContext & { path: string },
  log: Pick<Logger, "error">,
): Response {
  const known = fromAppError(error);
  if (known) return json(known.status, { errors: known.errors }, ctx.requestId);
  const unavailable = UNAVAILABLE.some((type) => error instanceof type);
  log.error(
    { err: error instanceof Error ? error.stack : String(error), path: ctx.path, requestId: ctx.requestId },
    "realworld request failed",
  );
  return json(
    unavailable ? 503 : 500,
    {
      errors: {
        body: [unavailable ? "The service is unavailable. Try again shortly." : "Something went wrong."],
      },
    },
    ctx.requestId,
  );
}
