import type { PostSummary } from "@/server/services/posts/posts-service";
import { Card } from "../ui/card";
import { PostStatusBadge } from "./post-status";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

/** The date that matters for a post in its state: published, due, or last edited. */
function dateLine(post: PostSummary): { label: string; date: Date } {
  if (post.status === "published" && post.publishedAt) return { label: "Published", date: post.publishedAt };
  if (post.status === "scheduled" && post.publishAt) return { label: "Scheduled for", date: post.publishAt };
  return { label: "Edited", date: post.updatedAt };
}

/** Read-only rows of posts (title, status, date); editing arrives with the editor. */
export function PostRows({ posts, blogUrl }: { posts: PostSummary[]; blogUrl: string }) {
  return (
    <Card className="overflow-hidden">
      <ul className="divide-y divide-line">
        {posts.map((post) => {
          const { label, date } = dateLine(post);
          return (
            <li key={post.id} className="flex items-center gap-4 px-4 py-3.5 sm:px-5">
              <div className="min-w-0 flex-1">
                {post.status === "published" ? (
                  <a
                    href={`${blogUrl}/${post.slug}`}
                    target="_blank"
                    rel="noreferrer"
                    className="block truncate font-medium text-ink hover:text-accent hover:underline"
                  >
                    {post.title}
                    <span className="sr-only"> (opens the post on your blog in a new tab)</span>
                  </a>
                ) : (
                  <p className="truncate font-medium text-ink">{post.title}</p>
                )}
                <p className="mt-0.5 text-sm text-muted">
                  {label}{" "}
                  <time dateTime={date.toISOString()} suppressHydrationWarning>
                    {dateFormat.format(date)}
                  </time>
                  {post.tags.length ? (
                    <span className="hidden sm:inline"> · {post.tags.map((t) => `#${t}`).join(" ")}</span>
                  ) : null}
                </p>
              </div>
              <PostStatusBadge status={post.status} />
            </li>
          );
        })}
      </ul>
    </Card>
  );
}
