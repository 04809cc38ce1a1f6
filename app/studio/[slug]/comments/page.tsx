import type { Metadata } from "next";
import { CommentModeration } from "@/components/reader/studio/comment-moderation";
import { loadStudio } from "@/components/studio/load";
import { PageHeader } from "@/components/studio/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata: Metadata = { title: "Comments" };

/** Comment moderation for a blog's owners and editors (authors read along). */
export default async function StudioCommentsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { blog } = await loadStudio(slug);
  return (
    <>
      <PageHeader
        title="Comments"
        description="What readers are saying. Hide or delete anything that doesn't belong."
      />
      {blog.status === "active" ? (
        <CommentModeration blogUrl={blog.url} canModerate={blog.role === "owner" || blog.role === "editor"} />
      ) : (
        <EmptyState title="Your blog is still being set up">Comments open once it is live.</EmptyState>
      )}
    </>
  );
}
