import { TRPCError } from "@trpc/server";

/**
 * The one error type services throw. Routers and REST handlers translate it with the
 * mappings below, so a service never knows whether it was called over HTTP or tRPC.
 */
export type AppErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "UNPROCESSABLE"
  | "TOO_MANY_REQUESTS"
  | "UNAVAILABLE";

/**
 * A process-wide brand: the services singleton lives on `globalThis`, so under Next's dev bundler
 * an error may come from another chunk's copy of this class, where `instanceof` says no.
 */
const APP_ERROR = Symbol.for("conduit.AppError");

export class AppError extends Error {
  readonly [APP_ERROR] = true;

  constructor(
    public readonly code: AppErrorCode,
    message: string,
    public readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export function isAppError(error: unknown): error is AppError {
  return (
    typeof error === "object" && error !== null && (error as { [APP_ERROR]?: boolean })[APP_ERROR] === true
  );
}

const httpStatusByCode: Record<AppErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNPROCESSABLE: 422,
  TOO_MANY_REQUESTS: 429,
  UNAVAILABLE: 503,
};

export function httpStatusOf(code: AppErrorCode): number {
  return httpStatusByCode[code];
}

const trpcCodeByCode: Record<AppErrorCode, TRPCError["code"]> = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  UNPROCESSABLE: "UNPROCESSABLE_CONTENT",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
};

export function trpcCodeOf(code: AppErrorCode): TRPCError["code"] {
  return trpcCodeByCode[code];
}

/** An AppError as the TRPCError the client sees (message kept, cause attached for logs). */
export function toTRPCError(error: AppError): TRPCError {
  return new TRPCError({ code: trpcCodeOf(error.code), message: error.message, cause: error });
}
