"use client";

import Link from "next/link";
import { cn } from "../ui/cn";
import { useDisclosure } from "../ui/use-disclosure";

export interface SwitcherBlog {
  slug: string;
  name: string;
  status: string;
}

function BlogMark({ name }: { name: string }) {
  return (
    <span
      aria-hidden="true"
      className="flex size-8 shrink-0 items-center justify-center rounded-lg bg-ink font-serif text-sm font-semibold text-paper"
    >
      {(name.trim()[0] ?? "?").toUpperCase()}
    </span>
  );
}

/** Which blog the studio is showing, and a jump to any other blog the user belongs to. */
export function BlogSwitcher({ current, blogs }: { current: SwitcherBlog; blogs: SwitcherBlog[] }) {
  const { open, setOpen, rootRef, buttonProps, panelId } = useDisclosure();
  return (
    <div ref={rootRef} className="relative min-w-0">
      <button
        {...buttonProps}
        aria-label={`Current blog: ${current.name}. Switch blog`}
        className="flex w-full min-w-0 items-center gap-2.5 rounded-lg border border-line bg-surface px-2 py-1.5 text-left shadow-card hover:border-line-strong"
      >
        <BlogMark name={current.name} />
        <span className="min-w-0 flex-1">
          <span className="block truncate text-sm font-semibold text-ink">{current.name}</span>
          <span className="block truncate text-xs text-muted">{current.slug}</span>
        </span>
        <svg
          viewBox="0 0 20 20"
          aria-hidden="true"
          className="size-4 shrink-0 fill-none stroke-muted stroke-2"
        >
          <path d="m6 8 4-4 4 4M6 12l4 4 4-4" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </button>
      {open ? (
        <div
          id={panelId}
          className="absolute top-full left-0 z-40 mt-2 w-72 max-w-[calc(100vw-2rem)] rounded-card border border-line bg-surface p-1.5 shadow-pop"
        >
          <p className="px-3 pt-1.5 pb-1 text-xs font-medium tracking-wide text-muted uppercase">
            Your blogs
          </p>
          <ul className="max-h-72 overflow-y-auto">
            {blogs.map((blog) => (
              <li key={blog.slug}>
                <Link
                  href={`/studio/${blog.slug}`}
                  aria-current={blog.slug === current.slug ? "page" : undefined}
                  onClick={() => setOpen(false)}
                  className={cn(
                    "flex items-center gap-2.5 rounded-md px-2 py-1.5 hover:bg-stone-100",
                    blog.slug === current.slug && "bg-stone-50",
                  )}
                >
                  <BlogMark name={blog.name} />
                  <span className="min-w-0 flex-1">
                    <span className="block truncate text-sm font-medium text-ink">{blog.name}</span>
                    <span className="block truncate text-xs text-muted">
                      {blog.slug}
                      {blog.status !== "active" ? ` · ${blog.status}` : ""}
                    </span>
                  </span>
                  {blog.slug === current.slug ? (
                    <svg viewBox="0 0 16 16" aria-hidden="true" className="size-4 fill-accent">
                      <path d="M6.5 11.1 3.4 8l-1 1 4.1 4.1 7.1-7.1-1-1z" />
                    </svg>
                  ) : null}
                </Link>
              </li>
            ))}
          </ul>
          <div className="mt-1 border-t border-line pt-1">
            <Link
              href="/new"
              onClick={() => setOpen(false)}
              className="flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium text-accent hover:bg-accent-soft"
            >
              <span aria-hidden="true" className="text-base leading-none">
                +
              </span>
              Create a new blog
            </Link>
          </div>
        </div>
      ) : null}
    </div>
  );
}
