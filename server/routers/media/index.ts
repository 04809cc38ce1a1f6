import { z } from "zod";
import { objectIdSchema, uploadRequestSchema } from "../../services/media/schemas";
import { memberProcedure, router } from "../../trpc";

/**
 * A blog's images (tenant from the host or studio URL): every member may upload and browse;
 * deleting is for the uploader or an editor/owner, and only while nothing uses the image.
 */
export const mediaRouter = router({
  /** Step 1 of an upload: a presigned POST the browser sends the file with (progress is the browser's). */
  createUpload: memberProcedure("author")
    .input(uploadRequestSchema)
    .mutation(({ ctx, input }) => ctx.services.media.createUpload(ctx.tenant, ctx.session.user.id, input)),

  /** Step 2: the bytes are checked and the responsive variants made. */
  confirm: memberProcedure("author")
    .input(z.object({ mediaId: objectIdSchema }))
    .mutation(({ ctx, input }) => ctx.services.media.confirm(ctx.tenant, input.mediaId)),

  list: memberProcedure("author")
    .input(
      z.object({
        query: z.string().trim().max(100).optional(),
        limit: z.number().int().min(1).max(200).optional(),
      }),
    )
    .query(({ ctx, input }) => ctx.services.media.list(ctx.tenant, input)),

  get: memberProcedure("author")
    .input(z.object({ mediaId: objectIdSchema }))
    .query(({ ctx, input }) => ctx.services.media.get(ctx.tenant, input.mediaId)),

  setAlt: memberProcedure("author")
    .input(
      z.object({ mediaId: objectIdSchema, alt: z.string().max(500, "Keep alt text under 500 characters") }),
    )
    .mutation(({ ctx, input }) => ctx.services.media.setAlt(ctx.tenant, input.mediaId, input.alt)),

  delete: memberProcedure("author")
    .input(z.object({ mediaId: objectIdSchema }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.media.delete(ctx.tenant, input.mediaId, {
        userId: ctx.session.user.id,
        role: ctx.role,
      });
      return { ok: true };
    }),

  /** The blog's logo (owners): a ready image of this blog, or null to remove it. */
  setLogo: memberProcedure("owner")
    .input(z.object({ mediaId: objectIdSchema.nullable() }))
    .mutation(({ ctx, input }) => ctx.services.media.setLogo(ctx.tenant, input.mediaId)),

  logo: memberProcedure("author").query(({ ctx }) => ctx.services.media.logo(ctx.tenant)),
});
