import { log } from "@/server/log";
import { getServices } from "@/server/services/container";
import { FEED_RESPONSE_HEADERS, feedApiAnswer } from "@/server/services/feed/feed-http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * `GET /api/feed?tag=&author=&tenant=&sort=hot|new|top&period=&limit=&cursor=` — the network feed.
 * 200 `{items, nextCursor}`; 400 `{error:{code,message}}` for an invalid parameter. The front
 * server answers the same path with the same function before a request reaches Next.
 */
export async function GET(req: Request): Promise<Response> {
  const answer = await feedApiAnswer(getServices().feed, new URL(req.url).searchParams, log);
  return new Response(answer.body, { status: answer.status, headers: FEED_RESPONSE_HEADERS });
}
