import "server-only";
import Link from "next/link";
import type { SessionUser } from "@/server/auth/session";
import { isAppError } from "@/server/errors";
import { log } from "@/server/log";
import { getServices } from "@/server/services/container";
import type { FeedPage, PopularBlog, PopularTag } from "@/server/services/feed/feed-service";
import { SiteFooter } from "../layout/site-footer";
import { SiteHeader } from "../layout/site-header";
import { ButtonLink } from "../ui/button";
import { EmptyState } from "../ui/empty-state";
import { type DiscoveryView, feedInput, viewHref } from "./discovery-params";
import { FeedList } from "./feed-list";
import { FeedTabs } from "./feed-tabs";
import { FollowButton, FollowingFeed } from "./following-feed";
import { PopularBlogs } from "./popular-blogs";
import { TagChips } from "./tag-chips";

const PAGE_SIZE = 12;

type Loaded = { ok: true; page: FeedPage } | { ok: false; reason: "cursor" | "down" };

async function loadFeed(view: DiscoveryView): Promise<Loaded> {
  try {
    const input = { ...feedInput(view, PAGE_SIZE), ...(view.cursor ? { cursor: view.cursor } : {}) };
    return { ok: true, page: await getServices().feed.list(input) };
  } catch (error) {
    if (isAppError(error) && error.code === "BAD_REQUEST") return { ok: false, reason: "cursor" };
    log.error({ err: error instanceof Error ? error.stack : String(error) }, "discovery: feed failed");
    return { ok: false, reason: "down" };
  }
}

/**
 * The network's front page (root domain) and its tag pages: Trending / Latest / Top, tag chips,
 * an author filter, popular blogs, and the feed itself — its first page rendered here from the
 * feed service (cached ≤ 1 s), the next ones loaded by the client from `GET /api/feed`.
 */
export async function DiscoveryPage({ view, user }: { view: DiscoveryView; user: SessionUser | null }) {
  const services = getServices();
  const [loaded, tags, blogs, authorName] = await Promise.all([
    // The Following tab reads its own list (FollowingFeed).
    view.following
      ? Promise.resolve<Loaded>({ ok: true, page: { items: [], nextCursor: null } })
      : loadFeed(view),
    services.feed.popularTags(14, view.author ? { author: view.author } : {}).catch((): PopularTag[] => []),
    services.feed.popularBlogs(8).catch((): PopularBlog[] => []),
    view.author
      ? services.db
          .master()
          .users.findOne({ username: view.author }, { projection: { name: 1 } })
          .then((u) => u?.name || null)
          .catch(() => null)
      : Promise.resolve(null),
  ]);
  const front = !view.tag && !view.author;

  return (
    <>
      <SiteHeader user={user} />
      <main id="main">
        {front && !view.cursor ? <Hero signedIn={Boolean(user)} /> : null}
        {!front ? <FilterHeader view={view} authorName={authorName} user={user} /> : null}

        {front && !view.cursor && blogs.length ? (
          <section
            id="directory"
            aria-labelledby="popular-blogs"
            className="mx-auto max-w-6xl scroll-mt-20 px-4 pt-8 sm:px-6"
          >
            <div className="mb-3 flex items-baseline justify-between gap-3">
              <h2 id="popular-blogs" className="text-sm font-semibold tracking-wide text-muted uppercase">
                Popular blogs
              </h2>
              <Link href="/search" className="text-sm font-medium text-accent hover:underline">
                Search every blog →
              </Link>
            </div>
            <PopularBlogs blogs={blogs} />
          </section>
        ) : null}

        <div className="mx-auto grid max-w-6xl gap-10 px-4 pt-8 pb-20 sm:px-6 lg:grid-cols-[minmax(0,1fr)_17rem]">
          <section aria-labelledby="feed-title" className="min-w-0">
            <h2 id="feed-title" className="sr-only">
              Posts
            </h2>
            <FeedTabs view={view} signedIn={Boolean(user)} />
            <div className="mt-4 lg:hidden">
              <TagChips tags={tags} view={view} layout="scroll" />
            </div>
            {view.cursor && !view.following ? (
              <p className="mt-5 rounded-lg bg-stone-100 px-4 py-2.5 text-sm text-ink-soft">
                Showing older posts.{" "}
                <Link href={viewHref(view)} className="font-medium text-accent hover:underline">
                  Back to the newest
                </Link>
              </p>
            ) : null}
            <div className="mt-6">
              {view.following ? (
                <FollowingFeed view={view} user={user} />
              ) : (
                <FeedBody loaded={loaded} view={view} />
              )}
            </div>
          </section>

          <aside className="hidden lg:block" aria-label="Explore">
            <div className="sticky top-24 flex flex-col gap-8">
              {tags.length ? (
                <div>
                  <h2 className="mb-3 text-sm font-semibold tracking-wide text-muted uppercase">
                    Explore topics
                  </h2>
                  <TagChips tags={tags} view={view} layout="wrap" />
                </div>
              ) : null}
              <div className="rounded-card border border-line bg-surface p-5 shadow-card">
                <h2 className="font-serif text-lg font-semibold text-ink">Write on Conduit</h2>
                <p className="mt-1.5 text-sm leading-relaxed text-muted">
                  Your own subdomain and database, a calm editor, and a place in this feed the moment you
                  publish.
                </p>
                <div className="mt-4">
                  <ButtonLink href={user ? "/studio" : "/signup"} size="sm">
                    {user ? "Go to your studio" : "Start a blog"}
                  </ButtonLink>
                </div>
              </div>
            </div>
          </aside>
        </div>
      </main>
      <SiteFooter />
    </>
  );
}

