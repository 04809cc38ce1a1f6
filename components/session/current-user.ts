import "server-only";
import { getServerSessionUser } from "@/server/auth/server-session";
import type { SessionUser } from "@/server/auth/session";

/** The signed-in user for server components and pages, or null. One place to change if auth moves. */
export async function currentUser(): Promise<SessionUser | null> {
  return (await getServerSessionUser()) ?? null;
}
