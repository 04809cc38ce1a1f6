import Link from "next/link";
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

/** Rows of posts (title → editor, status, date, a link to the live post). */
export function PostRows({
  posts,
  blogUrl,
  studioSlug,
}: {
  posts: PostSummary[];
  blogUrl: string;
  studioSlug: string;
}) {
  return (
    <Card className="overflow-hidden">
      <ul className="divide-y divide-line">
        {posts.map((post) => {
          const { label, date } = dateLine(post);
          return (
            <li key={post.id} className="flex items-center gap-4 px-4 py-3.5 sm:px-5">
              <div className="min-w-0 flex-1">
                <Link
                  href={`/studio/${studioSlug}/posts/${post.id}`}
                  className="block truncate font-medium text-ink hover:text-accent"
                >
                  {post.title || "Untitled"}
                </Link>
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
              {post.status === "published" ? (
                <a
                  href={`${blogUrl}/${post.slug}`}
                  target="_blank"
                  rel="noreferrer"
                  className="hidden text-sm font-medium text-accent hover:underline sm:inline"
                >
                  View
                  <span className="sr-only"> “{post.title}” on your blog (opens in a new tab)</span>
                </a>
              ) : null}
              <PostStatusBadge status={post.status} />
            </li>
          );
        })}
      </ul>
    </Card>
  );
}
