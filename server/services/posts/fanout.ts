import type { ObjectId } from "mongodb";
import type { PostStatus, PostType } from "../../db/models";
import type { Logger } from "../../log";

/**
 * The hand-off from the posts service to everything downstream (global feed, scheduler, search
 * pipeline). `PostsService` calls `afterWrite` once after every committed write, with the post's
 * new `version` — except the creation and saves of a draft that was never published, which have
 * nothing downstream and record `syncedVersion` themselves (`hasNothingDownstream` in
 * posts-service.ts): an autosave of a new draft costs no feed, search or cache work. The call is a
 * fast path only: the post document already records what is behind
 * (`version > syncedVersion`, a `deletedAt` tombstone, `status: "scheduled"` with `publishAt`),
 * so when a fan-out fails the worker re-drives it from the document and nothing is lost.
 */
export type PostWriteKind =
  /** A post that is not live was saved (a once-published draft, a scheduled or archived post), or an archived post came back to drafts. */
  | "saved"
  /** Draft or scheduled → published (by the writer, or by the scheduler when `publishAt` came). */
  | "published"
  /** A published post changed (body or metadata); readers and the feed should see the new version. */
  | "updated"
  /** Published → draft: remove it downstream. */
  | "unpublished"
  /** Draft → scheduled with `publishAt`. */
  | "scheduled"
  /** A scheduled post got a new `publishAt`. */
  | "rescheduled"
  /** Scheduled → draft (schedule cancelled). */
  | "unscheduled"
  /** → archived: off the blog and the feed. */
  | "archived"
  /** Soft-deleted: `deletedAt` is set; remove downstream, then the tombstone may be purged. */
  | "deleted";

export interface PostWriteEvent {
  /** The blog (tenant) id and slug; use `DatabaseService.forTenant` with the tenant record to read. */
  tenantId: ObjectId;
  tenantSlug: string;
  postId: ObjectId;
  /** The post's `version` after this write. */
  version: number;
  kind: PostWriteKind;
  /** State after the write, so simple consumers need not read the post back. */
  status: PostStatus;
  type: PostType;
  publishAt: Date | null;
  publishedAt: Date | null;
  /** The user who made the change (null for system writes such as the scheduler). */
  actorId: ObjectId | null;
  at: Date;
}

export interface PostFanout {
  /**
   * Called after the write committed. May throw or reject: the posts service logs it and the
   * request still succeeds (the post's version record lets the worker catch up).
   */
  afterWrite(event: PostWriteEvent): Promise<void>;
}

/** Runs the fan-out, never letting it fail the caller's request. */
export async function runFanout(
  fanout: PostFanout | undefined,
  event: PostWriteEvent,
  log: Pick<Logger, "warn">,
): Promise<void> {
  if (!fanout) return;
  try {
    await fanout.afterWrite(event);
  } catch (error) {
    log.warn(
      {
        err: error instanceof Error ? error.message : String(error),
        tenantId: event.tenantId.toHexString(),
        postId: event.postId.toHexString(),
        version: event.version,
        kind: event.kind,
      },
      "post fan-out failed; the worker will re-drive it from the post's versions",
    );
  }
}
