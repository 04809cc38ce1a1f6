import { z } from "zod";
import { memberProcedure, router } from "../../trpc";

const id = z.string().regex(/^[0-9a-f]{24}$/i, "Unknown id.");

/** Per-post views, likes and comments for the studio's posts list (members of the host's blog). */
export const signalsRouter = router({
  counts: memberProcedure("author")
    .input(z.object({ postIds: z.array(id).max(500) }))
    .query(async ({ ctx, input }) => {
      const counts = await ctx.services.signals.countsFor(ctx.tenant, input.postIds);
      return Object.fromEntries(counts);
    }),
});
