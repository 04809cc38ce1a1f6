import type { IncomingMessage, ServerResponse } from "node:http";
import { httpStatusOf, isAppError } from "../../errors";
import type { Logger } from "../../log";
import { feedInputFromSearchParams } from "./feed-params";
import type { FeedService } from "./feed-service";

/**
 * `GET /api/feed` (ARCHITECTURE.md › contracts) as one function of the query string, mounted twice
 * with the same code: as Next's route handler (`app/api/feed/route.ts`) and on the node:http front
 * server (`scripts/serve.ts`), which answers it without going through Next's request pipeline.
 */

export const FEED_RESPONSE_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  // Pages are at most one second old (the service's response cache); shared caches may keep them that long.
  "cache-control": "public, max-age=1",
  "access-control-allow-origin": "*",
  "x-content-type-options": "nosniff",
} as const;

export interface FeedApiAnswer {
  status: number;
  body: string;
}

export async function feedApiAnswer(
  feed: FeedService,
  params: URLSearchParams,
  log: Pick<Logger, "error">,
): Promise<FeedApiAnswer> {
  try {
    return { status: 200, body: await feed.listJson(feedInputFromSearchParams(params)) };
  } catch (error) {
    if (isAppError(error)) {
      return {
        status: httpStatusOf(error.code),
        body: JSON.stringify({ error: { code: error.code, message: error.message } }),
      };
    }
    log.error(
      { err: error instanceof Error ? error.stack : String(error), path: "/api/feed" },
      "feed failed",
    );
    return {
      status: 500,
      body: JSON.stringify({ error: { code: "INTERNAL", message: "Something went wrong on our side." } }),
    };
  }
}

/** The front server's route: answers `GET|HEAD /api/feed`, leaves everything else to the next handler. */
export function feedFrontRoute(
  feed: () => FeedService,
  log: Pick<Logger, "error">,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const pathname = q < 0 ? url : url.slice(0, q);
    if (pathname !== "/api/feed" || (req.method !== "GET" && req.method !== "HEAD")) return false;
    const answer = await feedApiAnswer(feed(), new URLSearchParams(q < 0 ? "" : url.slice(q + 1)), log);
    const body = Buffer.from(answer.body);
    res.writeHead(answer.status, { ...FEED_RESPONSE_HEADERS, "content-length": body.length });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  };
}
