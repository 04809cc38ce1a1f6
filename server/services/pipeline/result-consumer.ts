import type { Consumer, Kafka, KafkaMessage } from "kafkajs";
import { ObjectId } from "mongodb";
import type { DatabaseService, PipelineStage, PostDoc, TenantDoc } from "../../db";
import type { Logger } from "../../log";
import { type IndexedPost, PostIndex } from "../search/post-index";
import { ensurePipelineTopics } from "./kafka";
import {
  epochMs,
  headerString,
  type IngestionResult,
  ingestionResultSchema,
  parseKey,
  TRACE_HEADERS,
} from "./messages";
import type { PipelineNames } from "./names";
import { isSearchable } from "./task-producer";

export const RELATED_COUNT = 4;

export type ResultOutcome =
  | "enriched"
  | "already-enriched"
  | "stale"
  | "not-searchable"
  | "removed"
  | "tenant-removed"
  | "invalid";

/** Epoch ms of a result's way through the pipeline (from its headers and Kafka timestamp). */
export interface ResultTrace {
  taskAt?: number;
  receivedAt?: number;
  resultAt?: number;
  consumedAt?: number;
}

export function resultTrace(
  message: Pick<KafkaMessage, "headers" | "timestamp">,
  consumedAt: number,
): ResultTrace {
  return {
    taskAt: epochMs(message.headers?.[TRACE_HEADERS.taskAt]),
    receivedAt: epochMs(message.headers?.[TRACE_HEADERS.receivedAt]),
    resultAt: epochMs(message.timestamp),
    consumedAt,
  };
}

export interface ResultConsumerDeps {
  db: DatabaseService;
  index: PostIndex;
  names: PipelineNames;
  log: Logger;
  /** `<protocol>://<slug>.<rootDomain>/<slug>` links of indexed posts. */
  rootDomain: string;
  protocol: string;
  now?: () => Date;
  /** After a post's enrichment and related posts are stored (the reader cache purges its pages). */
  onIndexed?: (tenant: TenantDoc) => Promise<void> | void;
}

/**
 * Applies one message of the results topic (issue 21 §3). Idempotent: a redelivered result finds
 * `enrichedVersion` already there; a stale one (the post moved on to a newer version, or left the
 * network) is ignored, so an old enrichment never lands over newer content.
 */
export class ResultApplier {
  readonly counts: Record<ResultOutcome, number> = {
    enriched: 0,
    "already-enriched": 0,
    stale: 0,
    "not-searchable": 0,
    removed: 0,
    "tenant-removed": 0,
    invalid: 0,
  };

