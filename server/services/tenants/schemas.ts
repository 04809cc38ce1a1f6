import { z } from "zod";
import { slugProblem } from "./slug";

export const THEMES = ["classic", "minimal", "bold"] as const;

export const themeSchema = z.enum(THEMES, { error: `Pick a theme: ${THEMES.join(", ")}` });

/** Trimmed and lower-cased first, so "My-Blog " registers as "my-blog". */
export const slugSchema = z
  .string({ error: "A slug is required" })
  .trim()
  .toLowerCase()
  .superRefine((slug, ctx) => {
    const problem = slugProblem(slug);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** Looser than `slugSchema`: for looking a blog up, where a reserved name simply isn't found. */
export const slugLookupSchema = z.string().trim().toLowerCase().min(1).max(63);

export const tenantNameSchema = z
  .string({ error: "A name is required" })
  .trim()
  .min(1, "A name is required")
  .max(80, "Keep the name under 80 characters");

export const createTenantSchema = z.object({
  name: tenantNameSchema,
  slug: slugSchema,
  theme: themeSchema.default("classic"),
});
export type CreateTenantInput = z.input<typeof createTenantSchema>;

export const updateTenantSchema = z.object({
  slug: slugLookupSchema,
  name: tenantNameSchema.optional(),
  theme: themeSchema.optional(),
});
export type UpdateTenantInput = z.input<typeof updateTenantSchema>;

/** The first issue's message, for a 400 body a person can read. */
export function firstIssueMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "Invalid input";
  const field = issue.path.join(".");
  return field ? `${field}: ${issue.message}` : issue.message;
}
