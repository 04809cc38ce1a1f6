import type { Metadata } from "next";
import { DiscoveryPage } from "@/components/discovery/discovery-page";
import { parseView } from "@/components/discovery/discovery-params";
import { currentUser } from "@/components/session/current-user";

// The feed changes with every publish; its service caches pages for at most a second.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { absolute: "Conduit — stories from every blog" },
  description: "Trending, latest and top posts from every blog on Conduit.",
};

/** The root domain: the network's discovery page. */
export default async function HomePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [user, params] = await Promise.all([currentUser(), searchParams]);
  return <DiscoveryPage view={parseView(params)} user={user} />;
}
