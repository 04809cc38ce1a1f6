import { usernameSchema } from "./user-input";

/** Names that would read as the platform speaking, or collide with paths people expect. */
export const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  "admin",
  "administrator",
  "api",
  "conduit",
  "help",
  "me",
  "new",
  "root",
  "settings",
  "staff",
  "studio",
  "support",
  "system",
]);

export const USERNAME_TAKEN = "That username is taken";
export const USERNAME_RESERVED = "That username is reserved";

/** Why a (normalised) username can't be used, or null. */
export function usernameProblem(raw: string): string | null {
  const parsed = usernameSchema.safeParse(raw);
  if (!parsed.success) return parsed.error.issues[0]?.message ?? "Invalid username";
  if (RESERVED_USERNAMES.has(parsed.data)) return USERNAME_RESERVED;
  return null;
}
