import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { DiscoveryPage } from "@/components/discovery/discovery-page";
import { parseView } from "@/components/discovery/discovery-params";
import { currentUser } from "@/components/session/current-user";
import { normalizeFeedTag } from "@/server/services/feed/feed-params";

export const dynamic = "force-dynamic";

type Props = {
  params: Promise<{ tag: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

function tagOf(raw: string): string | null {
  const tag = normalizeFeedTag(decodeURIComponent(raw));
  return tag && tag.length <= 40 ? tag : null;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const tag = tagOf((await params).tag);
  return tag ? { title: `#${tag}`, description: `Posts tagged #${tag} from every blog on Conduit.` } : {};
}

/** A tag page of the network (root domain): the discovery page filtered by one tag. */
export default async function TagPage({ params, searchParams }: Props) {
  const [user, { tag: raw }, query] = await Promise.all([currentUser(), params, searchParams]);
  const tag = tagOf(raw);
  if (!tag) notFound();
  return <DiscoveryPage view={parseView(query, tag)} user={user} />;
}
