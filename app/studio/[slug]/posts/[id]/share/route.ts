import { previewMessage, previewResponse, readerPreviewHtml } from "@/components/editor/reader-preview";
import { getServices } from "@/server/services/container";

export const dynamic = "force-dynamic";

/**
 * A shared draft preview: anyone with the link, while its signed token is valid (expiring) and the
 * post's preview key is unchanged (revocable). The blog comes from the path and must match the
 * token; the post id in the path must match too.
 */
export async function GET(req: Request, { params }: { params: Promise<{ slug: string; id: string }> }) {
  const { slug, id } = await params;
  const token = new URL(req.url).searchParams.get("token") ?? "";
  const services = getServices();
  const tenant = await services.tenants.findActiveBySlug(slug);
  const post = tenant && token ? await services.posts.getByPreviewToken(tenant, token) : null;
  if (!tenant || !post || post.id !== id) {
    return previewMessage(
      "This preview link doesn't work",
      "It may have expired or been revoked by the writer. Ask them for a new one.",
      404,
    );
  }
  return previewResponse(
    await readerPreviewHtml(services, tenant, post, "Preview of a draft · shared privately, not published"),
  );
}
