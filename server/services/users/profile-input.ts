import { z } from "zod";
import { passwordSchema, usernameSchema } from "./user-input";

export const displayNameSchema = z
  .string({ error: "Your name is required" })
  .trim()
  .min(1, "Your name is required")
  .max(80, "Use at most 80 characters for the name");

export const bioSchema = z.string().trim().max(300, "Keep the bio under 300 characters");

export const updateProfileInput = z.object({
  name: displayNameSchema,
  username: usernameSchema,
  bio: bioSchema.default(""),
});
export type UpdateProfileInput = z.input<typeof updateProfileInput>;

export const changePasswordInput = z.object({
  current: z.string().max(256).default(""),
  next: passwordSchema,
});
export type ChangePasswordInput = z.input<typeof changePasswordInput>;
