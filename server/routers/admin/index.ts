import { z } from "zod";
import { callerFrom } from "../../http/caller";
import { ROLES } from "../../services/memberships/memberships-service";
import { slugLookupSchema } from "../../services/tenants/schemas";
import { authedProcedure, platformAdminProcedure, router } from "../../trpc";

/** Privileged actions; each is audited by the service it calls. */
export const adminRouter = router({
  tenants: platformAdminProcedure
    .input(z.object({ status: z.enum(["pending", "active", "failed", "deleted"]).optional() }).default({}))
    .query(({ ctx, input }) => ctx.services.tenants.listAll(input.status)),

  /** Irreversible; only for soft-deleted blogs. */
  dropTenantDatabase: platformAdminProcedure
    .input(z.object({ slug: slugLookupSchema }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.tenants.dropDatabase(input.slug, callerFrom(ctx.session, ctx));
      return { ok: true as const };
    }),

  /** The blog's owner or a platform admin (checked by the service). */
  setRole: authedProcedure
    .input(
      z.object({
        slug: slugLookupSchema,
        userId: z.string().regex(/^[0-9a-f]{24}$/, "Invalid user id"),
        role: z.enum(ROLES),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await ctx.services.tenants.setRole(input.slug, input.userId, input.role, callerFrom(ctx.session, ctx));
      return { ok: true as const };
    }),
});
