import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createContext } from "@/server/context";
import { log } from "@/server/log";
import { appRouter } from "@/server/routers";
import type { Services } from "@/server/services/container";

/**
 * The tRPC endpoint prefix of a request path: `/api/trpc`, or `/studio/<slug>/api/trpc` for the
 * studio's calls (the procedure path follows it).
 */
export function trpcEndpointOf(pathname: string): string {
  return /^(.*?\/api\/trpc)(?:\/|$)/.exec(pathname)?.[1] ?? "/api/trpc";
}

/**
 * One tRPC HTTP request, answered the same way wherever it arrives: Next's route handler
 * (`app/api/trpc/[trpc]/route.ts`) and the front server (`server/front/trpc-route.ts`) both call
 * this. The tenant is whatever `x-tenant-slug` the caller's routing layer set (it strips the
 * client's own `x-tenant-*` headers first).
 */
export function handleTrpcRequest(
  req: Request,
  endpoint: string = trpcEndpointOf(new URL(req.url).pathname),
  /** The app's container by default (tests pass their own). */
  services?: Services,
): Promise<Response> {
  return fetchRequestHandler({
    endpoint,
    req,
    router: appRouter,
    createContext: (opts) => createContext(opts, services),
    onError({ error, path, ctx }) {
      // Expected client errors are the caller's business; unexpected ones are ours, logged with
      // the stack here (the client gets a message without it).
      if (error.code === "INTERNAL_SERVER_ERROR") {
        log.error({ err: error.cause ?? error, path, requestId: ctx?.requestId }, "trpc procedure failed");
      }
    },
  });
}
