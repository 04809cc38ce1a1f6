import type { Logger } from "../../log";
import type { PostFanout, PostWriteEvent, PostWriteKind } from "../posts/fanout";
import type { SchedulerService } from "../scheduler/scheduler-service";
import type { FeedSync } from "./feed-sync";

/** Writes after which a post is no longer waiting for its `publishAt`. */
const LEAVES_SCHEDULE: ReadonlySet<PostWriteKind> = new Set([
  "published",
  "unpublished",
  "unscheduled",
  "archived",
  "deleted",
]);

/**
 * The feed's part of the post fan-out, run in the request right after the write committed:
 * the feed row is upserted (or tombstoned) so a writer who publishes sees the post in the feed
 * at once, and a scheduled post gets its master index entry and delayed job. When a step fails,
 * a re-drive job is queued and the error rethrown for the posts service to log; if even Redis is
 * unreachable, the post's own versions (`syncedVersion < version`) bring the deep pass to it.
 */
export class FeedFanout implements PostFanout {
  constructor(private readonly deps: { feed: FeedSync; scheduler: SchedulerService; log: Logger }) {}

  async afterWrite(event: PostWriteEvent): Promise<void> {
    const { feed, scheduler } = this.deps;
    const tenant = await feed.loadTenant(event.tenantId);
    const steps: Promise<unknown>[] = [feed.syncPost(tenant ?? event.tenantId, event.postId)];
    if (event.status === "scheduled" && event.publishAt) {
      steps.push(scheduler.schedule(event.tenantId, event.postId, event.version, event.publishAt));
    } else if (LEAVES_SCHEDULE.has(event.kind)) {
      steps.push(scheduler.unschedule(event.tenantId, event.postId, event.version));
    }
    const failed = (await Promise.allSettled(steps)).filter(
      (r): r is PromiseRejectedResult => r.status === "rejected",
    );
    if (!failed.length) return;
    await scheduler
      .enqueueRedrive(event.tenantId, event.postId, event.version)
      .catch((error: unknown) =>
        this.deps.log.warn(
          { postId: event.postId.toHexString(), err: String(error) },
          "feed: could not queue a re-drive; the deep pass will find the post",
        ),
      );
    throw failed[0]?.reason;
  }
}
