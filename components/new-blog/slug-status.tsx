import { Spinner } from "../ui/spinner";

export type SlugState =
  | { kind: "idle" }
  | { kind: "checking" }
  | { kind: "available" }
  | { kind: "unavailable"; reason: string }
  | { kind: "error" };

/** The live answer under the address field, announced politely as it changes. */
export function SlugStatus({ id, state }: { id: string; state: SlugState }) {
  return (
    <p id={id} aria-live="polite" className="mt-1.5 flex min-h-5 items-center gap-1.5 text-sm">
      {state.kind === "checking" ? (
        <span className="flex items-center gap-1.5 text-muted">
          <Spinner className="size-3.5" /> Checking availability…
        </span>
      ) : state.kind === "available" ? (
        <span className="flex items-center gap-1.5 font-medium text-success">
          <svg viewBox="0 0 16 16" aria-hidden="true" className="size-4 fill-current">
            <path d="M6.5 11.1 3.4 8l-1 1 4.1 4.1 7.1-7.1-1-1z" />
          </svg>
          Available
        </span>
      ) : state.kind === "unavailable" ? (
        <span className="flex items-center gap-1.5 text-danger">
          <svg viewBox="0 0 16 16" aria-hidden="true" className="size-4 fill-current">
            <path d="M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13Zm-.75 3h1.5v4.5h-1.5Zm0 5.75h1.5v1.5h-1.5Z" />
          </svg>
          {state.reason}
        </span>
      ) : state.kind === "error" ? (
        <span className="text-muted">
          Couldn't check right now — we'll check again when you create the blog.
        </span>
      ) : null}
    </p>
  );
}
