import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { SiteHeader } from "@/components/layout/site-header";
import { AutoRefresh } from "@/components/pipeline/auto-refresh";
import { LagTable } from "@/components/pipeline/lag-table";
import { requireUser } from "@/components/studio/load";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { getServices } from "@/server/services/container";
import { pipelineOverview } from "@/server/services/pipeline/overview";

export const metadata: Metadata = { title: "Pipeline" };
export const dynamic = "force-dynamic";

const TARGETS = { p50: 250, p99: 1_000 };

function ms(value: number | null): string {
  if (value === null) return "—";
  return value < 1_000 ? `${Math.round(value)} ms` : `${(value / 1_000).toFixed(2)} s`;
}

/**
 * Platform admins: the content pipeline's health at a glance — consumer-group lag per partition
 * of the ingestion service and the worker's result consumer, and publish-to-searchable latency
 * p50/p99 over the last 1,000 posts (targets 250 ms / 1 s). Refreshes every 5 s.
 */
export default async function PipelinePage() {
  const user = await requireUser("/admin/pipeline");
  if (!user.platformAdmin) notFound();
  const services = getServices();
  const o = await pipelineOverview(services.pipeline, services.db);
  const groups = o.lag ?? [];
  const totalLag = groups.reduce((s, g) => s + g.total, 0);

  const stats = [
    {
      label: "Latency p50",
      value: ms(o.latency.p50),
      hint: `target ${ms(TARGETS.p50)}`,
      ok: o.latency.p50 === null || o.latency.p50 <= TARGETS.p50,
    },
    {
      label: "Latency p99",
      value: ms(o.latency.p99),
      hint: `target ${ms(TARGETS.p99)}`,
      ok: o.latency.p99 === null || o.latency.p99 <= TARGETS.p99,
    },
    {
      label: "Consumer lag",
      value: o.lag ? totalLag.toLocaleString() : "—",
      hint: "messages behind",
      ok: totalLag < 50,
    },
    {
      label: "Indexed posts",
      value: o.indexed === null ? "—" : o.indexed.toLocaleString(),
      hint: o.deadLettered ? `${o.deadLettered} dead-lettered` : "none dead-lettered",
      ok: !o.deadLettered,
    },
  ];

  return (
    <>
      <SiteHeader user={user} />
      <AutoRefresh seconds={5} />
      <main id="main" className="mx-auto max-w-6xl px-4 pt-10 pb-20 sm:px-6">
        <div className="mb-2 flex flex-wrap items-center gap-3">
          <h1 className="font-serif text-3xl font-semibold tracking-tight text-ink">Content pipeline</h1>
          <Badge tone="warning">Platform admin</Badge>
        </div>
        <p className="mb-8 max-w-3xl text-muted">
          Published posts travel Kafka → ingestion service (summary, entities, concepts, embedding) → results
          → worker → search index. Latency is from the save to searchable, over the last{" "}
          {o.latency.count.toLocaleString()} of at most 1,000 posts.
        </p>

        {!o.configured.kafka || !o.configured.search ? (
          <Card className="mb-6 border-warning/30 bg-warning-soft p-4 text-sm text-warning">
            {!o.configured.kafka ? "KAFKA_BROKERS is unset: no ingestion task is sent. " : ""}
            {!o.configured.search ? "ELASTICSEARCH_URL is unset: nothing is indexed or searchable." : ""}
          </Card>
        ) : null}

        <ul className="mb-8 grid grid-cols-2 gap-4 lg:grid-cols-4" data-testid="pipeline-stats">
          {stats.map((s) => (
            <li key={s.label} className="rounded-card border border-line bg-surface p-5 shadow-card">
              <p className="text-xs font-semibold tracking-wide text-muted uppercase">{s.label}</p>
              <p
                className={`mt-2 font-mono text-3xl font-semibold tabular-nums ${s.ok ? "text-ink" : "text-danger"}`}
              >
                {s.value}
              </p>
              <p className="mt-1 text-xs text-muted">{s.hint}</p>
            </li>
          ))}
        </ul>

        <div className="grid gap-6 lg:grid-cols-2">
          {groups.length ? (
            groups.map((g) => (
              <Card key={g.group}>
                <CardHeader className="flex items-baseline justify-between gap-3">
                  <CardTitle>
                    {g.group.endsWith("ingestion-service") ? "Ingestion service" : "Result consumer (worker)"}
                  </CardTitle>
                  <span className="truncate font-mono text-xs text-muted">
                    {g.group} ← {g.topic}
                  </span>
                </CardHeader>
                <CardBody>
                  <LagTable group={g} />
                </CardBody>
              </Card>
            ))
          ) : (
            <Card className="p-6 text-sm text-muted lg:col-span-2">
              Consumer lag is unavailable{o.lagError ? `: ${o.lagError}` : ""}.
            </Card>
          )}
        </div>

        <p className="mt-8 text-xs text-muted">
          Topics <span className="font-mono">{o.names.tasks}</span>,{" "}
          <span className="font-mono">{o.names.results}</span>, dead letters{" "}
          <span className="font-mono">{o.names.deadLetter}</span>; index{" "}
          <span className="font-mono">{o.names.index}</span>. Enrichment itself (analysis + embedding) p50{" "}
          {ms(o.latency.enrichP50)}.
        </p>
      </main>
    </>
  );
}
