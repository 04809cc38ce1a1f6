import { TRPCClientError } from "@trpc/client";

/** Field errors from our tRPC error formatter (`data.zodError.fieldErrors`), first message per field. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  if (!(error instanceof TRPCClientError)) return {};
  const fieldErrors = (
    error.data as { zodError?: { fieldErrors?: Record<string, string[] | undefined> } } | undefined
  )?.zodError?.fieldErrors;
  const out: Record<string, string> = {};
  for (const [field, messages] of Object.entries(fieldErrors ?? {})) {
    if (messages?.[0]) out[field] = messages[0];
  }
  return out;
}

/** A sentence a person can act on; never a stack trace or "Internal server error". */
export function messageOf(error: unknown, fallback = "Something went wrong. Please try again."): string {
  if (error instanceof TRPCClientError) {
    const code = (error.data as { code?: string } | undefined)?.code;
    if (code === "INTERNAL_SERVER_ERROR") return fallback;
    if (code === "UNAUTHORIZED") return "Your session has ended. Sign in again to continue.";
    if (error.message && !error.message.startsWith("[")) return error.message;
    return fallback;
  }
  if (error instanceof TypeError) return "Can't reach Conduit. Check your connection and try again.";
  return fallback;
}

/** Only same-site paths: an absolute or protocol-relative URL here would be an open redirect. */
export function safeCallbackUrl(value: string | string[] | undefined, fallback: string): string {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v?.startsWith("/") || v.startsWith("//") || v.startsWith("/\\")) return fallback;
  return v;
}

/** Moves focus to the first field (in form order) that has an error, so keyboard users land on it. */
export function focusFirstError(errors: Record<string, unknown>, order: string[]): void {
  const first = order.find((name) => errors[name]);
  if (first) document.getElementById(`${first}-input`)?.focus();
}
