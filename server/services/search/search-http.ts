import { ZodError } from "zod";
import { isAppError } from "../../errors";
import type { Logger } from "../../log";
import type { SearchService } from "./search-service";
import { searchQuerySchema } from "./search-service";

export const SEARCH_RESPONSE_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
} as const;

/**
 * `GET /api/search?q=&tenant=&tag=&mode=hybrid|semantic|keyword&limit=` (ARCHITECTURE.md):
 * 200 `{items:[feed item fields…, score, summary, concepts, highlights], took, mode, usedMode}`;
 * 400 `{error}` for a bad parameter; 503 when search is not configured or not answering. On a
 * blog's host the blog is the host's, whatever `tenant` says.
 */
export async function searchApiAnswer(
  search: SearchService | null,
  params: URLSearchParams,
  hostTenant: string | null,
  log: Pick<Logger, "warn">,
): Promise<{ status: number; body: string }> {
  const raw = Object.fromEntries([...params.entries()].filter(([, v]) => v !== ""));
  if (hostTenant) raw.tenant = hostTenant;
  const parsed = searchQuerySchema.safeParse(raw);
  if (!parsed.success) return error(400, "BAD_REQUEST", parsed.error.issues[0]?.message ?? "Invalid query.");
  if (!search) return error(503, "UNAVAILABLE", "Search is not configured (ELASTICSEARCH_URL is unset).");
  try {
    const answer = await search.search(parsed.data);
    return { status: 200, body: JSON.stringify(answer) };
  } catch (err) {
    if (isAppError(err)) return error(400, err.code, err.message);
    if (err instanceof ZodError) return error(400, "BAD_REQUEST", err.issues[0]?.message ?? "Invalid query.");
    log.warn({ err: String(err) }, "search failed");
    return error(503, "UNAVAILABLE", "Search is not answering right now. Try again in a moment.");
  }
}

function error(status: number, code: string, message: string) {
  return { status, body: JSON.stringify({ error: { code, message } }) };
}
