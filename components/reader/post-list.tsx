import Link from "next/link";
import type { PostSummary } from "@/server/services/posts/posts-service";
import { readerDate } from "./format";
import { PostTags } from "./post-tags";

/** The blog's published posts on its home page; each links to `/<slug>` on the blog's subdomain. */
export function PostList({ posts }: { posts: PostSummary[] }) {
  return (
    <ol className="mt-2">
      {posts.map((post) => (
        <li key={post.id} className="py-8" style={{ borderBottom: "1px solid var(--site-line)" }}>
          <article>
            {post.publishedAt ? (
              <time
                dateTime={post.publishedAt.toISOString()}
                className="text-sm"
                style={{ color: "var(--site-muted)", fontFamily: "var(--font-sans)" }}
              >
                {readerDate(post.publishedAt)}
              </time>
            ) : null}
            <h3 className="site-heading mt-1.5 text-2xl leading-snug sm:text-3xl">
              <Link
                href={`/${post.slug}`}
                className="underline-offset-4 hover:underline"
                style={{ textDecorationColor: "var(--site-accent)" }}
              >
                {post.title}
              </Link>
            </h3>
            {post.excerpt ? (
              <p className="mt-3 text-lg leading-relaxed" style={{ color: "var(--site-muted)" }}>
                {post.excerpt}
              </p>
            ) : null}
            <PostTags tags={post.tags} className="mt-4" />
          </article>
        </li>
      ))}
    </ol>
  );
}
