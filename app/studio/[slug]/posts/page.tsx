import type { Metadata } from "next";
import { studioPosts } from "@/components/studio/blog-posts";
import { loadStudio } from "@/components/studio/load";
import { PageHeader } from "@/components/studio/page-header";
import { PostRows } from "@/components/studio/post-rows";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata: Metadata = { title: "Posts" };

/** Enough for any blog until the editor brings search and paging to this list. */
const LIST_LIMIT = 200;

export default async function StudioPostsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { blog } = await loadStudio(slug);
  const { posts } = await studioPosts(blog, LIST_LIMIT);
  return (
    <>
      <PageHeader title="Posts" description="Drafts, scheduled and published posts of this blog." />
      {posts.length ? (
        <>
          <p className="mb-4 flex flex-wrap items-center gap-2 text-sm text-muted">
            <Badge tone="accent">Coming soon</Badge>
            Writing and editing posts arrives with the editor; for now this list is read-only.
          </p>
          <PostRows posts={posts} blogUrl={blog.url} />
        </>
      ) : (
        <EmptyState
          title={
            <span className="inline-flex items-center gap-2">
              The editor is on its way <Badge tone="accent">Coming soon</Badge>
            </span>
          }
          icon={
            <svg viewBox="0 0 24 24" aria-hidden="true" className="size-6 fill-none stroke-current stroke-2">
              <path
                d="M7 3h8l4 4v13a1 1 0 0 1-1 1H7a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1Zm2 9h7m-7 4h7"
                strokeLinejoin="round"
              />
            </svg>
          }
        >
          Writing with rich text, images, drafts and scheduled publishing lands in the next release.
          Everything you write will live in this blog's own database.
        </EmptyState>
      )}
    </>
  );
}
