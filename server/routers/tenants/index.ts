import { z } from "zod";
import { callerFrom } from "../../http/caller";
import { createTenantSchema, slugLookupSchema, updateTenantSchema } from "../../services/tenants/schemas";
import { authedProcedure, publicProcedure, router, tenantProcedure } from "../../trpc";

const bySlug = z.object({ slug: slugLookupSchema });

/** Blogs: creation, the creator's list, settings, deletion, and the public directory. */
export const tenantsRouter = router({
  checkSlug: publicProcedure
    .input(z.object({ slug: z.string().max(200) }))
    .query(({ ctx, input }) => ctx.services.tenants.checkSlug(input.slug)),

  create: authedProcedure
    .input(createTenantSchema)
    .mutation(({ ctx, input }) => ctx.services.tenants.create(input, callerFrom(ctx.session, ctx))),

  mine: authedProcedure.query(({ ctx }) => ctx.services.tenants.mine(ctx.session.user.id)),

  get: authedProcedure
    .input(bySlug)
    .query(({ ctx, input }) => ctx.services.tenants.get(input.slug, callerFrom(ctx.session, ctx))),

  update: authedProcedure
    .input(updateTenantSchema)
    .mutation(({ ctx, input }) => ctx.services.tenants.update(input, callerFrom(ctx.session, ctx))),

  delete: authedProcedure
    .input(bySlug)
    .mutation(({ ctx, input }) => ctx.services.tenants.delete(input.slug, callerFrom(ctx.session, ctx))),

  retry: authedProcedure
    .input(bySlug)
    .mutation(({ ctx, input }) => ctx.services.tenants.retry(input.slug, callerFrom(ctx.session, ctx))),

  directory: publicProcedure.query(({ ctx }) => ctx.services.tenants.directory()),

  /** The blog of the request's host (or studio URL), with the caller's role when signed in. */
  current: tenantProcedure.query(async ({ ctx }) => {
    const role = ctx.session ? await ctx.services.tenants.roleOf(ctx.tenant, ctx.session.user.id) : null;
    return ctx.services.tenants.toDto(ctx.tenant, role);
  }),
});
