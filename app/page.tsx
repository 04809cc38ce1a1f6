import { BlogCard } from "@/components/directory/blog-card";
import { SiteFooter } from "@/components/layout/site-footer";
import { SiteHeader } from "@/components/layout/site-header";
import { currentUser } from "@/components/session/current-user";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { env } from "@/server/env";
import { getServices } from "@/server/services/container";

// The directory changes whenever someone creates a blog.
export const dynamic = "force-dynamic";

const FEATURES = [
  {
    title: "Your subdomain",
    body: "Every blog lives at its own address, ready to share the minute you create it.",
  },
  {
    title: "Your database",
    body: "Each blog's posts and comments sit in a database of their own — never mixed with anyone else's.",
  },
  {
    title: "A real studio",
    body: "Write, schedule and manage your blog from one calm dashboard. Invite editors when you grow.",
  },
];

export default async function HomePage() {
  const [user, blogs] = await Promise.all([currentUser(), getServices().tenants.directory(60)]);
  const startHref = user ? "/new" : "/signup";

  return (
    <>
      <SiteHeader user={user} />
      <main id="main">
        <section className="relative overflow-hidden border-b border-line bg-[radial-gradient(ellipse_at_top_right,var(--color-accent-soft),transparent_55%)]">
          <div className="mx-auto max-w-6xl px-4 pt-12 pb-16 sm:px-6 sm:pt-24 sm:pb-28">
            <p className="text-sm font-semibold tracking-wide text-accent uppercase">
              Blogging, done properly
            </p>
            <h1 className="mt-4 max-w-3xl font-serif text-4xl leading-[1.08] font-semibold tracking-tight text-ink sm:text-6xl">
              Your blog, your subdomain, your database.
            </h1>
            <p className="mt-6 max-w-2xl text-lg leading-relaxed text-ink-soft">
              Start a blog in seconds at{" "}
              <span className="font-mono text-base text-ink">you.{env.ROOT_DOMAIN}</span>. Pick a theme, write
              in the studio, and own every word — each blog is kept in a database of its own.
            </p>
            <div className="mt-9 flex flex-col gap-3 sm:flex-row">
              <ButtonLink href={startHref} size="lg">
                Start a blog — it's free
              </ButtonLink>
              <ButtonLink href="#directory" size="lg" variant="secondary">
                Browse blogs
              </ButtonLink>
            </div>
          </div>
        </section>

        <section aria-labelledby="features-title" className="mx-auto max-w-6xl px-4 py-12 sm:px-6 sm:py-16">
          <h2 id="features-title" className="sr-only">
            Why Conduit
          </h2>
          <ul className="grid gap-4 sm:grid-cols-3 sm:gap-6">
            {FEATURES.map((f, i) => (
              <li key={f.title} className="rounded-card border border-line bg-surface p-6 shadow-card">
                <span className="font-mono text-xs text-muted">0{i + 1}</span>
                <h3 className="mt-2 font-serif text-xl font-semibold text-ink">{f.title}</h3>
                <p className="mt-2 text-sm leading-relaxed text-muted">{f.body}</p>
              </li>
            ))}
          </ul>
        </section>

        <section
          id="directory"
          aria-labelledby="directory-title"
          className="mx-auto max-w-6xl scroll-mt-20 px-4 pb-24 sm:px-6"
        >
          <div className="mb-6 flex items-end justify-between gap-4">
            <div>
              <h2
                id="directory-title"
                className="font-serif text-2xl font-semibold tracking-tight text-ink sm:text-3xl"
              >
                Blogs on Conduit
              </h2>
              <p className="mt-1 text-sm text-muted">The newest first.</p>
            </div>
            {blogs.length ? (
              <p className="text-sm text-muted">
                {blogs.length} {blogs.length === 1 ? "blog" : "blogs"}
              </p>
            ) : null}
          </div>
          {blogs.length ? (
            <ul className="grid gap-5 sm:grid-cols-2 lg:grid-cols-3">
              {blogs.map((blog) => (
                <BlogCard key={blog.id} blog={blog} />
              ))}
            </ul>
          ) : (
            <EmptyState
              title="No blogs yet"
              icon={
                <svg
                  viewBox="0 0 24 24"
                  aria-hidden="true"
                  className="size-6 fill-none stroke-current stroke-2"
                >
                  <path d="M4 20h4L19 9l-4-4L4 16v4Z" strokeLinejoin="round" />
                </svg>
              }
              action={<ButtonLink href={startHref}>Start the first one</ButtonLink>}
            >
              Conduit is brand new here. Be the first to claim a subdomain.
            </EmptyState>
          )}
        </section>
      </main>
      <SiteFooter />
    </>
  );
}
