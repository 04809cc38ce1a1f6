import { env } from "@/server/env";
import { parseHost } from "@/server/http/host";
import { log } from "@/server/log";
import { getServices } from "@/server/services/container";
import { SEARCH_RESPONSE_HEADERS, searchApiAnswer } from "@/server/services/search/search-http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** `GET /api/search` — network search (one blog on its own host); see search-http.ts. */
export async function GET(req: Request): Promise<Response> {
  const host = parseHost(req.headers.get("host"), env.ROOT_DOMAIN);
  const answer = await searchApiAnswer(
    getServices().pipeline.search,
    new URL(req.url).searchParams,
    host.kind === "tenant" ? host.slug : null,
    log,
  );
  return new Response(answer.body, { status: answer.status, headers: SEARCH_RESPONSE_HEADERS });
}
