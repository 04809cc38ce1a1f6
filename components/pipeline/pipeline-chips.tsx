import type { PipelineStep, PostPipelineState } from "@/server/services/pipeline/post-state";
import { cn } from "../ui/cn";

const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** Milliseconds between two steps, as the chip's small print ("+84 ms"). */
function delta(step: PipelineStep, previous: PipelineStep | undefined): string | null {
  if (!step.at || !previous?.at) return null;
  const ms = new Date(step.at).getTime() - new Date(previous.at).getTime();
  if (ms < 0) return null;
  return ms < 1_000 ? `+${ms} ms` : `+${(ms / 1_000).toFixed(1)} s`;
}

/**
 * The pipeline of one post version: saved → in feed → enrichment sent → enriched → searchable.
 * Green when done (with the step's time and the delay since the previous one), pulsing while in
 * flight, grey when not applicable (drafts never leave the studio).
 */
export function PipelineChips({ state, compact = false }: { state: PostPipelineState; compact?: boolean }) {
  return (
    <ol
      className="flex flex-wrap items-center gap-1"
      aria-label={`Pipeline of version ${state.version}`}
      data-testid="pipeline-chips"
      data-settled={state.settled ? "true" : "false"}
    >
      {state.steps.map((step, i) => {
        const previous = state.steps.slice(0, i).findLast((s) => s.at);
        const d = delta(step, previous);
        const title = step.at
          ? `${step.label} at ${timeFormat.format(new Date(step.at))}${d ? ` (${d})` : ""}`
          : step.state === "skipped"
            ? `${step.label}: not for unpublished posts`
            : `${step.label}: in progress`;
        return (
          <li key={step.key} className="flex items-center gap-1">
            {i > 0 ? (
              <span
                aria-hidden="true"
                className={cn("h-px w-2", step.state === "done" ? "bg-success/50" : "bg-line-strong")}
              />
            ) : null}
            <span
              title={title}
              data-step={step.key}
              data-state={step.state}
              className={cn(
                "inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-[11px] leading-4 font-medium ring-1 ring-inset",
                step.state === "done" && "bg-success-soft text-success ring-success/20",
                step.state === "pending" && "animate-pulse bg-warning-soft text-warning ring-warning/25",
                step.state === "skipped" && "bg-stone-50 text-stone-400 ring-stone-200",
              )}
            >
              <span aria-hidden="true">
                {step.state === "done" ? "✓" : step.state === "pending" ? "•" : "–"}
              </span>
              {step.label}
              {!compact && d ? <span className="font-normal opacity-70">{d}</span> : null}
              <span className="sr-only">
                {step.state === "done"
                  ? " (done)"
                  : step.state === "pending"
                    ? " (in progress)"
                    : " (not applicable)"}
              </span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}
