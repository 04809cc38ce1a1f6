import { z } from "zod";
import type { Session } from "../../auth/session";
import type { RequestActor } from "../../services/audit/audit-service";
import { emailSchema } from "../../services/users/user-input";
import { memberProcedure, router } from "../../trpc";

const userIdSchema = z.string().regex(/^[0-9a-f]{24}$/, "Invalid user id");

function actorOf(ctx: { session: Session; ip: string | null; requestId: string }): RequestActor {
  return {
    actor: { id: ctx.session.user.id, email: ctx.session.user.email },
    ip: ctx.ip,
    requestId: ctx.requestId,
  };
}

/**
 * A blog's people (tenant from the host or studio URL). Everyone on the blog sees who is on it;
 * only owners change it; anyone may leave (except the last owner). Every change is audited.
 */
export const membersRouter = router({
  list: memberProcedure("author").query(async ({ ctx }) => ({
    members: await ctx.services.memberships.members(ctx.tenant._id),
    myRole: ctx.role,
    myId: ctx.session.user.id,
  })),

  invite: memberProcedure("owner")
    .input(
      z.object({
        email: emailSchema,
        role: z.enum(["author", "editor"], { error: "Pick a role: author or editor" }),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.memberships.invite(ctx.tenant._id, input.email, input.role, actorOf(ctx)),
    ),

  changeRole: memberProcedure("owner")
    .input(z.object({ userId: userIdSchema, role: z.enum(["owner", "editor", "author"]) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.memberships.changeRole(ctx.tenant._id, input.userId, input.role, actorOf(ctx));
      return { ok: true };
    }),

  remove: memberProcedure("owner")
    .input(z.object({ userId: userIdSchema }))
    .mutation(async ({ ctx, input }) => {
      if (input.userId === ctx.session.user.id) {
        // Removing yourself is leaving; the separate path keeps the audit trail honest.
        await ctx.services.memberships.leave(ctx.tenant._id, input.userId, actorOf(ctx));
      } else {
        await ctx.services.memberships.remove(ctx.tenant._id, input.userId, actorOf(ctx));
      }
      return { ok: true };
    }),

  leave: memberProcedure("author").mutation(async ({ ctx }) => {
    await ctx.services.memberships.leave(ctx.tenant._id, ctx.session.user.id, actorOf(ctx));
    return { ok: true };
  }),
});
