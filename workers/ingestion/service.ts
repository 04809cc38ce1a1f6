import { availableParallelism } from "node:os";
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from "kafkajs";
import type { Logger } from "../../server/log";
import { EmbeddingThreads } from "../../server/services/ingestion/embed-threads";
import { loadEmbeddingModel, loadTokenizer } from "../../server/services/ingestion/embedder";
import { type Enrichment, enrichBatch } from "../../server/services/ingestion/enrich";
import { ensurePipelineTopics, PIPELINE_PARTITIONS } from "../../server/services/pipeline/kafka";
import {
  headerString,
  type IngestionTask,
  ingestionTaskSchema,
  TRACE_HEADERS,
} from "../../server/services/pipeline/messages";
import type { PipelineNames } from "../../server/services/pipeline/names";

export interface IngestionServiceOptions {
  kafka: Kafka;
  names: PipelineNames;
  log: Logger;
  /** Tasks enriched per model call; batching cuts the embedding cost per post (see README). */
  batchSize?: number;
  /**
   * Worker threads running the embedding model (each loads its own copy). 0 runs it on the
   * service's own thread. Default: one per core, at most 4 (the model call is pure CPU).
   */
  embedThreads?: number;
  /** How long a fetch waits for new tasks when the partition is idle. */
  maxWaitMs?: number;
  /** Test hook: called after results are produced and before their offsets are committed. */
  beforeCommit?: (count: number) => Promise<void> | void;
}

export interface IngestionStats {
  processed: number;
  skippedDuplicates: number;
  tombstones: number;
  deadLettered: number;
}

export interface IngestionService {
  stats: IngestionStats;
  consumer: Consumer;
  stop(): Promise<void>;
}

/** Recently produced (postId, version) pairs: a redelivered task is not enriched twice. */
class RecentSet {
  private readonly items = new Set<string>();
  constructor(private readonly max: number) {}
  has(key: string) {
    return this.items.has(key);
  }
  add(key: string) {
    this.items.add(key);
    if (this.items.size > this.max) {
      const first = this.items.values().next().value;
      if (first !== undefined) this.items.delete(first);
    }
  }
}

type Outgoing = { topic: string; key: string | null; value: string | null; headers?: Record<string, string> };

/**
 * The ingestion service (issue 21 §2): a kafkajs consumer group on the tasks topic. Per batch it
 * parses the tasks, keeps the newest version of each post, enriches them together (one model
 * call), produces the results (acks = all), and only then commits the offsets — so a crash at any
 * point redelivers, never loses. A task that cannot be parsed or enriched goes to the dead-letter
 * topic with its error, and its partition moves on.
 */
