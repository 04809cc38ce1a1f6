import { z } from "zod";

/** Input rules shared by the tRPC router, the REST handlers and the service itself. */
export const emailSchema = z
  .string({ error: "Email is required" })
  .trim()
  .toLowerCase()
  .max(254, "Email is too long")
  .pipe(z.email({ error: "Enter a valid email address" }));

export const usernameSchema = z
  .string({ error: "Username is required" })
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9_]{3,30}$/, "Use 3–30 letters, digits or underscores for the username");

export const passwordSchema = z
  .string({ error: "Password is required" })
  .min(8, "Use at least 8 characters for the password")
  // argon2 accepts more, but an unbounded input is a cheap way to burn CPU.
  .max(256, "Use at most 256 characters for the password");

export const nameSchema = z.string().trim().max(80, "Use at most 80 characters for the name");

export const signUpInput = z.object({
  email: emailSchema,
  username: usernameSchema,
  password: passwordSchema,
  name: nameSchema.optional(),
});
export type SignUpInput = z.input<typeof signUpInput>;

export const signInInput = z.object({
  email: z.string({ error: "Email is required" }).trim().toLowerCase().min(1, "Email is required").max(254),
  password: z.string({ error: "Password is required" }).min(1, "Password is required").max(256),
});
export type SignInInput = z.input<typeof signInInput>;

/** Every distinct problem of a failed parse, worded for a person. */
export function allIssues(error: z.ZodError): string[] {
  return [...new Set(error.issues.map((i) => i.message))];
}

/** The first problem of a failed parse, worded for a person. */
export function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? "Invalid input";
}
