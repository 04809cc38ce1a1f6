import Link from "next/link";
import { notFound } from "next/navigation";
import { PostList } from "@/components/reader/post-list";
import { isAppError } from "@/server/errors";
import { getServices } from "@/server/services/container";
import { getTenantForPage } from "@/server/tenant-request";

export const dynamic = "force-dynamic";

const PAGE_SIZE = 10;

type Props = {
  params: Promise<{ site: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export default async function ReaderHomePage({ params, searchParams }: Props) {
  const tenant = await getTenantForPage((await params).site);
  const after = (await searchParams).after;
  const cursor = typeof after === "string" && after ? after : null;
  const page = await getServices()
    .posts.listPublished(tenant, { limit: PAGE_SIZE, cursor })
    .catch((error: unknown) => {
      // A hand-edited cursor is a missing page, not a server error.
      if (isAppError(error) && error.code === "BAD_REQUEST") notFound();
      throw error;
    });

  return (
    <>
      {cursor ? null : (
        <section className="pb-10" style={{ borderBottom: "1px solid var(--site-line)" }}>
          <h1 className="site-heading text-4xl leading-tight sm:text-5xl">{tenant.name}</h1>
          <p className="mt-4 text-lg" style={{ color: "var(--site-muted)" }}>
            Notes, essays and updates. New posts appear here as soon as they're published.
          </p>
        </section>
      )}
      <section aria-labelledby="latest-title" className={cursor ? "" : "pt-10"}>
        <h2
          id="latest-title"
          className="site-heading text-sm tracking-widest uppercase"
          style={{ color: "var(--site-muted)" }}
        >
          {cursor ? "Older posts" : "Latest posts"}
        </h2>
        {page.items.length ? (
          <PostList posts={page.items} />
        ) : (
          <div
            className="mt-6 px-6 py-14 text-center"
            style={{
              border: "1px dashed var(--site-line)",
              borderRadius: "var(--site-radius)",
              background: "var(--site-surface)",
            }}
          >
            <p className="site-heading text-2xl">No posts yet</p>
            <p className="mx-auto mt-2 max-w-sm" style={{ color: "var(--site-muted)" }}>
              The first story is being written. Check back soon.
            </p>
          </div>
        )}
        {page.nextCursor || cursor ? (
          <nav aria-label="More posts" className="mt-10 flex justify-between gap-4 text-sm font-semibold">
            {cursor ? (
              <Link href="/" className="underline-offset-4 hover:underline">
                ← Newest posts
              </Link>
            ) : (
              <span />
            )}
            {page.nextCursor ? (
              <Link
                href={`/?after=${encodeURIComponent(page.nextCursor)}`}
                className="underline-offset-4 hover:underline"
              >
                Older posts →
              </Link>
            ) : null}
          </nav>
        ) : null}
      </section>
    </>
  );
}
