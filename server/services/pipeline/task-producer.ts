import type { Kafka, Producer } from "kafkajs";
import type { ObjectId } from "mongodb";
import type { DatabaseService, PostDoc, TenantDoc } from "../../db";
import type { Logger } from "../../log";
import { postPlainText } from "../extract";
import type { PostFanout, PostWriteEvent } from "../posts/fanout";
import { ensurePipelineTopics } from "./kafka";
import { type IngestionTask, messageKey, TASK_SCHEMA } from "./messages";
import type { PipelineNames } from "./names";

/** What the producer reads of a post. */
const PROJECTION = {
  title: 1,
  tags: 1,
  text: 1,
  content: 1,
  status: 1,
  type: 1,
  deletedAt: 1,
  version: 1,
  ingestedVersion: 1,
  enrichedVersion: 1,
  pipeline: 1,
} as const;

export type DriveOutcome = "task" | "tombstone" | "up-to-date" | "never-ingested" | "missing";

/** Published, not deleted, a post (pages are not part of the network's search). */
export function isSearchable(post: Pick<PostDoc, "status" | "deletedAt" | "type">): boolean {
  return post.status === "published" && !post.deletedAt && (post.type ?? "post") === "post";
}

/** Unacknowledged: sent but no result patched back for this long → sent again by the re-drive. */
export const UNACKNOWLEDGED_AFTER_MS = 60_000;

/**
 * The ingestion-task producer (issue 21 §1). After the feed sync it sends the post's plain text
 * as `{schema, tenantId, postId, version, title, tags, text}` keyed `tenantId:postId` and records
 * `ingestedVersion` once Kafka acknowledged it (acks = all). A post that left the network
 * (unpublished, archived, deleted) gets a tombstone instead, once. Every step reads the post
 * itself, so the worker's re-drive and the request's fast path are the same idempotent call.
 */
export class TaskProducer implements PostFanout {
  private producer: Producer | null = null;
  private connecting: Promise<Producer> | null = null;
  private topicsReady: Promise<void> | null = null;

