import type { PostFanout, PostWriteEvent, PostWriteKind } from "../posts/fanout";
import type { ReaderPurger } from "./reader-purger";

/** Writes that change what readers see; a draft save or a schedule change does not. */
const VISIBLE: ReadonlySet<PostWriteKind> = new Set([
  "published",
  "updated",
  "unpublished",
  "archived",
  "deleted",
]);

/**
 * The reader cache's piece of the post fan-out: purge the blog's cached pages after every write
 * a reader could see. Composed with the feed's fan-out in `container.ts`.
 */
export class ReaderPurgeFanout implements PostFanout {
  constructor(private readonly purger: ReaderPurger) {}

  async afterWrite(event: PostWriteEvent): Promise<void> {
    const visible = VISIBLE.has(event.kind) || (event.kind === "saved" && event.status === "published");
    if (!visible) return;
    await this.purger.purgeTenant({ _id: event.tenantId, slug: event.tenantSlug }, `post-${event.kind}`);
  }
}

/** Runs several fan-outs for one write; every one runs even when an earlier one fails. */
export function composeFanouts(...fanouts: (PostFanout | undefined)[]): PostFanout {
  const list = fanouts.filter((f): f is PostFanout => !!f);
  return {
    async afterWrite(event) {
      const results = await Promise.allSettled(list.map((f) => f.afterWrite(event)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    },
  };
}
