import type { z } from "zod";
import { type AppError, httpStatusOf } from "../errors";
import { firstIssueMessage } from "../services/tenants/schemas";

/** The platform's REST error body: `{error:{code,message}}` with the matching status. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  headers?: HeadersInit,
): Response {
  return Response.json({ error: { code, message } }, { status, headers });
}

export function appErrorResponse(error: AppError, headers?: HeadersInit): Response {
  return errorResponse(httpStatusOf(error.code), error.code, error.message, headers);
}

/**
 * Reads and validates a JSON body; a malformed or invalid body is a 400 Response (returned, not
 * thrown, so handlers stay linear), never a 500.
 */
export async function readJsonBody<S extends z.ZodType>(
  req: Request,
  schema: S,
): Promise<{ ok: true; data: z.output<S> } | { ok: false; response: Response }> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return { ok: false, response: errorResponse(400, "BAD_REQUEST", "The request body must be valid JSON.") };
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    return { ok: false, response: errorResponse(400, "BAD_REQUEST", firstIssueMessage(parsed.error)) };
  }
  return { ok: true, data: parsed.data };
}
