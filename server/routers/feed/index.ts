import { z } from "zod";
import { SCHEDULER_QUEUE } from "../../services/scheduler/queues";
import { workerHealth } from "../../services/scheduler/worker-health";
import { platformAdminProcedure, publicProcedure, router } from "../../trpc";

/**
 * The network feed for the discovery page (public) and the worker's admin view (platform admins).
 * `list` takes the same parameters as `GET /api/feed`; the service validates them with zod and an
 * invalid one is a BAD_REQUEST with the same message the REST endpoint gives.
 */
export const feedRouter = router({
  list: publicProcedure
    .input(z.record(z.string(), z.unknown()).optional())
    .query(({ ctx, input }) => ctx.services.feed.list(input ?? {})),

  popularTags: publicProcedure
    .input(z.object({ limit: z.number().int().min(1).max(50).default(16) }).default({ limit: 16 }))
    .query(({ ctx, input }) => ctx.services.feed.popularTags(input.limit)),

  popularBlogs: publicProcedure
    .input(z.object({ limit: z.number().int().min(1).max(24).default(8) }).default({ limit: 8 }))
    .query(({ ctx, input }) => ctx.services.feed.popularBlogs(input.limit)),

  /** Queues, live workers, the scheduler's index and the dirty set. */
  workerStatus: platformAdminProcedure.query(({ ctx }) => workerHealth(ctx.services.queues, ctx.db)),

  /** Puts every failed job of a queue back to waiting. */
  retryFailed: platformAdminProcedure
    .input(z.object({ queue: z.enum(["scheduler", "metrics"]) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.queues.queue(input.queue).retryJobs({ state: "failed" });
      return { ok: true as const };
    }),

  /** Runs the scheduler's sweep now instead of at its next tick. */
  runSweep: platformAdminProcedure.mutation(async ({ ctx }) => {
    await ctx.services.queues
      .queue(SCHEDULER_QUEUE)
      .add("sweep", {}, { jobId: `sweep-manual-${Date.now()}` });
    return { ok: true as const };
  }),
});
