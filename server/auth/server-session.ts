import { cookies } from "next/headers";
import { env } from "../env";
import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from "./cookies";
import type { SessionUser } from "./session";
import { sessionFromToken } from "./session-from-request";

/** For server components and server actions (studio/admin guards): the signed-in user or null. */
export async function getServerSessionUser(): Promise<SessionUser | null> {
  const jar = await cookies();
  const token =
    (env.PUBLIC_PROTOCOL === "https" ? jar.get(SECURE_SESSION_COOKIE)?.value : undefined) ??
    jar.get(SESSION_COOKIE)?.value ??
    null;
  return (await sessionFromToken(token))?.user ?? null;
}