function Hero({ signedIn }: { signedIn: boolean }) {
  return (
    <section className="border-b border-line bg-[radial-gradient(ellipse_at_top_right,var(--color-accent-soft),transparent_55%)]">
      <div
        className={
          signedIn
            ? "mx-auto max-w-6xl px-4 pt-8 pb-7 sm:px-6 sm:pt-10 sm:pb-8"
            : "mx-auto max-w-6xl px-4 pt-10 pb-10 sm:px-6 sm:pt-14 sm:pb-12"
        }
      >
        <p className="text-sm font-semibold tracking-wide text-accent uppercase">The Conduit network</p>
        <h1
          className={
            signedIn
              ? "mt-2 font-serif text-3xl leading-tight font-semibold tracking-tight text-ink sm:text-4xl"
              : "mt-3 max-w-3xl font-serif text-[2rem] leading-[1.1] font-semibold tracking-tight text-ink sm:text-5xl"
          }
        >
          {signedIn ? "Discover what the network is writing" : "Stories from every blog, in one place."}
        </h1>
        <p className="mt-3 max-w-2xl text-base leading-relaxed text-ink-soft sm:text-lg">
          {signedIn
            ? "What readers are on right now, what just came out, and the best of the week — from every blog on Conduit."
            : "Independent writers publish on their own subdomains. Follow what the network is reading now, what just came out, and the best of the week."}
        </p>
        {signedIn ? null : (
          <div className="mt-7 flex flex-col gap-3 sm:flex-row">
            <ButtonLink href="/signup" size="lg">
              Start a blog — it's free
            </ButtonLink>
            <ButtonLink href="/search" size="lg" variant="secondary">
              Search posts
            </ButtonLink>
          </div>
        )}
      </div>
    </section>
  );
}

