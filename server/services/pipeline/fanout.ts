import type { PostFanout, PostWriteEvent } from "../posts/fanout";

/**
 * Runs fan-outs one after another for each write: the feed sync first, then the ingestion task
 * (seed 000 §2: "Feed Service: Sync to Master DB" → "Emit Ingestion Task"). A failing step does not
 * stop the next one — each records its own progress on the post and the worker re-drives it.
 */
export function sequenceFanouts(...steps: (PostFanout | undefined | null)[]): PostFanout {
  const present = steps.filter((s): s is PostFanout => Boolean(s));
  return {
    async afterWrite(event: PostWriteEvent) {
      const errors: unknown[] = [];
      for (const step of present) {
        try {
          await step.afterWrite(event);
        } catch (error) {
          errors.push(error);
        }
      }
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1) throw new AggregateError(errors, "post fan-out steps failed");
    },
  };
}
