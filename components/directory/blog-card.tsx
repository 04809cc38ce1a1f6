import type { TenantDto } from "@/server/services/tenants/tenant-dto";
import { THEME_INFO } from "../themes";

const dateFormat = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", year: "numeric" });

/** A directory entry drawn in the blog's own theme, linking to its subdomain. */
export function BlogCard({
  blog,
}: {
  blog: Pick<TenantDto, "name" | "slug" | "theme" | "url" | "createdAt">;
}) {
  const host = blog.url.replace(/^https?:\/\//, "");
  return (
    <li>
      <a
        href={blog.url}
        className="group block h-full overflow-hidden rounded-card border border-line bg-surface shadow-card transition hover:-translate-y-0.5 hover:shadow-pop"
      >
        <div data-theme={blog.theme} className="border-b border-line">
          <div
            className="flex h-8 items-center px-4"
            style={{ background: "var(--site-header-bg)", color: "var(--site-header-ink)" }}
          >
            <span className="h-1.5 w-10 rounded-full" style={{ background: "var(--site-accent)" }} />
          </div>
          <div className="px-4 pt-4 pb-5">
            <h3 className="site-heading line-clamp-2 text-xl leading-tight">{blog.name}</h3>
          </div>
        </div>
        <div className="flex items-center justify-between gap-3 px-4 py-3 text-sm">
          <span className="truncate font-medium text-accent group-hover:underline">{host}</span>
          <span className="shrink-0 text-xs text-muted">
            {THEME_INFO[blog.theme].label} · {dateFormat.format(new Date(blog.createdAt))}
          </span>
        </div>
      </a>
    </li>
  );
}
