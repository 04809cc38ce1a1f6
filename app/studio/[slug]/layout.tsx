import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Logo } from "@/components/layout/logo";
import { UserMenu } from "@/components/layout/user-menu";
import { BlogSwitcher } from "@/components/studio/blog-switcher";
import { loadStudio } from "@/components/studio/load";
import { ProvisioningBanner } from "@/components/studio/provisioning-banner";
import { StudioNav } from "@/components/studio/studio-nav";
import { TRPCReactProvider } from "@/components/trpc/provider";
import { buttonClasses } from "@/components/ui/button";
import { signedInBlogHref } from "@/server/auth/bridge-url";

type Params = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { slug } = await params;
  const { blog } = await loadStudio(slug);
  return { title: { default: `${blog.name} — Studio`, template: `%s · ${blog.name} · Conduit` } };
}

/** Opens the blog through the sign-in bridge, so its owner is signed in on the subdomain too. */
function ViewBlogLink({ slug, live, className }: { slug: string; live: boolean; className?: string }) {
  if (!live) return null;
  return (
    <a
      href={signedInBlogHref(slug)}
      target="_blank"
      rel="noreferrer"
      className={buttonClasses("secondary", "sm", className)}
    >
      View blog
      <svg viewBox="0 0 16 16" aria-hidden="true" className="size-3.5 fill-none stroke-current stroke-2">
        <path d="M6 3h7v7M13 3 5 11" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      <span className="sr-only">(opens in a new tab)</span>
    </a>
  );
}

export default async function StudioLayout({ children, params }: Params & { children: ReactNode }) {
  const { slug } = await params;
  const { user, blog, mine } = await loadStudio(slug);
  const blogs = mine.some((b) => b.slug === blog.slug) ? mine : [blog, ...mine];
  const live = blog.status === "active";

  return (
    // Studio calls go through /studio/<slug>/api/trpc: the middleware binds them to this blog.
    <TRPCReactProvider url={`/studio/${blog.slug}/api/trpc`}>
      <div className="min-h-dvh lg:grid lg:grid-cols-[16rem_1fr]">
        <aside className="hidden border-r border-line bg-surface lg:sticky lg:top-0 lg:flex lg:h-dvh lg:flex-col">
          <div className="px-4 pt-5 pb-4">
            <Logo href="/" />
          </div>
          <div className="px-3">
            <BlogSwitcher current={blog} blogs={blogs} />
          </div>
          <div className="mt-5 flex-1 px-3">
            <StudioNav slug={blog.slug} orientation="vertical" />
          </div>
          <div className="space-y-3 border-t border-line p-3">
            <ViewBlogLink slug={blog.slug} live={live} className="w-full" />
            <UserMenu user={user} placement="top-start" />
          </div>
        </aside>

        <div className="min-w-0">
          <header className="sticky top-0 z-30 border-b border-line bg-surface/95 backdrop-blur lg:hidden">
            <div className="flex items-center gap-2 px-4 pt-3">
              <div className="min-w-0 flex-1">
                <BlogSwitcher current={blog} blogs={blogs} />
              </div>
              <ViewBlogLink slug={blog.slug} live={live} />
              <UserMenu user={user} />
            </div>
            <div className="px-3 py-2">
              <StudioNav slug={blog.slug} orientation="horizontal" />
            </div>
          </header>
          <main id="main" className="mx-auto max-w-4xl px-4 py-8 sm:px-8 lg:py-12">
            {blog.status === "pending" || blog.status === "failed" ? (
              <div className="mb-8">
                <ProvisioningBanner
                  slug={blog.slug}
                  status={blog.status}
                  reason={blog.failureReason}
                  canRetry={blog.status === "failed" && blog.role === "owner"}
                />
              </div>
            ) : null}
            {children}
          </main>
        </div>
      </div>
    </TRPCReactProvider>
  );
}