function FilterHeader({
  view,
  authorName,
  user,
}: {
  view: DiscoveryView;
  authorName: string | null;
  user: SessionUser | null;
}) {
  return (
    <section className="border-b border-line bg-surface/60">
      <div className="mx-auto max-w-6xl px-4 pt-8 pb-7 sm:px-6 sm:pt-12">
        <nav aria-label="Breadcrumb" className="text-sm text-muted">
          <Link href="/" className="hover:text-ink">
            Discover
          </Link>
          <span aria-hidden="true"> / </span>
          <span>{view.tag ? "Topic" : "Writer"}</span>
        </nav>
        <h1 className="mt-2 font-serif text-3xl font-semibold tracking-tight text-ink sm:text-4xl">
          {view.tag ? `#${view.tag}` : `Posts by ${authorName ?? `@${view.author}`}`}
        </h1>
        <p className="mt-2 text-ink-soft">
          {view.tag
            ? "Posts with this tag from every blog on Conduit."
            : "Everything this writer published, across every blog they write for."}
        </p>
        {view.author && !view.tag ? <FollowButton username={view.author} user={user} /> : null}
        {view.tag && view.author ? (
          <p className="mt-3 text-sm">
            Only by @{view.author} ·{" "}
            <Link href={viewHref(view, { author: null })} className="font-medium text-accent hover:underline">
              show every writer
            </Link>
          </p>
        ) : null}
      </div>
    </section>
  );
}

function FeedBody({ loaded, view }: { loaded: Loaded; view: DiscoveryView }) {
  if (!loaded.ok) {
    return loaded.reason === "cursor" ? (
      <EmptyState
        title="This page of the feed has expired"
        action={<ButtonLink href={viewHref(view)}>Back to the newest posts</ButtonLink>}
      >
        The link pointed into a list that has moved on. Start again from the top.
      </EmptyState>
    ) : (
      <EmptyState
        title="The feed isn't answering right now"
        icon={
          <svg viewBox="0 0 24 24" aria-hidden="true" className="size-6 fill-none stroke-current stroke-2">
            <path d="M12 8v5m0 3.5v.5M10.3 3.9 2.4 18a2 2 0 0 0 1.7 3h15.8a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0Z" />
          </svg>
        }
        action={<ButtonLink href={viewHref(view, { cursor: view.cursor })}>Try again</ButtonLink>}
      >
        Nothing is lost — posts are safe on their blogs. Please try again in a moment.
      </EmptyState>
    );
  }
  const { page } = loaded;
  if (!page.items.length) return <EmptyFeed view={view} />;
  return (
    <FeedList
      key={JSON.stringify([view.sort, view.period, view.tag, view.author, view.cursor])}
      initial={page}
      view={view}
      query={feedInput(view, PAGE_SIZE)}
    />
  );
}

function EmptyFeed({ view }: { view: DiscoveryView }) {
  const icon = (
    <svg viewBox="0 0 24 24" aria-hidden="true" className="size-6 fill-none stroke-current stroke-2">
      <path d="M4 20h4L19 9l-4-4L4 16v4Z" strokeLinejoin="round" />
    </svg>
  );
  if (view.tag) {
    return (
      <EmptyState
        icon={icon}
        title={`No posts tagged #${view.tag}${view.sort === "top" ? " in this period" : ""} yet`}
        action={<ButtonLink href="/">See every post</ButtonLink>}
      >
        Writers add tags in the studio. Be the first to publish one about {view.tag}.
      </EmptyState>
    );
  }
  if (view.author) {
    return (
      <EmptyState
        icon={icon}
        title="No published posts yet"
        action={<ButtonLink href="/">See every post</ButtonLink>}
      >
        @{view.author} hasn't published anything on the network so far.
      </EmptyState>
    );
  }
  if (view.sort === "top" && view.period !== "all") {
    return (
      <EmptyState
        icon={icon}
        title="Nothing in the top list for this period yet"
        action={<ButtonLink href={viewHref(view, { period: "all" })}>Top of all time</ButtonLink>}
      >
        Posts climb this list as readers view, like and comment on them.
      </EmptyState>
    );
  }
  return (
    <EmptyState
      icon={icon}
      title="Nothing published yet"
      action={<ButtonLink href="/new">Start a blog</ButtonLink>}
    >
      When writers publish on their blogs, their posts appear here for the whole network.
    </EmptyState>
  );
}