export async function startIngestionService(opts: IngestionServiceOptions): Promise<IngestionService> {
  const { kafka, names, log } = opts;
  const batchSize = opts.batchSize ?? 8;
  await ensurePipelineTopics(kafka, names);
  // The tokeniser runs here; the model calls run on the threads (or here, with 0 threads).
  const threadCount = opts.embedThreads ?? Math.min(4, availableParallelism());
  const threads = threadCount > 0 ? new EmbeddingThreads(threadCount) : null;
  await (threads ? loadTokenizer() : loadEmbeddingModel());
  await threads?.ready();

  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const consumer = kafka.consumer({
    groupId: names.ingestionGroup,
    maxWaitTimeInMs: opts.maxWaitMs ?? 100,
    // kafkajs heartbeats between chunks only; a chunk's embedding on a busy machine must not cost
    // the member its partitions (a rebalance redelivers the chunk, which then takes as long again).
    sessionTimeout: 30_000,
    heartbeatInterval: 1_000,
    rebalanceTimeout: 30_000,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: names.tasksTopic, fromBeginning: true });

  const stats: IngestionStats = { processed: 0, skippedDuplicates: 0, tombstones: 0, deadLettered: 0 };
  const recent = new RecentSet(10_000);

  const handleChunk = async (payload: EachBatchPayload, messages: KafkaMessage[]) => {
    const { batch } = payload;
    const receivedAt = String(Date.now());
    // Outgoing messages keep the order of the tasks they answer (a tombstone after a task of the
    // same post must reach the results topic after that task's result).
    const slots: (Outgoing | IngestionTask)[] = [];
    const tasks: { message: KafkaMessage; task: IngestionTask }[] = [];

    for (const message of messages) {
      const key = message.key?.toString() ?? null;
      if (message.value === null) {
        // Tombstone: forwarded as is, so the result consumer removes the post (or tenant) from search.
        stats.tombstones += 1;
        const headers: Record<string, string> = {};
        for (const name of ["version", "scope"]) {
          const v = headerString(message.headers?.[name]);
          if (v !== undefined) headers[name] = v;
        }
        slots.push({ topic: names.resultsTopic, key, value: null, headers });
        continue;
      }
      let task: IngestionTask;
      try {
        task = ingestionTaskSchema.parse(JSON.parse(message.value.toString("utf8")));
        if (key !== `${task.tenantId}:${task.postId}`) throw new Error(`key ${key} does not match the task`);
      } catch (error) {
        slots.push(deadLetter(names, batch.partition, message, error));
        continue;
      }
      tasks.push({ message, task });
      slots.push(task);
    }

    // Newest version per post wins; an older version later in the same chunk is superseded.
    const newest = new Map<string, IngestionTask>();
    for (const { task } of tasks) {
      const seen = newest.get(task.postId);
      if (!seen || seen.version < task.version) newest.set(task.postId, task);
    }
    const todo = [...newest.values()].filter((t) => {
      const dup = recent.has(`${t.postId}:${t.version}`);
      if (dup) stats.skippedDuplicates += 1;
      return !dup;
    });
    stats.skippedDuplicates += tasks.length - newest.size;

    const answers = new Map<IngestionTask, Outgoing>();
    for (const e of await enrichSafely(todo)) {
      if (e.ok) {
        answers.set(e.task, {
          topic: names.resultsTopic,
          key: `${e.result.tenantId}:${e.result.postId}`,
          value: JSON.stringify(e.result),
          headers: {
            [TRACE_HEADERS.taskAt]: tasks.find((t) => t.task === e.task)?.message.timestamp ?? "",
            [TRACE_HEADERS.receivedAt]: receivedAt,
          },
        });
      } else {
        const original = tasks.find((t) => t.task === e.task)?.message;
        if (original) answers.set(e.task, deadLetter(names, batch.partition, original, new Error(e.error)));
      }
    }
    // Superseded and duplicate tasks have no answer and drop out here.
    const out = slots.flatMap((s) =>
      "topic" in s ? [s] : answers.has(s) ? [answers.get(s) as Outgoing] : [],
    );

    if (out.length > 0) {
      const byTopic = new Map<string, Outgoing[]>();
      for (const m of out) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic.entries()].map(([topic, ms]) => ({
          topic,
          messages: ms.map(({ key, value, headers }) => ({ key, value, headers })),
        })),
      });
    }
    for (const e of out) if (e.topic === names.deadLetterTopic) stats.deadLettered += 1;
    for (const t of todo) recent.add(`${t.postId}:${t.version}`);
    stats.processed += todo.length;

    await opts.beforeCommit?.(messages.length);
    const last = messages.at(-1);
    if (last) {
      payload.resolveOffset(last.offset);
      await consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
      ]);
    }
    await payload.heartbeat();
  };

  const enrichSafely = async (todo: IngestionTask[]): Promise<Enrichment[]> => {
    if (todo.length === 0) return [];
    try {
      return await enrichBatch(todo, threads?.run);
    } catch (error) {
      // One bad task must not fail its neighbours: retry one by one to find it.
      log.warn({ err: String(error), tasks: todo.length }, "batch enrichment failed; retrying one by one");
      const out: Enrichment[] = [];
      for (const task of todo) {
        try {
          out.push(...(await enrichBatch([task], threads?.run)));
        } catch (single) {
          out.push({ ok: false, task, error: single instanceof Error ? single.message : String(single) });
        }
      }
      return out;
    }
  };

  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    // Each partition's batches stay in order; the partitions overlap (one produces and commits
    // while another's chunk is on the model threads).
    partitionsConsumedConcurrently: PIPELINE_PARTITIONS,
    eachBatch: async (payload) => {
      const { messages } = payload.batch;
      for (let at = 0; at < messages.length; at += batchSize) {
        if (!payload.isRunning() || payload.isStale()) return;
        await handleChunk(payload, messages.slice(at, at + batchSize));
      }
    },
  });

  return {
    stats,
    consumer,
    async stop() {
      await consumer.disconnect();
      await producer.disconnect();
      await threads?.stop();
    },
  };
}

function deadLetter(
  names: PipelineNames,
  partition: number,
  message: KafkaMessage,
  error: unknown,
): Outgoing {
  return {
    topic: names.deadLetterTopic,
    key: message.key?.toString() ?? null,
    value: message.value?.toString("utf8") ?? null,
    headers: {
      error: (error instanceof Error ? error.message : String(error)).slice(0, 2_000),
      "source-topic": names.tasksTopic,
      "source-partition": String(partition),
      "source-offset": message.offset,
      "failed-at": new Date().toISOString(),
    },
  };
}
