import { type AppError, isAppError } from "../../errors";

/**
 * RealWorld's error body is `{errors: {<field>: [messages]}}`: validation problems (422) and
 * not-found (404) name the field or the thing (`title`, `article`, `profile`, `comment`);
 * everything else (401, 403, 429, 503, 500) says it under `body`, as `POST /api/users` does.
 */
export class RealWorldError extends Error {
  constructor(
    readonly status: number,
    readonly errors: Record<string, string[]>,
  ) {
    super(Object.values(errors).flat().join("; "));
    this.name = "RealWorldError";
  }
}

export function isRealWorldError(error: unknown): error is RealWorldError {
  return error instanceof RealWorldError;
}

export const unprocessable = (field: string, ...messages: string[]) =>
  new RealWorldError(422, { [field]: messages });
export const notFound = (thing: "article" | "profile" | "comment" | "blog") =>
  new RealWorldError(404, { [thing]: ["not found"] });
export const unauthorized = (message = "Missing or invalid token: send Authorization: Token <jwt>") =>
  new RealWorldError(401, { body: [message] });
export const forbidden = (message: string) => new RealWorldError(403, { body: [message] });

/** Field errors a service attached to an AppError (`{field: [messages]}`), if any. */
function fieldErrors(error: AppError): Record<string, string[]> | null {
  const details = error.details;
  if (!details || typeof details !== "object" || Array.isArray(details)) return null;
  const entries = Object.entries(details as Record<string, unknown>).filter(
    (e): e is [string, string[]] => Array.isArray(e[1]) && e[1].every((m) => typeof m === "string"),
  );
  return entries.length ? Object.fromEntries(entries) : null;
}

/** A service's AppError in RealWorld terms; anything else is not ours to translate (null). */
export function fromAppError(error: unknown): RealWorldError | null {
  if (isRealWorldError(error)) return error;
  if (!isAppError(error)) return null;
  switch (error.code) {
    case "BAD_REQUEST":
    case "UNPROCESSABLE":
    case "CONFLICT":
      return new RealWorldError(422, fieldErrors(error) ?? { body: [error.message] });
    case "UNAUTHORIZED":
      return unauthorized(error.message);
    case "FORBIDDEN":
      return forbidden(error.message);
    case "NOT_FOUND":
      return new RealWorldError(404, { body: [error.message] });
    case "TOO_MANY_REQUESTS":
      return new RealWorldError(429, { body: [error.message] });
    case "UNAVAILABLE":
      return new RealWorldError(503, { body: [error.message] });
  }
}
