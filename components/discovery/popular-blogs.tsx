import type { PopularBlog } from "@/server/services/feed/feed-service";

/** The blogs readers are on most this month: a strip that scrolls sideways on a phone. */
export function PopularBlogs({ blogs }: { blogs: PopularBlog[] }) {
  return (
    <ul className="-mx-4 flex snap-x gap-3 overflow-x-auto px-4 pb-2 [scrollbar-width:thin] sm:mx-0 sm:grid sm:grid-cols-2 sm:overflow-visible sm:px-0 lg:grid-cols-4">
      {blogs.map((blog) => (
        <li key={blog.tenantId} className="w-60 shrink-0 snap-start sm:w-auto">
          <a
            href={blog.url}
            data-theme={blog.theme}
            className="group flex h-full items-center gap-3 overflow-hidden rounded-card border border-line p-3 shadow-card transition hover:-translate-y-0.5 hover:shadow-pop"
          >
            <span
              aria-hidden="true"
              className="site-heading flex size-11 shrink-0 items-center justify-center rounded-lg text-lg"
              style={{ background: "var(--site-accent)", color: "var(--site-accent-ink)" }}
            >
              {blog.name.trim().charAt(0).toUpperCase() || "·"}
            </span>
            <span className="min-w-0">
              <span className="block truncate text-[15px] leading-tight font-semibold">{blog.name}</span>
              <span className="mt-0.5 block truncate text-xs" style={{ color: "var(--site-muted)" }}>
                {blog.slug} · {blog.posts} {blog.posts === 1 ? "post" : "posts"}
              </span>
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}
