import { z } from "zod";
import { pipelineOverview, postPipelineStates, requireSearch } from "../../services/pipeline/overview";
import { searchQuerySchema } from "../../services/search/search-service";
import { memberProcedure, platformAdminProcedure, publicProcedure, router } from "../../trpc";

/** Search across the network (root domain) or one blog (`tenant`); anyone may search. */
export const searchRouter = router({
  query: publicProcedure
    .input(searchQuerySchema)
    .query(({ ctx, input }) => requireSearch(ctx.services.pipeline).search(input)),

  /** Posts sharing a key concept across blogs (`/concepts/<concept>`). */
  concept: publicProcedure
    .input(
      z.object({
        concept: z.string().trim().min(1).max(100),
        limit: z.number().int().min(1).max(50).default(30),
      }),
    )
    .query(({ ctx, input }) => requireSearch(ctx.services.pipeline).concept(input.concept, input.limit)),
});

/** Pipeline visibility: the studio's chips (members of the blog) and the platform-admin page. */
export const pipelineRouter = router({
  posts: memberProcedure("author")
    .input(z.object({ ids: z.array(z.string().regex(/^[0-9a-f]{24}$/, "Invalid post id")).max(200) }))
    .query(({ ctx, input }) => postPipelineStates(ctx.db, ctx.tenant, input.ids)),

  overview: platformAdminProcedure.query(({ ctx }) => pipelineOverview(ctx.services.pipeline, ctx.db)),
});
