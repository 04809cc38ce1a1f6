"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { currentUser } from "@/components/session/current-user";
import { env } from "@/server/env";
import { getServices } from "@/server/services/container";
import { realWorldFor } from "@/server/services/realworld/realworld";

/**
 * Follow or unfollow a writer from their page on the discovery feed. A server action is a public
 * endpoint: the signed-in user is checked on every call, the person is looked up by username.
 */
export async function setFollowing(form: FormData): Promise<void> {
  const username = String(form.get("username") ?? "").toLowerCase();
  const follow = form.get("intent") === "follow";
  const back = `/?author=${encodeURIComponent(username)}`;
  const user = await currentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(back)}`);
  const services = getServices();
  const person = /^[a-z0-9_]{3,30}$/.test(username) ? await services.users.findByUsername(username) : null;
  if (person && person._id.toHexString() !== user.id) {
    const { follows } = realWorldFor(services, env);
    if (follow) await follows.follow(user.id, person._id);
    else await follows.unfollow(user.id, person._id);
  }
  revalidatePath("/");
}
