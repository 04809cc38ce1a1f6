import type { Metadata } from "next";
import { MembersPanel } from "@/components/members/members-panel";
import { loadStudio } from "@/components/studio/load";
import { PageHeader } from "@/components/studio/page-header";

export const metadata: Metadata = { title: "Members" };

export default async function StudioMembersPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { blog } = await loadStudio(slug);
  return (
    <>
      <PageHeader
        title="Members"
        description="The people who write for this blog, and what each of them can do."
      />
      <MembersPanel blogName={blog.name} />
    </>
  );
}
