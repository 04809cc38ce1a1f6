import { z } from "zod";
import { memberProcedure, router } from "../../trpc";

const linkUrl = z
  .string()
  .trim()
  .max(500)
  .refine(
    (u) => /^https?:\/\/[^\s]+$/i.test(u) || /^\/(?![/\\])[^\s]*$/.test(u),
    "Use a full http(s):// address or a path like /about.",
  );
export const readerSettingsInput = z.object({
  description: z.string().trim().max(300, "Keep the description under 300 characters.").optional(),
  navigation: z
    .array(
      z.object({
        label: z
          .string()
          .trim()
          .min(1, "Give every link a label.")
          .max(40, "Keep labels under 40 characters."),
        url: linkUrl,
      }),
    )
    .max(8, "At most 8 links.")
    .optional(),
});

/**
 * What the blog's reader site shows beside its posts: the description under its name and the
 * header's navigation links (the logo comes from the media settings). Owners change them; the
 * blog's cached pages are purged so readers see it at once.
 */
export const readerRouter = router({
  settings: memberProcedure("author").query(async ({ ctx }) => {
    const settings = await ctx.db.forTenant(ctx.tenant).settings.findOne({ _id: "blog" });
    return {
      description: settings?.description ?? "",
      navigation: settings?.navigation ?? [],
      logoUrl: settings?.logoUrl ?? null,
    };
  }),
  updateSettings: memberProcedure("owner")
    .input(readerSettingsInput)
    .mutation(async ({ ctx, input }) => {
      const patch: Record<string, unknown> = { updatedAt: new Date() };
      if (input.description !== undefined) patch.description = input.description;
      if (input.navigation !== undefined) patch.navigation = input.navigation;
      await ctx.db.forTenant(ctx.tenant).settings.updateOne({ _id: "blog" }, { $set: patch });
      await ctx.services.readerPurger.purgeTenant(ctx.tenant, "settings");
      return { ok: true };
    }),
});
