import type { Consumer, Kafka, KafkaMessage } from "kafkajs";
import { ObjectId } from "mongodb";
import type { DatabaseService, PipelineStage, PostDoc, TenantDoc } from "../../db";
import type { Logger } from "../../log";
import { type IndexedPost, type IndexOp, PostIndex } from "../search/post-index";
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

/** One message of the results topic, parsed. */
type Item =
  | { kind: "invalid" }
  | { kind: "tenant"; tenantId: string }
  | { kind: "tombstone"; tenantId: string; postId: string; version: number | undefined }
  | { kind: "result"; result: IngestionResult; trace?: ResultTrace; force?: boolean };

/** A result whose enrichment is patched and whose document goes into the segment's bulk write. */
interface Prepared {
  at: number;
  tenant: TenantDoc;
  post: Omit<PostDoc, "content">;
  result: IngestionResult;
  trace?: ResultTrace;
}

/**
 * Applies messages of the results topic (issue 21 §3), a consumer batch at a time: every result's
 * post is read and its enrichment patched in message order, then ONE bulk request writes all the
 * batch's index operations in that order and refreshes once, then each post is stamped searchable
 * with its related posts. Idempotent: a redelivered result finds `enrichedVersion` already there;
 * a stale one (the post moved on to a newer version, or left the network) is ignored, so an old
 * enrichment never lands over newer content; of two copies of one (post, version) in a batch the
 * second is `already-enriched`.
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
    return (await this.applyBatch([message]))[0] as ResultOutcome;
  }

  /** Applies messages in order; answers one outcome per message. */
  async applyBatch(
    messages: Pick<KafkaMessage, "key" | "value" | "headers" | "timestamp">[],
  ): Promise<ResultOutcome[]> {
    const consumedAt = Date.now();
    return this.applyItems(messages.map((m) => this.parse(m, resultTrace(m, consumedAt))));
  }

  /** `force` re-applies a version already enriched (npm run reindex rebuilds the index). */
  async applyResult(
    result: IngestionResult,
    opts: { force?: boolean; trace?: ResultTrace } = {},
  ): Promise<ResultOutcome> {
    return (await this.applyItems([{ kind: "result", result, ...opts }]))[0] as ResultOutcome;
  }

  private parse(message: Pick<KafkaMessage, "key" | "value" | "headers">, trace: ResultTrace): Item {
    const key = parseKey(message.key);
    if (!key) {
      this.deps.log.warn({ key: message.key?.toString() }, "pipeline result with a malformed key skipped");
      return { kind: "invalid" };
    }
    if (message.value === null) {
      if (key.postId === null) return { kind: "tenant", tenantId: key.tenantId };
      const v = headerString(message.headers?.version);
      const version = v ? Number(v) : Number.NaN;
      return {
        kind: "tombstone",
        tenantId: key.tenantId,
        postId: key.postId,
        version: Number.isFinite(version) ? version : undefined,
      };
    }
    try {
      const result = ingestionResultSchema.parse(JSON.parse(message.value.toString("utf8")));
      return { kind: "result", result, trace };
    } catch (error) {
      this.deps.log.warn(
        { err: String(error), key: message.key?.toString() },
        "invalid pipeline result skipped",
      );
      return { kind: "invalid" };
    }
  }

  private async applyItems(items: Item[]): Promise<ResultOutcome[]> {
    const outcomes = new Array<ResultOutcome>(items.length);
    // A tenant tombstone scans the index: the items before it are applied first, then it alone.
    let segment: number[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as Item;
      if (item.kind === "invalid") {
        outcomes[i] = "invalid";
      } else if (item.kind === "tenant") {
        await this.applySegment(items, segment, outcomes);
        segment = [];
        await this.deps.index.removeTenant(item.tenantId);
        outcomes[i] = "tenant-removed";
      } else {
        segment.push(i);
      }
    }
    await this.applySegment(items, segment, outcomes);
    for (const o of outcomes) this.counts[o] += 1;
    return outcomes;
  }

  private async applySegment(items: Item[], at: number[], outcomes: ResultOutcome[]): Promise<void> {
    if (at.length === 0) return;
    const master = this.deps.db.master();
    const tenants = new TenantCache(this.deps.db);

    // The posts of the segment's results, one read per tenant.
    const posts = new Map<string, Omit<PostDoc, "content">>();
    const wanted = new Map<string, Set<string>>();
    for (const i of at) {
      const item = items[i] as Item;
      if (item.kind !== "result") continue;
      const ids = wanted.get(item.result.tenantId) ?? new Set<string>();
      ids.add(item.result.postId);
      wanted.set(item.result.tenantId, ids);
    }
    for (const [tenantId, ids] of wanted) {
      const tenant = await tenants.get(tenantId);
      if (tenant?.status !== "active") continue;
      const found = await this.deps.db
        .forTenant(tenant)
        .posts.find(
          { _id: { $in: [...ids].map((id) => new ObjectId(id)) } },
          { projection: { content: 0, html: 0 } },
        )
        .toArray();
      for (const p of found) posts.set(`${tenantId}:${p._id.toHexString()}`, p);
    }
    const tombstoned = at.flatMap((i) => {
      const item = items[i] as Item;
      return item.kind === "tombstone" && item.version !== undefined ? [item] : [];
    });
    const stored = await this.deps.index.versions(tombstoned);
    // What the index holds for a post after this segment's operations so far (null: removed).
    const indexed = new Map<string, number | null>();

    const ops: (IndexOp | Promise<IndexOp>)[] = [];
    const prepared: Prepared[] = [];
    const removed: { tenantId: string; postId: string; version: number | undefined }[] = [];
    const now = this.now();
    for (const i of at) {
      const item = items[i] as Item;
      if (item.kind === "tombstone") {
        const key = PostIndex.id(item.tenantId, item.postId);
        const current = indexed.has(key) ? indexed.get(key) : stored.get(key);
        // A tombstone keeps a newer re-publish in place.
        if (
          item.version === undefined ||
          current === null ||
          current === undefined ||
          current <= item.version
        ) {
          ops.push({ remove: { tenantId: item.tenantId, postId: item.postId } });
          indexed.set(key, null);
        }
        removed.push(item);
        outcomes[i] = "removed";
        continue;
      }
      if (item.kind !== "result") continue;
      const { result } = item;
      const tenant = await tenants.get(result.tenantId);
      if (tenant?.status !== "active") {
        outcomes[i] = "not-searchable";
        continue;
      }
      const key = PostIndex.id(result.tenantId, result.postId);
      const post = posts.get(key);
      if (!post || post.version !== result.version) {
        outcomes[i] = "stale";
        continue;
      }
      if (!isSearchable(post)) {
        outcomes[i] = "not-searchable";
        continue;
      }
      const twice = prepared.some(
        (p) => p.result.postId === result.postId && p.result.tenantId === result.tenantId,
      );
      if (((post.enrichedVersion ?? -1) >= result.version && !item.force) || twice) {
        outcomes[i] = "already-enriched";
        continue;
      }
      // The patch and the document's reads run for all of the segment's posts at once; the
      // operations keep the messages' order.
      ops.push(this.patchAndDocument(tenant, post, result, now, item.force));
      indexed.set(key, result.version);
      prepared.push({ at: i, tenant, post, result, trace: item.trace });
    }

    // One request for the whole segment; searchable (refreshed) when it returns.
    const indexStart = Date.now();
    await this.deps.index.bulk(await Promise.all(ops));
    const indexedAt = this.now();

    const touched = new Map<string, TenantDoc>();
    // Each post's related posts and stamps are its own: the segment's posts finish together.
    const finish = async (p: Prepared) => {
      const { tenant, post, result } = p;
      const postId = post._id;
      const related = await this.relatedPosts(result.embedding, PostIndex.id(result.tenantId, result.postId));
      const done = await this.deps.db
        .forTenant(tenant)
        .posts.updateOne(
          { _id: postId, version: result.version },
          { $set: { enrichedVersion: result.version, "pipeline.indexedAt": indexedAt, related } },
        );
      if (done.matchedCount === 0) {
        outcomes[p.at] = "stale"; // a newer version arrived meanwhile; its result follows
        return;
      }
      outcomes[p.at] = "enriched";
      touched.set(result.tenantId, tenant);
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
              stages: stages(since.getTime(), p.trace, indexStart, indexedAt.getTime()),
            },
          },
          { upsert: true },
        )
        .catch((error: unknown) =>
          this.deps.log.warn({ err: String(error) }, "pipeline latency not recorded"),
        );
      await this.fillNeighbours(tenants, related, touched);
    };
    await Promise.all(prepared.map(finish));
    for (const r of removed) await this.markRemoved(tenants, r.tenantId, r.postId, r.version);
    // The reader cache of each blog touched goes once for the batch.
    for (const tenant of touched.values()) {
      try {
        await this.deps.onIndexed?.(tenant);
      } catch (error) {
        this.deps.log.warn({ err: String(error) }, "reader cache not purged after enrichment");
      }
    }
  }

  /** Patches the enrichment in (once per version) and builds the post's index document. */
  private async patchAndDocument(
    tenant: TenantDoc,
    post: Omit<PostDoc, "content">,
    result: IngestionResult,
    now: Date,
    force: boolean | undefined,
  ): Promise<IndexOp> {
    const postId = post._id;
    // Patch once per version: a redelivery after a crash keeps the first enrichedAt.
    await this.deps.db
      .forTenant(tenant)
      .posts.updateOne(
        force
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
    return { index: await this.indexDocument(tenant, post, result) };
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
   * network has none): the new post's neighbours with fewer than RELATED_COUNT get theirs again
   * (their blogs join `touched`, whose reader caches are purged after the batch).
   */
  private async fillNeighbours(
    tenants: TenantCache,
    neighbours: NonNullable<PostDoc["related"]>,
    touched: Map<string, TenantDoc>,
  ): Promise<void> {
    for (const n of neighbours) {
      try {
        const tenant = await tenants.get(n.tenantId);
        if (tenant?.status !== "active") continue;
        const postId = new ObjectId(n.postId);
        const other = await this.deps.db
          .forTenant(tenant)
          .posts.findOne({ _id: postId }, { projection: { related: 1 } });
        if (!other || (other.related?.length ?? 0) >= RELATED_COUNT) continue;
        if (await this.refreshRelated(tenant, postId)) touched.set(n.tenantId, tenant);
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

  private async markRemoved(
    tenants: TenantCache,
    tenantId: string,
    postId: string,
    version: number | undefined,
  ): Promise<void> {
    const tenant = await tenants.get(tenantId);
    if (tenant?.status !== "active") return;
    const filter: Record<string, unknown> = { _id: new ObjectId(postId) };
    if (version !== undefined && Number.isFinite(version)) filter.version = version;
    await this.deps.db.forTenant(tenant).posts.updateOne(filter, {
      $set: { enrichedVersion: version ?? 0, related: [] },
      $unset: { "pipeline.indexedAt": "" },
    });
  }
}

/** Tenant look-ups of one batch (a batch mostly touches a few blogs). */
class TenantCache {
  private readonly seen = new Map<string, Promise<TenantDoc | null>>();
  constructor(private readonly db: DatabaseService) {}
  get(tenantId: string): Promise<TenantDoc | null> {
    let found = this.seen.get(tenantId);
    if (!found) {
      found = this.db.master().tenants.findOne({ _id: new ObjectId(tenantId) });
      this.seen.set(tenantId, found);
    }
    return found;
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

/** Results applied together at most (one bulk request and one refresh for them). */
export const APPLY_BATCH = 64;

/**
 * The worker's result consumer: a kafkajs group on the results topic. Each partition's batch is
 * applied in slices of APPLY_BATCH messages (in order); a slice's offset is committed after it is
 * applied, so a crash redelivers at most the slice in flight, which applies idempotently.
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
      for (let at = 0; at < batch.messages.length; at += APPLY_BATCH) {
        if (!isRunning() || isStale()) return;
        const slice = batch.messages.slice(at, at + APPLY_BATCH);
        await applier.applyBatch(slice);
        const last = slice.at(-1) as KafkaMessage;
        resolveOffset(last.offset);
        await consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
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
