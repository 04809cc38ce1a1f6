import type { Metadata } from "next";
import { MediaLibrary } from "@/components/media/media-library";
import { loadStudio } from "@/components/studio/load";
import { PageHeader } from "@/components/studio/page-header";

export const metadata: Metadata = { title: "Media" };

export default async function StudioMediaPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { user, blog } = await loadStudio(slug);
  return (
    <>
      <PageHeader
        title="Media"
        description="Images for your posts, covers and logo. Up to 10 MB each: JPEG, PNG, WebP, GIF or AVIF."
      />
      <MediaLibrary userId={user.id} canDeleteAny={blog.role === "owner" || blog.role === "editor"} />
    </>
  );
}
