import { ObjectId } from "mongodb";
import type { DatabaseService, TenantRef } from "../../db";
import { AppError } from "../../errors";
import type { SearchService } from "../search/search-service";
import { PIPELINE_STATE_PROJECTION, type PostPipelineState, postPipelineState } from "./post-state";
import { consumerLag, type GroupLag, type LatencySummary, latencySummary } from "./stats";
import type { Pipeline } from "./wiring";

/** Search, or a 503 saying why it is not there (ELASTICSEARCH_URL unset). */
export function requireSearch(pipeline: Pipeline): SearchService {
  if (!pipeline.search)
    throw new AppError("UNAVAILABLE", "Search is not configured (ELASTICSEARCH_URL is unset).");
  return pipeline.search;
}

/** Pipeline chips of some of a blog's posts (the studio polls this while a post is in flight). */
export async function postPipelineStates(
  db: DatabaseService,
  tenant: TenantRef,
  postIds: string[],
): Promise<PostPipelineState[]> {
  const ids = postIds.filter((id) => ObjectId.isValid(id)).map((id) => new ObjectId(id));
  if (ids.length === 0) return [];
  const docs = await db
    .forTenant(tenant)
    .posts.find({ _id: { $in: ids } }, { projection: PIPELINE_STATE_PROJECTION })
    .toArray();
  return docs.map(postPipelineState);
}

export interface PipelineOverview {
  configured: { kafka: boolean; search: boolean };
  names: { tasks: string; results: string; deadLetter: string; index: string };
  lag: GroupLag[] | null;
  lagError: string | null;
  latency: LatencySummary;
  indexed: number | null;
  deadLettered: number | null;
}

/** The platform-admin page: consumer-group lag per partition and latency over the last 1,000 posts. */
export async function pipelineOverview(pipeline: Pipeline, db: DatabaseService): Promise<PipelineOverview> {
  const [lagResult, latency, indexed, deadLettered] = await Promise.all([
    pipeline.kafka
      ? withTimeout(consumerLag(pipeline.kafka, pipeline.names), 4_000).then(
          (lag) => ({ lag, error: null }),
          (error: unknown) => ({ lag: null, error: error instanceof Error ? error.message : String(error) }),
        )
      : Promise.resolve({ lag: null, error: "KAFKA_BROKERS is unset" }),
    latencySummary(db, 1_000),
    pipeline.index ? pipeline.index.count().catch(() => null) : Promise.resolve(null),
    pipeline.kafka ? deadLetterCount(pipeline).catch(() => null) : Promise.resolve(null),
  ]);
  return {
    configured: { kafka: Boolean(pipeline.kafka), search: Boolean(pipeline.index) },
    names: {
      tasks: pipeline.names.tasksTopic,
      results: pipeline.names.resultsTopic,
      deadLetter: pipeline.names.deadLetterTopic,
      index: pipeline.names.searchIndex,
    },
    lag: lagResult.lag,
    lagError: lagResult.error,
    latency,
    indexed,
    deadLettered,
  };
}

/**
 * The `pipeline` section of `/api/health` detail: consumer-group lag (total and per partition) of
 * the ingestion service and the result consumer, and latency over the last 1,000 posts.
 */
export async function pipelineHealthDetail(pipeline: Pipeline, db: DatabaseService) {
  const [lag, latency] = await Promise.all([
    pipeline.kafka ? consumerLag(pipeline.kafka, pipeline.names) : Promise.resolve(null),
    latencySummary(db, 1_000),
  ]);
  return {
    lag: lag
      ? Object.fromEntries(
          lag.map((g) => [
            g.group,
            { topic: g.topic, total: g.total, partitions: g.partitions.map((p) => p.lag) },
          ]),
        )
      : "not_configured",
    latencyMs: { p50: latency.p50, p99: latency.p99, posts: latency.count },
  };
}

async function deadLetterCount(pipeline: Pipeline): Promise<number> {
  const kafka = pipeline.kafka;
  if (!kafka) return 0;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(pipeline.names.deadLetterTopic)) return 0;
    const offsets = await admin.fetchTopicOffsets(pipeline.names.deadLetterTopic);
    return offsets.reduce((sum, o) => sum + (Number(o.high) - Number(o.low)), 0);
  } finally {
    await admin.disconnect();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref?.(),
    ),
  ]);
}
