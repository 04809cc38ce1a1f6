import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { rootUrl } from "@/components/reader/root-url";
import { getTenantForPage } from "@/server/tenant-request";

type Params = { params: Promise<{ site: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const tenant = await getTenantForPage((await params).site);
  return { title: { default: tenant.name, template: `%s · ${tenant.name}` } };
}

/** The reader site of one blog, on its subdomain, in the blog's theme. */
export default async function ReaderLayout({ children, params }: Params & { children: ReactNode }) {
  const tenant = await getTenantForPage((await params).site);
  return (
    <div
      data-theme={tenant.theme}
      className="flex min-h-dvh flex-col"
      style={{ fontFamily: "var(--site-body)" }}
    >
      <header
        className="border-b"
        style={{
          background: "var(--site-header-bg)",
          color: "var(--site-header-ink)",
          borderColor: "var(--site-line)",
        }}
      >
        <div className="mx-auto flex h-16 max-w-3xl items-center justify-between gap-4 px-5 sm:px-6">
          <Link href="/" className="site-heading truncate text-lg sm:text-xl">
            {tenant.name}
          </Link>
          <nav aria-label="Blog" className="flex items-center gap-5 text-sm">
            <Link href="/" className="opacity-80 hover:opacity-100">
              Home
            </Link>
          </nav>
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-3xl flex-1 px-5 py-12 sm:px-6 sm:py-16">
        {children}
      </main>
      <footer className="border-t" style={{ borderColor: "var(--site-line)", color: "var(--site-muted)" }}>
        <div className="mx-auto flex max-w-3xl flex-col gap-1 px-5 py-8 text-sm sm:flex-row sm:justify-between sm:px-6">
          <p>
            © {new Date().getFullYear()} {tenant.name}
          </p>
          <p>
            Published with{" "}
            <a
              href={rootUrl()}
              className="font-semibold underline-offset-4 hover:underline"
              style={{ color: "var(--site-ink)" }}
            >
              Conduit
            </a>
          </p>
        </div>
      </footer>
    </div>
  );
}