  constructor(private readonly deps: ResultConsumerDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async apply(
    message: Pick<KafkaMessage, "key" | "value" | "headers" | "timestamp">,
  ): Promise<ResultOutcome> {
    const outcome = await this.applyInner(message, resultTrace(message, Date.now()));
    this.counts[outcome] += 1;
    return outcome;
  }

  private async applyInner(
    message: Pick<KafkaMessage, "key" | "value" | "headers">,
    trace: ResultTrace,
  ): Promise<ResultOutcome> {
    const key = parseKey(message.key);
    if (!key) {
      this.deps.log.warn({ key: message.key?.toString() }, "pipeline result with a malformed key skipped");
      return "invalid";
    }
    if (message.value === null) {
      if (key.postId === null) {
        await this.deps.index.removeTenant(key.tenantId);
        return "tenant-removed";
      }
      const v = headerString(message.headers?.version);
      const version = v ? Number(v) : undefined;
      await this.deps.index.remove(key.tenantId, key.postId, Number.isFinite(version) ? version : undefined);
      await this.markRemoved(key.tenantId, key.postId, version);
      return "removed";
    }
    let result: IngestionResult;
    try {
      result = ingestionResultSchema.parse(JSON.parse(message.value.toString("utf8")));
    } catch (error) {
      this.deps.log.warn(
        { err: String(error), key: message.key?.toString() },
        "invalid pipeline result skipped",
      );
      return "invalid";
    }
    return this.applyResult(result, { trace });
  }

  /** `force` re-applies a version already enriched (npm run reindex rebuilds the index). */
  async applyResult(
    result: IngestionResult,
    opts: { force?: boolean; trace?: ResultTrace } = {},
  ): Promise<ResultOutcome> {
    const master = this.deps.db.master();
    const tenant = await master.tenants.findOne({ _id: new ObjectId(result.tenantId) });
    if (tenant?.status !== "active") return "not-searchable";
    const { posts } = this.deps.db.forTenant(tenant);
    const postId = new ObjectId(result.postId);
    const post = await posts.findOne({ _id: postId }, { projection: { content: 0, html: 0 } });
    if (!post || post.version !== result.version) return "stale";
    if (!isSearchable(post)) return "not-searchable";
    if ((post.enrichedVersion ?? -1) >= result.version && !opts.force) return "already-enriched";

    const now = this.now();
    // Patch once per version: a redelivery after a crash keeps the first enrichedAt.
    await posts.updateOne(
      opts.force
        ? { _id: postId, version: result.version }
        : { _id: postId, version: result.version, "enrichment.version": { $ne: result.version } },
      {
        $set: {
          enrichment: {
            summary: result.summary,
            entities: result.entities,
            keyConcepts: result.keyConcepts,
            language: result.language,
            model: result.model,
            version: result.version,
            enrichedAt: now,
          },
          "pipeline.enrichedAt": now,
        },
      },
    );

    const doc = await this.indexDocument(tenant, post, result);
    const indexStart = Date.now();
    await this.deps.index.upsert(doc);
    const indexedAt = this.now();
    const related = await this.relatedPosts(result.embedding, PostIndex.id(result.tenantId, result.postId));

    const done = await posts.updateOne(
      { _id: postId, version: result.version },
      { $set: { enrichedVersion: result.version, "pipeline.indexedAt": indexedAt, related } },
    );
    if (done.matchedCount === 0) return "stale"; // a newer version arrived meanwhile; its result follows
    try {
      await this.deps.onIndexed?.(tenant);
    } catch (error) {
      this.deps.log.warn({ err: String(error) }, "reader cache not purged after enrichment");
    }
    const since = post.pipeline?.savedAt ?? post.updatedAt;
    await master.pipelineLatency
      .updateOne(
        { _id: `${result.tenantId}:${result.postId}:${result.version}` },
        {
          $setOnInsert: {
            tenantId: tenant._id,
            postId,
            version: result.version,
            latencyMs: Math.max(0, indexedAt.getTime() - since.getTime()),
            enrichMs: result.tookMs,
            indexedAt,
            stages: stages(since.getTime(), opts.trace, indexStart, indexedAt.getTime()),
          },
        },
        { upsert: true },
      )
      .catch((error: unknown) => this.deps.log.warn({ err: String(error) }, "pipeline latency not recorded"));
    await this.fillNeighbours(related);
    return "enriched";
  }

  private async indexDocument(
    tenant: TenantDoc,
    post: Omit<PostDoc, "content">,
    result: IngestionResult,
  ): Promise<IndexedPost> {
    const master = this.deps.db.master();
    const feed = await master.globalFeed.findOne(
      { tenantId: tenant._id, postId: post._id },
      { projection: { authorName: 1, hotScore: 1 } },
    );
    let authorName = feed?.authorName ?? "";
    if (!authorName && post.authorIds?.[0]) {
      const user = await master.users.findOne(
        { _id: post.authorIds[0] },
        { projection: { name: 1, username: 1 } },
      );
      authorName = user?.name || user?.username || "";
    }
    return {
      tenantId: result.tenantId,
      tenantSlug: tenant.slug,
      postId: result.postId,
      slug: post.slug,
      url: `${this.deps.protocol}://${tenant.slug}.${this.deps.rootDomain}/${post.slug}`,
      title: post.title,
      excerpt: post.excerpt ?? "",
      text: (post.text ?? "").slice(0, 100_000),
      summary: result.summary,
      tags: post.tags ?? [],
      concepts: result.keyConcepts,
      entities: result.entities.map((e) => e.text),
      language: result.language,
      authorName,
      publishedAt: post.publishedAt ? post.publishedAt.toISOString() : null,
      hotScore: feed?.hotScore ?? 0,
      version: result.version,
      embedding: result.embedding,
    };
  }

  /**
   * Posts indexed before their neighbours existed have short `related` lists (the first post of the
   * network has none): the new post's neighbours with fewer than RELATED_COUNT get theirs again.
   */
  private async fillNeighbours(neighbours: NonNullable<PostDoc["related"]>): Promise<void> {
    for (const n of neighbours) {
      try {
        const tenant = await this.deps.db.master().tenants.findOne({ _id: new ObjectId(n.tenantId) });
        if (tenant?.status !== "active") continue;
        const postId = new ObjectId(n.postId);
        const other = await this.deps.db
          .forTenant(tenant)
          .posts.findOne({ _id: postId }, { projection: { related: 1 } });
        if (!other || (other.related?.length ?? 0) >= RELATED_COUNT) continue;
        if (await this.refreshRelated(tenant, postId)) await this.deps.onIndexed?.(tenant);
      } catch (error) {
        this.deps.log.warn({ err: String(error) }, "neighbour's related posts not refreshed");
      }
    }
  }

  /** Recomputes one indexed post's related posts from its stored embedding (after a reindex). */
  async refreshRelated(tenant: TenantDoc, postId: ObjectId): Promise<boolean> {
    const tenantId = tenant._id.toHexString();
    const embedding = await this.deps.index.embeddingOf(tenantId, postId.toHexString());
    if (!embedding) return false;
    const related = await this.relatedPosts(embedding, PostIndex.id(tenantId, postId.toHexString()));
    await this.deps.db.forTenant(tenant).posts.updateOne({ _id: postId }, { $set: { related } });
    return true;
  }

  /** Nearest neighbours across the network, computed once here (never on a reader request). */
  private async relatedPosts(embedding: number[], selfId: string): Promise<NonNullable<PostDoc["related"]>> {
    try {
      const hits = await this.deps.index.semantic(embedding, { excludeId: selfId }, RELATED_COUNT);
      return hits.map((h) => ({
        tenantId: h.tenantId,
        tenantSlug: h.tenantSlug,
        postId: h.postId,
        slug: h.slug,
        title: h.title,
        url: h.url,
      }));
    } catch (error) {
      this.deps.log.warn({ err: String(error) }, "related posts not computed");
      return [];
    }
  }

  private async markRemoved(tenantId: string, postId: string, version: number | undefined): Promise<void> {
    const tenant = await this.deps.db.master().tenants.findOne({ _id: new ObjectId(tenantId) });
    if (tenant?.status !== "active") return;
    const filter: Record<string, unknown> = { _id: new ObjectId(postId) };
    if (version !== undefined && Number.isFinite(version)) filter.version = version;
    await this.deps.db.forTenant(tenant).posts.updateOne(filter, {
      $set: { enrichedVersion: version ?? 0, related: [] },
      $unset: { "pipeline.indexedAt": "" },
    });
  }
}

function stages(
  since: number,
  t: ResultTrace | undefined,
  indexStart: number,
  indexedAt: number,
): Partial<Record<PipelineStage, number>> {
  const out: Partial<Record<PipelineStage, number>> = { index: indexedAt - indexStart };
  const span = (stage: PipelineStage, from: number | undefined, to: number | undefined) => {
    if (from !== undefined && to !== undefined) out[stage] = Math.max(0, to - from);
  };
  span("fanout", since, t?.taskAt);
  span("ingestWait", t?.taskAt, t?.receivedAt);
  span("ingestWork", t?.receivedAt, t?.resultAt);
  span("deliver", t?.resultAt, t?.consumedAt);
  span("apply", t?.consumedAt, indexStart);
  return out;
}

/**
 * The worker's result consumer: a kafkajs group on the results topic. Offsets are committed after
 * each message is applied, so a crash redelivers at most the message in flight.
 */
export async function startResultConsumer(
  deps: ResultConsumerDeps & { kafka: Kafka; maxWaitMs?: number },
): Promise<{ applier: ResultApplier; consumer: Consumer; stop(): Promise<void> }> {
  await ensurePipelineTopics(deps.kafka, deps.names);
  await deps.index.ensure();
  const applier = new ResultApplier(deps);
  const consumer = deps.kafka.consumer({
    groupId: deps.names.enrichmentGroup,
    maxWaitTimeInMs: deps.maxWaitMs ?? 100,
    sessionTimeout: 20_000,
    heartbeatInterval: 1_000,
    rebalanceTimeout: 20_000,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: deps.names.resultsTopic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) return;
        await applier.apply(message);
        resolveOffset(message.offset);
        await consumer.commitOffsets([
          {
            topic: batch.topic,
            partition: batch.partition,
            offset: (BigInt(message.offset) + 1n).toString(),
          },
        ]);
        await heartbeat();
      }
    },
  });
  return {
    applier,
    consumer,
    async stop() {
      await consumer.disconnect();
    },
  };
}
