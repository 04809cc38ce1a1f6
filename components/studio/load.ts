import "server-only";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { isAppError } from "@/server/errors";
import { getServices } from "@/server/services/container";
import { callerOf } from "../session/caller";
import { currentUser } from "../session/current-user";

/** Signed-in user or a trip to sign-in that comes back to `path`. */
export async function requireUser(path: string) {
  const user = await currentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(path)}`);
  return user;
}

/**
 * The studio's guard: members only. A blog that doesn't exist and one the user isn't a member of
 * both answer 404, so the studio never confirms that someone else's blog exists.
 * Cached per request: the layout and the page share one lookup.
 */
export const loadStudio = cache(async (slug: string) => {
  const user = await requireUser(`/studio/${slug}`);
  const services = getServices();
  try {
    const [blog, mine] = await Promise.all([
      services.tenants.get(slug, callerOf(user)),
      services.tenants.mine(user.id),
    ]);
    return { user, blog, mine };
  } catch (error) {
    if (
      isAppError(error) &&
      (error.code === "NOT_FOUND" || error.code === "FORBIDDEN" || error.code === "BAD_REQUEST")
    ) {
      notFound();
    }
    throw error;
  }
});
