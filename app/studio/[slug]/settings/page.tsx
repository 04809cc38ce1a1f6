import type { Metadata } from "next";
import { LogoField } from "@/components/media/logo-field";
import { ReaderSettingsForm } from "@/components/reader/studio/reader-settings-form";
import { DeleteBlog } from "@/components/studio/delete-blog";
import { loadStudio } from "@/components/studio/load";
import { PageHeader } from "@/components/studio/page-header";
import { SettingsForm } from "@/components/studio/settings-form";

export const metadata: Metadata = { title: "Settings" };

export default async function StudioSettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { blog } = await loadStudio(slug);
  const isOwner = blog.role === "owner";
  return (
    <>
      <PageHeader title="Settings" description="Name, theme and the life of this blog." />
      <div className="space-y-8">
        <SettingsForm
          // Remount when the blog changes so the form never shows another blog's values.
          key={blog.slug}
          slug={blog.slug}
          initialName={blog.name}
          initialTheme={blog.theme}
          canEdit={isOwner}
        />
        <LogoField canEdit={isOwner} />
        {blog.status === "active" ? <ReaderSettingsForm canEdit={isOwner} /> : null}
        {isOwner ? <DeleteBlog slug={blog.slug} name={blog.name} /> : null}
      </div>
    </>
  );
}
