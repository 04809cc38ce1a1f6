import type { Kafka } from "kafkajs";
import type { DatabaseService } from "../../db";
import type { PipelineNames } from "./names";

export interface PartitionLag {
  partition: number;
  /** Next offset to be written. */
  end: number;
  /** Next offset the group will read (its committed offset). */
  committed: number;
  lag: number;
}

export interface GroupLag {
  group: string;
  topic: string;
  partitions: PartitionLag[];
  total: number;
}

/**
 * Consumer-group lag per partition (issue 21 §5): the topic's end offsets minus the group's
 * committed offsets, from the Kafka admin API — the same figures `kafka-consumer-groups
 * --describe` prints. A group that never committed has lag = everything in the topic.
 */
export async function consumerLag(kafka: Kafka, names: PipelineNames): Promise<GroupLag[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const pairs: [string, string][] = [
      [names.ingestionGroup, names.tasksTopic],
      [names.enrichmentGroup, names.resultsTopic],
    ];
    const topics = new Set(await admin.listTopics());
    const out: GroupLag[] = [];
    for (const [group, topic] of pairs) {
      if (!topics.has(topic)) {
        out.push({ group, topic, partitions: [], total: 0 });
        continue;
      }
      const [ends, committed] = await Promise.all([
        admin.fetchTopicOffsets(topic),
        admin.fetchOffsets({ groupId: group, topics: [topic] }),
      ]);
      const byPartition = new Map<number, number>();
      for (const p of committed[0]?.partitions ?? []) byPartition.set(p.partition, Number(p.offset));
      const partitions = ends
        .map((e) => {
          const end = Number(e.high);
          const low = Number(e.low);
          const c = byPartition.get(e.partition) ?? -1;
          const from = c < 0 ? low : c;
          return { partition: e.partition, end, committed: Math.max(c, 0), lag: Math.max(0, end - from) };
        })
        .sort((a, b) => a.partition - b.partition);
      out.push({ group, topic, partitions, total: partitions.reduce((s, p) => s + p.lag, 0) });
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

export interface LatencySummary {
  count: number;
  p50: number | null;
  p99: number | null;
  enrichP50: number | null;
  newestAt: Date | null;
}

/** Publish/save → searchable latency over the newest `limit` posts (admin page). */
export async function latencySummary(db: DatabaseService, limit = 1_000): Promise<LatencySummary> {
  const rows = await db
    .master()
    .pipelineLatency.find({}, { projection: { latencyMs: 1, enrichMs: 1, indexedAt: 1 } })
    .sort({ indexedAt: -1 })
    .limit(limit)
    .toArray();
  const lat = rows.map((r) => r.latencyMs).sort((a, b) => a - b);
  const enrich = rows.map((r) => r.enrichMs).sort((a, b) => a - b);
  return {
    count: rows.length,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    enrichP50: percentile(enrich, 50),
    newestAt: rows[0]?.indexedAt ?? null,
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? null;
}
