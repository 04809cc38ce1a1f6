import type { ObjectId } from "mongodb";
import type { Role } from "../../db/models";
import { AppError } from "../../errors";

/** Who is writing: a member of the blog and their role there (from `memberProcedure`). */
export interface PostActor {
  userId: ObjectId;
  role: Role;
}

/** Editors and owners edit every post of the blog; authors only posts that list them. */
export function canEditPost(actor: PostActor, post: { authorIds?: ObjectId[] }): boolean {
  if (actor.role === "owner" || actor.role === "editor") return true;
  return (post.authorIds ?? []).some((id) => id.equals(actor.userId));
}

export function assertCanEdit(actor: PostActor, post: { authorIds?: ObjectId[] }): void {
  if (!canEditPost(actor, post)) {
    throw new AppError("FORBIDDEN", "Authors can only change their own posts. Ask an editor for this one.");
  }
}

/** A Mongo filter fragment that limits a write to posts the actor may edit. */
export function editableFilter(actor: PostActor): Record<string, unknown> {
  return actor.role === "author" ? { authorIds: actor.userId } : {};
}
