import Link from "next/link";
import { LogoMark } from "./logo";

export function SiteFooter() {
  return (
    <footer className="border-t border-line">
      <div className="mx-auto flex max-w-6xl flex-col gap-3 px-4 py-8 text-sm text-muted sm:flex-row sm:items-center sm:justify-between sm:px-6">
        <p className="flex items-center gap-2">
          <LogoMark className="size-5" />
          Conduit — a blog per subdomain, a database per blog.
        </p>
        <nav aria-label="Footer" className="flex gap-4">
          <Link href="/new" className="hover:text-ink">
            Start a blog
          </Link>
          <Link href="/#directory" className="hover:text-ink">
            Browse blogs
          </Link>
        </nav>
      </div>
    </footer>
  );
}
