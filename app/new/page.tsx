import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SiteHeader } from "@/components/layout/site-header";
import { NewBlogForm } from "@/components/new-blog/new-blog-form";
import { currentUser } from "@/components/session/current-user";
import { env } from "@/server/env";

export const metadata: Metadata = { title: "Create a blog" };

export default async function NewBlogPage() {
  const user = await currentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent("/new")}`);

  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="mx-auto max-w-3xl px-4 pt-8 pb-20 sm:px-6 sm:pt-14">
        <div className="mb-8">
          <h1 className="font-serif text-3xl font-semibold tracking-tight text-ink sm:text-4xl">
            Create a blog
          </h1>
          <p className="mt-2 text-muted">
            Name it, pick an address and a look. It gets its own subdomain and its own database.
          </p>
        </div>
        <NewBlogForm rootDomain={env.ROOT_DOMAIN} protocol={env.PUBLIC_PROTOCOL} />
      </main>
    </>
  );
}
