import { getSessionFromRequest } from "@/server/auth/session-from-request";
import { isAppError } from "@/server/errors";
import { callerFrom } from "@/server/http/caller";
import { appErrorResponse, errorResponse, readJsonBody } from "@/server/http/json";
import { clientIpOf, requestIdOf } from "@/server/http/request-meta";
import { log } from "@/server/log";
import { getServices } from "@/server/services/container";
import { createTenantSchema } from "@/server/services/tenants/schemas";
import type { TenantDto } from "@/server/services/tenants/tenants-service";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function restShape(t: TenantDto) {
  return {
    id: t.id,
    name: t.name,
    slug: t.slug,
    theme: t.theme,
    status: t.status,
    databaseName: t.databaseName,
    url: t.url,
    createdAt: t.createdAt.toISOString(),
    ...(t.role ? { role: t.role } : {}),
  };
}

/** Runs a handler body with the request's caller; maps AppError and hides anything unexpected. */
async function withCaller(
  req: Request,
  body: (caller: ReturnType<typeof callerFrom>, headers: Headers) => Promise<Response>,
): Promise<Response> {
  const requestId = requestIdOf(req.headers);
  const headers = new Headers({ "x-request-id": requestId });
  try {
    const services = getServices();
    const session = await getSessionFromRequest(req, services.users);
    if (!session) return errorResponse(401, "UNAUTHORIZED", "Sign in or send a valid token.", headers);
    return await body(callerFrom(session, { ip: clientIpOf(req.headers), requestId }), headers);
  } catch (error) {
    if (isAppError(error)) return appErrorResponse(error, headers);
    log.error({ err: error, requestId, path: "/api/tenants" }, "tenants request failed");
    return errorResponse(500, "INTERNAL", "Something went wrong on our side.", headers);
  }
}

/** Create a blog: 201 with the new tenant; 400 invalid, 401 anonymous, 409 slug taken. */
export function POST(req: Request): Promise<Response> {
  return withCaller(req, async (caller, headers) => {
    const input = await readJsonBody(req, createTenantSchema);
    if (!input.ok) return input.response;
    const tenant = await getServices().tenants.create(input.data, caller);
    headers.set("location", tenant.url);
    return Response.json(restShape(tenant), { status: 201, headers });
  });
}

/** The caller's blogs, with their role. */
export function GET(req: Request): Promise<Response> {
  return withCaller(req, async (caller, headers) => {
    const tenants = await getServices().tenants.mine(caller.userId);
    return Response.json({ tenants: tenants.map(restShape) }, { headers });
  });
}
