import { handleTrpcRequest } from "@/server/http/trpc-handler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * The studio calls `/studio/<slug>/api/trpc/<proc>`, which middleware rewrites to this route; the
 * request URL may still carry the original path, so the endpoint prefix is taken from it.
 * (Behind scripts/serve.ts in production the front server answers these before Next does —
 * server/front/trpc-route.ts — with the same handler.)
 */
function handler(req: Request): Promise<Response> {
  return handleTrpcRequest(req);
}

export { handler as GET, handler as POST };
