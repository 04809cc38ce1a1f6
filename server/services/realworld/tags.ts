import type { DatabaseService } from "../../db";
import type { FeedService } from "../feed/feed-service";
import type { Scope } from "./scope";

export const MAX_TAGS_LISTED = 100;

/**
 * `GET /api/tags`: on a blog, the tags of its published posts, most used first; on the network,
 * the feed's most used tags (FeedService.popularTags, recomputed at most once a minute).
 */
export async function listTags(
  deps: { db: DatabaseService; feed: Pick<FeedService, "popularTags"> },
  scope: Scope,
): Promise<string[]> {
  if (scope.kind === "network") return (await deps.feed.popularTags(MAX_TAGS_LISTED)).map((t) => t.tag);
  const rows = await deps.db
    .forTenant(scope.tenant)
    .posts.aggregate<{ _id: string; n: number }>([
      { $match: { status: "published", deletedAt: null, type: { $ne: "page" } } },
      { $project: { tags: 1 } },
      { $unwind: "$tags" },
      { $group: { _id: "$tags", n: { $sum: 1 } } },
      { $sort: { n: -1, _id: 1 } },
      { $limit: MAX_TAGS_LISTED },
    ])
    .toArray();
  return rows.map((r) => r._id);
}
