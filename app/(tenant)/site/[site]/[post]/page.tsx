import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { readerDate } from "@/components/reader/format";
import { PostBody } from "@/components/reader/post-body";
import { PostTags } from "@/components/reader/post-tags";
import { getServices } from "@/server/services/container";
import { getTenantForPage } from "@/server/tenant-request";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ site: string; post: string }> };

/** The post of this request (shared by metadata and page); unknown or unpublished → the blog's 404. */
const loadPost = cache(async (site: string, slug: string) => {
  const tenant = await getTenantForPage(site);
  const post = await getServices().posts.getPublishedBySlug(tenant, decodeURIComponent(slug));
  if (!post) notFound();
  return post;
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { site, post: slug } = await params;
  const post = await loadPost(site, slug);
  return {
    title: post.title,
    description: post.excerpt || undefined,
    openGraph: { type: "article", title: post.title, description: post.excerpt || undefined },
  };
}

async function authorNames(ids: string[]): Promise<string[]> {
  const users = await Promise.all(
    ids.map((id) =>
      getServices()
        .users.findById(id)
        .catch(() => null),
    ),
  );
  return users.flatMap((u) => (u ? [u.name || u.username] : []));
}

export default async function ReaderPostPage({ params }: Props) {
  const { site, post: slug } = await params;
  const post = await loadPost(site, slug);
  const authors = await authorNames(post.authorIds);

  return (
    <article>
      <header className="pb-8" style={{ borderBottom: "1px solid var(--site-line)" }}>
        <p className="text-sm" style={{ color: "var(--site-muted)", fontFamily: "var(--font-sans)" }}>
          {post.publishedAt ? (
            <time dateTime={post.publishedAt.toISOString()}>{readerDate(post.publishedAt)}</time>
          ) : null}
          {authors.length ? (
            <>
              <span aria-hidden="true"> · </span>
              <span>by {authors.join(", ")}</span>
            </>
          ) : null}
        </p>
        <h1 className="site-heading mt-3 text-4xl leading-tight sm:text-5xl">{post.title}</h1>
        <PostTags tags={post.tags} className="mt-5" />
      </header>
      <div className="pt-4">
        <PostBody blocks={post.blocks} />
      </div>
      <footer className="mt-14 pt-8" style={{ borderTop: "1px solid var(--site-line)" }}>
        <Link href="/" className="text-sm font-semibold underline-offset-4 hover:underline">
          ← All posts
        </Link>
      </footer>
    </article>
  );
}
