import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { SiteHeader } from "@/components/layout/site-header";
import { AutoRefresh } from "@/components/pipeline/auto-refresh";
import { requireUser } from "@/components/studio/load";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { env } from "@/server/env";
import { getServices } from "@/server/services/container";
import { QUEUE_NAMES } from "@/server/services/scheduler/queues";
import { type WorkerHealth, workerHealth } from "@/server/services/scheduler/worker-health";
import { retryFailedJobs, runSweepNow } from "./actions";

export const metadata: Metadata = { title: "Worker" };
export const dynamic = "force-dynamic";

function ago(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(1))} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

const time = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });
const STATUS = {
  ok: { tone: "success", label: "Running" },
  degraded: { tone: "warning", label: "Behind" },
  down: { tone: "danger", label: "No worker running" },
} as const;

async function load() {
  const services = getServices();
  const [health, failed, upcoming] = await Promise.all([
    workerHealth(services.queues, services.db),
    Promise.all(QUEUE_NAMES.map((q) => services.queues.queue(q).getFailed(0, 9))).then((lists) =>
      lists.flat().sort((a, b) => (b.finishedOn ?? 0) - (a.finishedOn ?? 0)),
    ),
    services.scheduler.upcoming(10),
  ]);
  const tenants = await services.db
    .master()
    .tenants.find({ _id: { $in: upcoming.map((u) => u.tenantId) } }, { projection: { slug: 1 } })
    .toArray();
  const slugs = new Map(tenants.map((t) => [t._id.toHexString(), t.slug]));
  return {
    health,
    failed,
    upcoming: upcoming.map((u) => ({ ...u, slug: slugs.get(u.tenantId.toHexString()) })),
  };
}

/**
 * Platform admins: the background worker at a glance — live worker processes, each queue's depth,
 * failures and waiting time, the scheduler's master index, and the hot-score backlog; failed jobs
 * can be retried and the sweep run now. Refreshes every 5 s.
 */
