import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { SiteHeader } from "@/components/layout/site-header";
import { requireUser } from "@/components/studio/load";
import { THEME_INFO } from "@/components/themes";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { getServices } from "@/server/services/container";

export const metadata: Metadata = { title: "My blogs" };

const statusBadge = {
  active: null,
  pending: <Badge tone="warning">Setting up</Badge>,
  failed: <Badge tone="danger">Needs attention</Badge>,
  deleted: <Badge>Deleted</Badge>,
} as const;

export default async function StudioIndexPage() {
  const user = await requireUser("/studio");
  const blogs = await getServices().tenants.mine(user.id);
  if (blogs.length === 0) redirect("/new");
  if (blogs.length === 1) redirect(`/studio/${blogs[0]!.slug}`);

  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="mx-auto max-w-4xl px-4 pt-10 pb-20 sm:px-6">
        <div className="mb-8 flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
          <div>
            <h1 className="font-serif text-3xl font-semibold tracking-tight text-ink">My blogs</h1>
            <p className="mt-1.5 text-muted">Pick a blog to open its studio.</p>
          </div>
          <ButtonLink href="/new">Create a new blog</ButtonLink>
        </div>
        <ul className="divide-y divide-line overflow-hidden rounded-card border border-line bg-surface shadow-card">
          {blogs.map((blog) => (
            <li key={blog.id}>
              <Link
                href={`/studio/${blog.slug}`}
                className="flex items-center gap-4 px-5 py-4 hover:bg-stone-50 focus-visible:-outline-offset-2"
              >
                <span
                  aria-hidden="true"
                  className="flex size-10 shrink-0 items-center justify-center rounded-lg bg-ink font-serif font-semibold text-paper"
                >
                  {(blog.name.trim()[0] ?? "?").toUpperCase()}
                </span>
                <span className="min-w-0 flex-1">
                  <span className="flex items-center gap-2">
                    <span className="truncate font-semibold text-ink">{blog.name}</span>
                    {statusBadge[blog.status]}
                  </span>
                  <span className="block truncate text-sm text-muted">
                    {blog.url.replace(/^https?:\/\//, "")} · {THEME_INFO[blog.theme].label}
                  </span>
                </span>
                <span className="hidden text-sm text-muted capitalize sm:block">{blog.role}</span>
                <svg
                  viewBox="0 0 16 16"
                  aria-hidden="true"
                  className="size-4 fill-none stroke-muted stroke-2"
                >
                  <path d="m6 3 5 5-5 5" strokeLinecap="round" strokeLinejoin="round" />
                </svg>
              </Link>
            </li>
          ))}
        </ul>
      </main>
    </>
  );
}
