import type { Metadata } from "next";
import { loadStudio } from "@/components/studio/load";
import { PageHeader } from "@/components/studio/page-header";
import { THEME_INFO } from "@/components/themes";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { signedInBlogHref } from "@/server/auth/bridge-url";

export const metadata: Metadata = { title: "Overview" };

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

const statusTone = { active: "success", pending: "warning", failed: "danger", deleted: "neutral" } as const;
const statusLabel = {
  active: "Live",
  pending: "Setting up",
  failed: "Needs attention",
  deleted: "Deleted",
} as const;

export default async function StudioOverviewPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { blog } = await loadStudio(slug);
  const host = blog.url.replace(/^https?:\/\//, "");

  const facts = [
    { label: "Status", value: <Badge tone={statusTone[blog.status]}>{statusLabel[blog.status]}</Badge> },
    {
      label: "Address",
      value: (
        <a
          href={signedInBlogHref(blog.slug)}
          title={host}
          className="block truncate font-medium text-accent hover:underline"
        >
          {host}
        </a>
      ),
    },
    { label: "Theme", value: THEME_INFO[blog.theme].label },
    { label: "Created", value: dateFormat.format(new Date(blog.createdAt)) },
  ];

  return (
    <>
      <PageHeader
        title={blog.name}
        description={
          <>
            Welcome to your studio. Your role:{" "}
            <span className="font-medium text-ink capitalize">{blog.role ?? "admin"}</span>
          </>
        }
        actions={
          <ButtonLink
            href={`/studio/${blog.slug}/settings`}
            variant="secondary"
            className="hidden sm:inline-flex"
          >
            Settings
          </ButtonLink>
        }
      />

      <Card className="overflow-hidden">
        <dl className="grid grid-cols-2 gap-px bg-line lg:grid-cols-[1fr_1.7fr_1fr_1fr]">
          {facts.map((f) => (
            <div key={f.label} className="min-w-0 bg-surface px-4 py-4 sm:px-5">
              <dt className="text-xs font-medium tracking-wide text-muted uppercase">{f.label}</dt>
              <dd className="mt-1.5 text-sm text-ink">{f.value}</dd>
            </div>
          ))}
        </dl>
      </Card>

      <section aria-labelledby="posts-title" className="mt-10">
        <div className="mb-4 flex items-center justify-between">
          <h2 id="posts-title" className="text-lg font-semibold text-ink">
            Posts
          </h2>
          <span className="text-sm text-muted">0 published</span>
        </div>
        <EmptyState
          title="Write your first post"
          icon={
            <svg viewBox="0 0 24 24" aria-hidden="true" className="size-6 fill-none stroke-current stroke-2">
              <path d="M4 20h4L19 9l-4-4L4 16v4ZM13.5 6.5l4 4" strokeLinejoin="round" strokeLinecap="round" />
            </svg>
          }
        >
          The editor is coming — soon you'll write, schedule and publish right here. Your blog is already live
          and waiting for its first words.
        </EmptyState>
      </section>
    </>
  );
}
