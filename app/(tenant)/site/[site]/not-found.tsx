import Link from "next/link";

/** A missing page on an existing blog, rendered inside the blog's own layout and theme. */
export default function ReaderNotFound() {
  return (
    <div className="py-10 text-center">
      <p className="text-sm tracking-widest uppercase" style={{ color: "var(--site-muted)" }}>
        404
      </p>
      <h1 className="site-heading mt-3 text-3xl sm:text-4xl">Page not found</h1>
      <p className="mx-auto mt-3 max-w-md" style={{ color: "var(--site-muted)" }}>
        This page doesn't exist — it may have moved or never been published.
      </p>
      <Link
        href="/"
        className="mt-8 inline-flex h-11 items-center px-5 font-semibold"
        style={{
          background: "var(--site-accent)",
          color: "var(--site-accent-ink)",
          borderRadius: "var(--site-radius)",
        }}
      >
        Back to the blog
      </Link>
    </div>
  );
}
