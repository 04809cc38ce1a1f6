import { notFound } from "next/navigation";
import { getTenantForPage } from "@/server/tenant-request";

/** Any other path on a blog: the blog's own 404 (in its theme), once the blog itself is known. */
export default async function ReaderUnknownPage({ params }: { params: Promise<{ site: string }> }) {
  await getTenantForPage((await params).site);
  notFound();
}
