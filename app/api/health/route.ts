import { env } from "@/server/env";
import { getServices } from "@/server/services/container";
import { HealthService } from "@/server/services/health/health-service";
import { pipelineHealthDetail } from "@/server/services/pipeline/overview";
import { workerHealth } from "@/server/services/scheduler/worker-health";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// One Redis connection per process, reused across probes (and across Next dev reloads).
const key = Symbol.for("conduit.health");
type WithHealth = typeof globalThis & { [key]?: HealthService };

function health(): HealthService {
  const g = globalThis as WithHealth;
  g[key] ??= new HealthService({
    db: getServices().db,
    redisUrl: env.REDIS_URL,
    kafkaBrokers: env.KAFKA_BROKERS,
    elasticsearchUrl: env.ELASTICSEARCH_URL,
    s3Endpoint: env.S3_ENDPOINT,
    storage: getServices().storage,
    // The worker process (feed issue): queue depth, failed jobs, oldest waiting job, live workers.
    details: {
      worker: () => workerHealth(getServices().queues, getServices().db),
      // The content pipeline (pipeline issue): consumer-group lag per partition, latency p50/p99.
      pipeline: () => pipelineHealthDetail(getServices().pipeline, getServices().db),
    },
  });
  return g[key];
}

/** 200 when every configured dependency answers; 503 naming the ones that do not. */
export async function GET(): Promise<Response> {
  const report = await health().check();
  return Response.json(report, {
    status: report.status === "ok" ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
}
