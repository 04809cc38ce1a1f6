import { ObjectId } from "mongodb";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PostEditorWithUploads } from "@/components/media/editor-uploads";
import { loadStudio } from "@/components/studio/load";
import { isAppError } from "@/server/errors";
import { getServices } from "@/server/services/container";

export const metadata: Metadata = { title: "Editor" };

export default async function EditPostPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const { slug, id } = await params;
  const { user, blog } = await loadStudio(slug);
  const services = getServices();
  const tenant = await services.tenants.findActiveBySlug(blog.slug);
  if (!tenant || !blog.role) notFound();
  try {
    const [post, members] = await Promise.all([
      services.posts.getForEditor(tenant, { userId: new ObjectId(user.id), role: blog.role }, id),
      services.posts.members(tenant),
    ]);
    // Keyed by post so moving between posts never reuses one editor's state for another.
    return (
      <PostEditorWithUploads
        key={post.id}
        blog={{ slug: blog.slug, url: blog.url }}
        initial={post}
        members={members}
      />
    );
  } catch (error) {
    if (isAppError(error) && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) notFound();
    throw error;
  }
}
