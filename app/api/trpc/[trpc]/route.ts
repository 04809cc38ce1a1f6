import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createContext } from "@/server/context";
import { log } from "@/server/log";
import { appRouter } from "@/server/routers";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * The studio calls `/studio/<slug>/api/trpc/<proc>`, which middleware rewrites to this route; the
 * request URL may still carry the original path, so the endpoint prefix is taken from it.
 */
function endpointOf(req: Request): string {
  return /^(.*?\/api\/trpc)(?:\/|$)/.exec(new URL(req.url).pathname)?.[1] ?? "/api/trpc";
}

function handler(req: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: endpointOf(req),
    req,
    router: appRouter,
    createContext,
    onError({ error, path, ctx }) {
      // Expected client errors are the caller's business; unexpected ones are ours, logged with
      // the stack here (the client gets a message without it).
      if (error.code === "INTERNAL_SERVER_ERROR") {
        log.error({ err: error.cause ?? error, path, requestId: ctx?.requestId }, "trpc procedure failed");
      }
    },
  });
}

export { handler as GET, handler as POST };
