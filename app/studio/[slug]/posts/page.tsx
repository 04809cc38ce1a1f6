import type { Metadata } from "next";
import { studioPostsList } from "@/components/studio/blog-posts";
import { loadStudio } from "@/components/studio/load";
import { NewPostButton } from "@/components/studio/new-post-button";
import { PageHeader } from "@/components/studio/page-header";
import { PostsList } from "@/components/studio/posts-list";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata: Metadata = { title: "Posts" };

export default async function StudioPostsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { blog } = await loadStudio(slug);
  const initial = await studioPostsList(blog);
  return (
    <>
      <PageHeader
        title="Posts"
        description="Write, schedule and publish. Drafts save as you type."
        actions={
          blog.status === "active" ? (
            <>
              <NewPostButton slug={blog.slug} type="page" variant="secondary" />
              <NewPostButton slug={blog.slug} />
            </>
          ) : undefined
        }
      />
      {initial ? (
        <PostsList slug={blog.slug} initial={initial} />
      ) : (
        <EmptyState title="Your blog is still being set up">
          Posts can be written as soon as it is live.
        </EmptyState>
      )}
    </>
  );
}
