import { ObjectId } from "mongodb";
import { previewMessage, previewResponse, readerPreviewHtml } from "@/components/editor/reader-preview";
import { getServerSessionUser } from "@/server/auth/server-session";
import { isAppError } from "@/server/errors";
import { getServices } from "@/server/services/container";

export const dynamic = "force-dynamic";

/** The studio's preview (in the editor's iframe): members of the blog only. */
export async function GET(_req: Request, { params }: { params: Promise<{ slug: string; id: string }> }) {
  const { slug, id } = await params;
  const user = await getServerSessionUser();
  if (!user) return previewMessage("Sign in to preview", "Previews are for the blog's writers.", 401);
  const services = getServices();
  const tenant = await services.tenants.findActiveBySlug(slug);
  const role = tenant ? await services.memberships.roleOf(tenant._id, user.id) : null;
  if (!tenant || !role) return previewMessage("Not found", "There is nothing to preview here.", 404);
  try {
    const post = await services.posts.getForEditor(tenant, { userId: new ObjectId(user.id), role }, id);
    const banner =
      post.status === "published" ? "Preview · this is live on your blog" : "Preview · not published yet";
    return previewResponse(await readerPreviewHtml(services, tenant, post, banner));
  } catch (error) {
    if (isAppError(error))
      return previewMessage("Not found", "This post doesn't exist (or was deleted).", 404);
    throw error;
  }
}
