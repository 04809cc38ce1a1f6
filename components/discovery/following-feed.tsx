import "server-only";
import Link from "next/link";
import type { SessionUser } from "@/server/auth/session";
import { env } from "@/server/env";
import { isAppError } from "@/server/errors";
import { log } from "@/server/log";
import { getServices } from "@/server/services/container";
import type { FeedPage } from "@/server/services/feed/feed-service";
import { realWorldFor } from "@/server/services/realworld/realworld";
import { ButtonLink, buttonClasses } from "../ui/button";
import { EmptyState } from "../ui/empty-state";
import { type DiscoveryView, viewHref } from "./discovery-params";
import { FeedCard } from "./feed-card";
import { setFollowing } from "./follow-actions";

const PAGE_SIZE = 12;

const personIcon = (
  <svg viewBox="0 0 24 24" aria-hidden="true" className="size-6 fill-none stroke-current stroke-2">
    <path d="M16 19v-1a4 4 0 0 0-4-4H7a4 4 0 0 0-4 4v1M9.5 10a3 3 0 1 0 0-6 3 3 0 0 0 0 6ZM19 8v6M22 11h-6" />
  </svg>
);

/**
 * The "Following" tab: posts by the people the reader follows, across every blog they write
 * for, newest first (follows are platform-wide, `conduit_master.follows`). Rendered on the server
 * a page at a time; "Load more" is a real link to the next page.
 */
export async function FollowingFeed({ view, user }: { view: DiscoveryView; user: SessionUser | null }) {
  if (!user) {
    return (
      <EmptyState
        icon={personIcon}
        title="Sign in to see the people you follow"
        action={
          <ButtonLink href={`/signin?callbackUrl=${encodeURIComponent("/?feed=following")}`}>
            Sign in
          </ButtonLink>
        }
      >
        Follow writers and their new posts from every blog gather here.
      </EmptyState>
    );
  }
  let page: FeedPage & { following: number };
  try {
    page = await realWorldFor(getServices(), env).follows.followingFeed(user.id, {
      limit: PAGE_SIZE,
      cursor: view.cursor,
    });
  } catch (error) {
    if (!(isAppError(error) && error.code === "BAD_REQUEST")) {
      log.error(
        { err: error instanceof Error ? error.stack : String(error) },
        "discovery: following feed failed",
      );
    }
    return (
      <EmptyState
        title="This list isn't answering right now"
        action={<ButtonLink href={viewHref(view, { following: true })}>Try again</ButtonLink>}
      >
        Please try again in a moment.
      </EmptyState>
    );
  }
  if (!page.following) {
    return (
      <EmptyState
        icon={personIcon}
        title="You're not following anyone yet"
        action={<ButtonLink href={viewHref(view, { sort: "new" })}>Find writers in Latest</ButtonLink>}
      >
        Open a writer's name on any post and choose Follow: their new posts, on every blog they write for,
        will show up here.
      </EmptyState>
    );
  }
  if (!page.items.length) {
    return (
      <EmptyState icon={personIcon} title="Nothing from the people you follow yet">
        You follow {page.following} {page.following === 1 ? "writer" : "writers"}. Their posts appear here the
        moment they publish.
      </EmptyState>
    );
  }
  const authorHref = (username: string) => viewHref(view, { author: username, tag: null, following: false });
  const tagHref = (tag: string) => viewHref(view, { tag, author: null, following: false });
  return (
    <div>
      <ul className="flex flex-col gap-4" data-testid="following-items">
        {page.items.map((item) => (
          <FeedCard
            key={`${item.tenantId}:${item.postId}`}
            item={item}
            authorHref={authorHref}
            tagHref={tagHref}
          />
        ))}
      </ul>
      <div className="mt-6 flex min-h-12 flex-col items-center justify-center gap-2 text-sm">
        {page.nextCursor ? (
          <Link
            href={viewHref(view, { following: true, cursor: page.nextCursor })}
            className={buttonClasses("secondary", "md")}
          >
            Load more
          </Link>
        ) : (
          <p className="text-muted">You're all caught up.</p>
        )}
      </div>
    </div>
  );
}

/** Follow / Following on a writer's page of the discovery feed (signed-in readers, not oneself). */
export async function FollowButton({ username, user }: { username: string; user: SessionUser | null }) {
  if (!user || user.username === username) return null;
  const services = getServices();
  const person = await services.users.findByUsername(username);
  if (!person) return null;
  const following = await realWorldFor(services, env).follows.isFollowing(user.id, person._id);
  return (
    <form action={setFollowing} className="mt-4">
      <input type="hidden" name="username" value={username} />
      <input type="hidden" name="intent" value={following ? "unfollow" : "follow"} />
      <button
        type="submit"
        className={buttonClasses(following ? "secondary" : "primary", "sm")}
        aria-pressed={following}
        title={following ? "Stop following" : `Follow @${username} across every blog`}
      >
        {following ? "Following ✓" : `Follow @${username}`}
      </button>
    </form>
  );
}
