import type { Metadata } from "next";
import { studioPosts } from "@/components/studio/blog-posts";
import { loadStudio } from "@/components/studio/load";
import { NewPostButton } from "@/components/studio/new-post-button";
import { PageHeader } from "@/components/studio/page-header";
import { PostRows } from "@/components/studio/post-rows";
import { THEME_INFO } from "@/components/themes";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { signedInBlogHref } from "@/server/auth/bridge-url";

export const metadata: Metadata = { title: "Overview" };

const RECENT_POSTS = 5;

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

const statusTone = { active: "success", pending: "warning", failed: "danger", deleted: "neutral" } as const;
const statusLabel = {
  active: "Live",
  pending: "Setting up",
  failed: "Needs attention",
  deleted: "Deleted",
} as const;

export default async function StudioOverviewPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { blog } = await loadStudio(slug);
  const { counts, posts } = await studioPosts(blog, RECENT_POSTS);
  const total = counts.draft + counts.scheduled + counts.published + counts.archived;
  const countLine = [
    `${counts.published} published`,
    counts.scheduled ? `${counts.scheduled} scheduled` : null,
    counts.draft ? `${counts.draft} draft${counts.draft === 1 ? "" : "s"}` : null,
    counts.archived ? `${counts.archived} archived` : null,
  ]
    .filter(Boolean)
    .join(" · ");
  const host = blog.url.replace(/^https?:\/\//, "");

  const facts = [
    { label: "Status", value: <Badge tone={statusTone[blog.status]}>{statusLabel[blog.status]}</Badge> },
    {
      label: "Address",
      value: (
        <a
          href={signedInBlogHref(blog.slug)}
          title={host}
          className="block truncate font-medium text-accent hover:underline"
        >
          {host}
        </a>
      ),
    },
    { label: "Theme", value: THEME_INFO[blog.theme].label },
    { label: "Created", value: dateFormat.format(new Date(blog.createdAt)) },
  ];

  return (
    <>
      <PageHeader
        title={blog.name}
        description={
          <>
            Welcome to your studio. Your role:{" "}
            <span className="font-medium text-ink capitalize">{blog.role ?? "admin"}</span>
          </>
        }
        actions={
          <>
            <ButtonLink
              href={`/studio/${blog.slug}/settings`}
              variant="secondary"
              className="hidden sm:inline-flex"
            >
              Settings
            </ButtonLink>
            {blog.status === "active" ? <NewPostButton slug={blog.slug} /> : null}
          </>
        }
      />

      <Card className="overflow-hidden">
        <dl className="grid grid-cols-2 gap-px bg-line lg:grid-cols-[1fr_1.7fr_1fr_1fr]">
          {facts.map((f) => (
            <div key={f.label} className="min-w-0 bg-surface px-4 py-4 sm:px-5">
              <dt className="text-xs font-medium tracking-wide text-muted uppercase">{f.label}</dt>
              <dd className="mt-1.5 text-sm text-ink">{f.value}</dd>
            </div>
          ))}
        </dl>
      </Card>

      <section aria-labelledby="posts-title" className="mt-10">
        <div className="mb-4 flex items-center justify-between">
          <h2 id="posts-title" className="text-lg font-semibold text-ink">
            Posts
          </h2>
          <span className="text-sm text-muted">{countLine}</span>
        </div>
        {total ? (
          <>
            <PostRows posts={posts} blogUrl={blog.url} studioSlug={blog.slug} />
            {total > posts.length ? (
              <p className="mt-3 text-right text-sm">
                <a href={`/studio/${blog.slug}/posts`} className="font-medium text-accent hover:underline">
                  All {total} posts →
                </a>
              </p>
            ) : null}
          </>
        ) : (
          <EmptyState
            title="Write your first post"
            action={
              blog.status === "active" ? <NewPostButton slug={blog.slug} label="Start writing" /> : undefined
            }
            icon={
              <svg
                viewBox="0 0 24 24"
                aria-hidden="true"
                className="size-6 fill-none stroke-current stroke-2"
              >
                <path
                  d="M4 20h4L19 9l-4-4L4 16v4ZM13.5 6.5l4 4"
                  strokeLinejoin="round"
                  strokeLinecap="round"
                />
              </svg>
            }
          >
            Your blog is live and waiting for its first words. Drafts save as you type; publish when it's
            ready, or schedule it for later.
          </EmptyState>
        )}
      </section>
    </>
  );
}
