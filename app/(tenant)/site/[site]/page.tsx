import { getTenantForPage } from "@/server/tenant-request";

export const dynamic = "force-dynamic";

export default async function ReaderHomePage({ params }: { params: Promise<{ site: string }> }) {
  const tenant = await getTenantForPage((await params).site);
  return (
    <>
      <section className="pb-10" style={{ borderBottom: "1px solid var(--site-line)" }}>
        <h1 className="site-heading text-4xl leading-tight sm:text-5xl">{tenant.name}</h1>
        <p className="mt-4 text-lg" style={{ color: "var(--site-muted)" }}>
          Notes, essays and updates. New posts appear here as soon as they're published.
        </p>
      </section>
      <section aria-labelledby="latest-title" className="pt-10">
        <h2
          id="latest-title"
          className="site-heading text-sm tracking-widest uppercase"
          style={{ color: "var(--site-muted)" }}
        >
          Latest posts
        </h2>
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
      </section>
    </>
  );
}