  constructor(
    private readonly deps: {
      db: DatabaseService;
      kafka: Kafka;
      names: PipelineNames;
      log: Logger;
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** PostFanout: called after every committed post write (after the feed step). */
  async afterWrite(event: PostWriteEvent): Promise<void> {
    const tenant = await this.deps.db.master().tenants.findOne({ _id: event.tenantId });
    if (!tenant) return;
    await this.drive(tenant, event.postId);
  }

  /** Sends whatever this post is missing downstream (task, tombstone or nothing). */
  async drive(
    tenant: Pick<TenantDoc, "_id" | "databaseName" | "clusterUri">,
    postId: ObjectId,
  ): Promise<DriveOutcome> {
    const { posts } = this.deps.db.forTenant(tenant);
    const post = await posts.findOne({ _id: postId }, { projection: PROJECTION });
    const tenantId = tenant._id.toHexString();
    if (!post) {
      // Purged: remove it downstream whatever version was indexed.
      await this.send([
        { key: messageKey(tenantId, postId.toHexString()), value: null, headers: { version: "" } },
      ]);
      return "missing";
    }
    const version = post.version;
    const now = this.now();
    if (isSearchable(post)) {
      const sent = post.ingestedVersion ?? -1;
      const unacknowledged =
        sent === version &&
        (post.enrichedVersion ?? -1) < version &&
        !post.pipeline?.tombstonedAt &&
        now.getTime() - (post.pipeline?.ingestedAt?.getTime() ?? 0) > UNACKNOWLEDGED_AFTER_MS;
      if (sent >= version && !post.pipeline?.tombstonedAt && !unacknowledged) return "up-to-date";
      const task: IngestionTask = {
        schema: TASK_SCHEMA,
        tenantId,
        postId: postId.toHexString(),
        version,
        title: post.title ?? "",
        tags: Array.isArray(post.tags) ? post.tags.slice(0, 50) : [],
        text: postPlainText(post),
      };
      await this.send([{ key: messageKey(tenantId, task.postId), value: JSON.stringify(task) }]);
      await posts.updateOne(
        {
          _id: postId,
          $or: [{ ingestedVersion: { $exists: false } }, { ingestedVersion: { $lte: version } }],
        },
        {
          $set: { ingestedVersion: version, "pipeline.ingestedAt": now },
          $unset: { "pipeline.tombstonedAt": "" },
        },
      );
      return "task";
    }
    // Not searchable: remove it downstream, once, if it was ever sent.
    if (post.ingestedVersion === undefined) return "never-ingested";
    if (post.pipeline?.tombstonedAt) return "up-to-date";
    await this.send([
      { key: messageKey(tenantId, postId.toHexString()), value: null, headers: { version: String(version) } },
    ]);
    await posts.updateOne(
      { _id: postId, version },
      { $set: { ingestedVersion: version, "pipeline.ingestedAt": now, "pipeline.tombstonedAt": now } },
    );
    return "tombstone";
  }

  /** A deleted tenant: one tombstone keyed `tenantId:*` removes all its posts from the index. */
  async tombstoneTenant(tenantId: ObjectId): Promise<void> {
    await this.send([
      { key: messageKey(tenantId.toHexString(), "*"), value: null, headers: { scope: "tenant" } },
    ]);
  }

  /**
   * The worker's safety net: every post of every active tenant whose task or tombstone was not
   * sent (or not acknowledged in time), and every deleted tenant not yet removed from search.
   */
  async redrive(opts: { limitPerTenant?: number } = {}): Promise<{ driven: number; tenantsRemoved: number }> {
    const master = this.deps.db.master();
    let driven = 0;
    let tenantsRemoved = 0;
    const tenants = await master.tenants
      .find(
        { status: { $in: ["active", "deleted"] } },
        { projection: { _id: 1, status: 1, databaseName: 1, clusterUri: 1, searchRemovedAt: 1 } },
      )
      .toArray();
    for (const tenant of tenants as (TenantDoc & { searchRemovedAt?: Date })[]) {
      if (tenant.status === "deleted") {
        if (tenant.searchRemovedAt) continue;
        await this.tombstoneTenant(tenant._id);
        await master.tenants.updateOne(
          { _id: tenant._id },
          { $set: { searchRemovedAt: this.now() } as Partial<TenantDoc> },
        );
        tenantsRemoved += 1;
        continue;
      }
      const now = this.now().getTime();
      const candidates = await this.deps.db
        .forTenant(tenant)
        .posts.find(
          { $or: [{ status: "published" }, { ingestedVersion: { $exists: true } }] },
          {
            projection: {
              status: 1,
              type: 1,
              deletedAt: 1,
              version: 1,
              ingestedVersion: 1,
              enrichedVersion: 1,
              pipeline: 1,
            },
          },
        )
        .limit(opts.limitPerTenant ?? 5_000)
        .toArray();
      for (const post of candidates) {
        const sent = post.ingestedVersion ?? -1;
        const behind = isSearchable(post)
          ? sent < post.version ||
            Boolean(post.pipeline?.tombstonedAt) ||
            ((post.enrichedVersion ?? -1) < post.version &&
              now - (post.pipeline?.ingestedAt?.getTime() ?? 0) > UNACKNOWLEDGED_AFTER_MS)
          : post.ingestedVersion !== undefined && !post.pipeline?.tombstonedAt;
        if (!behind) continue;
        try {
          const outcome = await this.drive(tenant, post._id);
          if (outcome === "task" || outcome === "tombstone") driven += 1;
        } catch (error) {
          this.deps.log.warn(
            { err: String(error), postId: post._id.toHexString() },
            "pipeline re-drive failed",
          );
        }
      }
    }
    return { driven, tenantsRemoved };
  }

  private async send(messages: { key: string; value: string | null; headers?: Record<string, string> }[]) {
    const producer = await this.connect();
    await producer.send({ topic: this.deps.names.tasksTopic, acks: -1, messages });
  }

  private async connect(): Promise<Producer> {
    if (this.producer) return this.producer;
    if (!this.connecting) {
      this.connecting = (async () => {
        this.topicsReady ??= ensurePipelineTopics(this.deps.kafka, this.deps.names);
        await this.topicsReady.catch((error: unknown) => {
          this.topicsReady = null;
          throw error;
        });
        const producer = this.deps.kafka.producer({ allowAutoTopicCreation: false });
        await producer.connect();
        this.producer = producer;
        return producer;
      })().finally(() => {
        this.connecting = null;
      });
    }
    return this.connecting;
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    await producer?.disconnect();
  }
}