export default async function WorkerPage() {
  const user = await requireUser("/admin/worker");
  if (!user.platformAdmin) notFound();
  let data: Awaited<ReturnType<typeof load>> | null = null;
  let problem: string | null = null;
  try {
    data = await load();
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  const health: WorkerHealth | null = data?.health ?? null;
  const status = health ? STATUS[health.status] : STATUS.down;

  return (
    <>
      <SiteHeader user={user} />
      <AutoRefresh seconds={5} />
      <main id="main" className="mx-auto max-w-6xl px-4 pt-10 pb-20 sm:px-6">
        <div className="mb-2 flex flex-wrap items-center gap-3">
          <h1 className="font-serif text-3xl font-semibold tracking-tight text-ink">Background worker</h1>
          <Badge tone="warning">Platform admin</Badge>
          <Badge tone={status.tone} data-testid="worker-status">
            {status.label}
          </Badge>
        </div>
        <p className="mb-8 max-w-3xl text-muted">
          Scheduled posts publish at their exact time from delayed jobs; the sweep (every{" "}
          {ago(env.SCHEDULER_SWEEP_MS)}) and the deep pass over blog databases catch anything those miss. Hot
          scores are recomputed every {ago(env.HOT_SCORE_INTERVAL_MS)} for blogs with new reader signals.
        </p>

        {problem || !health || !data ? (
          <Card className="border-danger/30 bg-danger-soft p-5 text-sm text-danger">
            The worker's state could not be read: {problem ?? "unknown error"}. Is Redis running?
          </Card>
        ) : (
          <>
            <ul className="mb-8 grid grid-cols-2 gap-4 lg:grid-cols-4" data-testid="worker-stats">
              {[
                {
                  label: "Workers",
                  value: String(health.workers.length),
                  hint: "live processes",
                  ok: health.workers.length > 0,
                },
                {
                  label: "Scheduled",
                  value: health.scheduled.indexed.toLocaleString(),
                  hint: health.scheduled.nextDueAt
                    ? `next ${time.format(new Date(health.scheduled.nextDueAt))} UTC`
                    : "nothing scheduled",
                  ok: true,
                },
                {
                  label: "Overdue",
                  value: String(health.scheduled.overdue),
                  hint: "scheduled > 1 min ago",
                  ok: health.scheduled.overdue === 0,
                },
                {
                  label: "Hot-score backlog",
                  value: String(health.dirtyTenants),
                  hint: "blogs with new signals",
                  ok: health.dirtyTenants < 1_000,
                },
              ].map((s) => (
                <li key={s.label} className="rounded-card border border-line bg-surface p-5 shadow-card">
                  <p className="text-xs font-semibold tracking-wide text-muted uppercase">{s.label}</p>
                  <p
                    className={`mt-2 font-mono text-3xl font-semibold tabular-nums ${s.ok ? "text-ink" : "text-danger"}`}
                  >
                    {s.value}
                  </p>
                  <p className="mt-1 truncate text-xs text-muted">{s.hint}</p>
                </li>
              ))}
            </ul>

            <Card className="mb-6">
              <CardHeader className="flex flex-wrap items-center justify-between gap-3">
                <CardTitle>Queues</CardTitle>
                <form action={runSweepNow}>
                  <Button type="submit" variant="secondary" size="sm">
                    Run the sweep now
                  </Button>
                </form>
              </CardHeader>
              <CardBody className="overflow-x-auto p-0 sm:p-0">
                <table className="w-full min-w-[40rem] text-sm">
                  <thead className="text-left text-xs text-muted uppercase">
                    <tr className="border-b border-line">
                      {[
                        "Queue",
                        "Waiting",
                        "Active",
                        "Delayed",
                        "Failed",
                        "Done (kept)",
                        "Oldest waiting",
                        "Overdue delayed",
                        "",
                      ].map((h) => (
                        <th key={h} className="px-5 py-2.5 font-semibold tracking-wide">
                          {h}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody className="tabular-nums">
                    {health.queues.map((q) => (
                      <tr key={q.name} className="border-b border-line last:border-0">
                        <td className="px-5 py-3 font-mono text-ink">
                          {q.name}
                          {q.paused ? <Badge className="ml-2">paused</Badge> : null}
                        </td>
                        <td className="px-5 py-3">{q.waiting}</td>
                        <td className="px-5 py-3">{q.active}</td>
                        <td className="px-5 py-3">{q.delayed}</td>
                        <td className={`px-5 py-3 ${q.failed ? "font-semibold text-danger" : ""}`}>
                          {q.failed}
                        </td>
                        <td className="px-5 py-3 text-muted">{q.completed}</td>
                        <td className="px-5 py-3">{ago(q.oldestWaitingMs)}</td>
                        <td className={`px-5 py-3 ${q.overdueDelayedMs ? "text-danger" : ""}`}>
                          {ago(q.overdueDelayedMs)}
                        </td>
                        <td className="px-5 py-3 text-right">
                          {q.failed ? (
                            <form action={retryFailedJobs}>
                              <input type="hidden" name="queue" value={q.name} />
                              <Button type="submit" size="sm" variant="ghost">
                                Retry failed
                              </Button>
                            </form>
                          ) : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </CardBody>
            </Card>

            <div className="grid gap-6 lg:grid-cols-2">
              <Card>
                <CardHeader>
                  <CardTitle>Worker processes</CardTitle>
                </CardHeader>
                <CardBody>
                  {health.workers.length ? (
                    <ul className="flex flex-col gap-3 text-sm">
                      {health.workers.map((w) => (
                        <li key={w.id} className="flex flex-wrap items-baseline justify-between gap-2">
                          <span className="font-mono text-ink">
                            {w.host} · pid {w.pid}
                          </span>
                          <span className="text-xs text-muted">
                            {w.modules.join(", ")} · up since {time.format(new Date(w.startedAt))} UTC
                          </span>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <p className="text-sm text-danger">
                      No worker has reported in the last 30 s. Start one with{" "}
                      <code className="font-mono">npm run worker</code>.
                    </p>
                  )}
                </CardBody>
              </Card>
              <Card>
                <CardHeader>
                  <CardTitle>Next scheduled posts</CardTitle>
                </CardHeader>
                <CardBody>
                  {data.upcoming.length ? (
                    <ul className="flex flex-col gap-2 text-sm">
                      {data.upcoming.map((u) => (
                        <li key={u._id} className="flex items-baseline justify-between gap-3">
                          <span className="truncate font-mono text-xs text-ink-soft">
                            {u.slug ?? u.tenantId.toHexString()} / {u.postId.toHexString().slice(-8)} · v
                            {u.version}
                          </span>
                          <span className="shrink-0 text-xs text-muted">{time.format(u.publishAt)} UTC</span>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <p className="text-sm text-muted">Nothing is scheduled.</p>
                  )}
                </CardBody>
              </Card>
            </div>

            <Card className="mt-6">
              <CardHeader>
                <CardTitle>Recent failures</CardTitle>
              </CardHeader>
              <CardBody>
                {data.failed.length ? (
                  <ul className="flex flex-col divide-y divide-line text-sm" data-testid="failed-jobs">
                    {data.failed.map((job) => (
                      <li key={`${job.queueName}:${job.id}`} className="py-2.5 first:pt-0 last:pb-0">
                        <div className="flex flex-wrap items-baseline justify-between gap-2">
                          <span className="font-mono text-ink">
                            {job.queueName} / {job.name}
                          </span>
                          <span className="text-xs text-muted">
                            {job.attemptsMade} attempt{job.attemptsMade === 1 ? "" : "s"}
                            {job.finishedOn ? ` · ${time.format(new Date(job.finishedOn))} UTC` : ""}
                          </span>
                        </div>
                        <p className="mt-1 truncate font-mono text-xs text-danger">{job.failedReason}</p>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p className="text-sm text-muted">No failed jobs. Failures are kept for a week.</p>
                )}
              </CardBody>
            </Card>
          </>
        )}
      </main>
    </>
  );
}
