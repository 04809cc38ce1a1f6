import { z } from "zod";
import { objectIdSchema, uploadRequestSchema } from "../../services/media/schemas";
import { changePasswordInput, updateProfileInput } from "../../services/users/profile-input";
import { authedProcedure, router } from "../../trpc";

/** The signed-in person's own account (root domain); nothing here takes a user id as input. */
export const accountRouter = router({
  me: authedProcedure.query(({ ctx }) => ctx.services.profiles.get(ctx.session.user.id)),

  checkUsername: authedProcedure
    .input(z.object({ username: z.string().max(200) }))
    .query(({ ctx, input }) => ctx.services.profiles.checkUsername(ctx.session.user.id, input.username)),

  update: authedProcedure
    .input(updateProfileInput)
    .mutation(({ ctx, input }) => ctx.services.profiles.update(ctx.session.user.id, input)),

  changePassword: authedProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    await ctx.services.profiles.changePassword(ctx.session.user.id, input, {
      actor: { id: ctx.session.user.id, email: ctx.session.user.email },
      ip: ctx.ip,
      requestId: ctx.requestId,
    });
    return { ok: true };
  }),

  createAvatarUpload: authedProcedure
    .input(uploadRequestSchema)
    .mutation(({ ctx, input }) => ctx.services.profiles.createAvatarUpload(ctx.session.user.id, input)),

  confirmAvatar: authedProcedure
    .input(z.object({ uploadId: objectIdSchema }))
    .mutation(({ ctx, input }) => ctx.services.profiles.confirmAvatar(ctx.session.user.id, input.uploadId)),

  removeAvatar: authedProcedure.mutation(({ ctx }) =>
    ctx.services.profiles.removeAvatar(ctx.session.user.id),
  ),
});
