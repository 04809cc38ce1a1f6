import type { IndexDescription } from "mongodb";

type MasterCollection =
  | "tenants"
  | "users"
  | "memberships"
  | "audit_log"
  | "global_feed"
  | "scheduled_posts"
  | "follows"
  | "favorites"
  | "pipeline_latency";
type TenantCollection = "posts" | "comments" | "revisions" | "media" | "likes" | "views";

/** Master indexes, created once per process at start-up (`ensureMasterIndexes`). */
export const masterIndexes: Record<MasterCollection, IndexDescription[]> = {
  tenants: [
    { key: { slug: 1 }, unique: true },
    { key: { status: 1, createdAt: -1 } },
    { key: { ownerId: 1 } },
  ],
  users: [
    { key: { email: 1 }, name: "email_unique", unique: true },
    { key: { username: 1 }, name: "username_unique", unique: true },
    {
      key: { githubId: 1 },
      name: "githubId_unique",
      unique: true,
      partialFilterExpression: { githubId: { $type: "string" } },
    },
    // The feed worker finds authors whose profile changed since its checkpoint (feed issue).
    { key: { profileChangedAt: 1 }, name: "profileChangedAt_1" },
  ],
  memberships: [{ key: { tenantId: 1, userId: 1 }, unique: true }, { key: { userId: 1 } }],
  audit_log: [{ key: { at: -1 } }, { key: { action: 1, at: -1 } }],
  // Feed issue: one index per filter × sort, so every feed query is an index scan with no
  // in-memory sort (tie-broken on _id for the keyset cursor); tombstones expire after an hour.
  global_feed: [
    { key: { tenantId: 1, postId: 1 }, unique: true },
    { key: { publishedAt: -1, _id: -1 } },
    { key: { hotScore: -1, _id: -1 } },
    { key: { signalScore: -1, _id: -1 } },
    { key: { tags: 1, publishedAt: -1, _id: -1 } },
    { key: { tags: 1, hotScore: -1, _id: -1 } },
    { key: { tags: 1, signalScore: -1, _id: -1 } },
    { key: { authorIds: 1, publishedAt: -1, _id: -1 } },
    { key: { authorIds: 1, hotScore: -1, _id: -1 } },
    { key: { authorIds: 1, signalScore: -1, _id: -1 } },
    { key: { tenantId: 1, publishedAt: -1, _id: -1 } },
    { key: { tenantId: 1, hotScore: -1, _id: -1 } },
    { key: { tenantId: 1, signalScore: -1, _id: -1 } },
    { key: { removedAt: 1 }, expireAfterSeconds: 3_600 },
  ],
  scheduled_posts: [{ key: { publishAt: 1 } }, { key: { tenantId: 1 } }],
  follows: [{ key: { followerId: 1, followeeId: 1 }, unique: true }, { key: { followeeId: 1 } }],
  // The admin page reads the newest 1,000 (pipeline issue).
  pipeline_latency: [{ key: { indexedAt: -1 } }],
  favorites: [
    { key: { userId: 1, tenantId: 1, postId: 1 }, unique: true },
    { key: { tenantId: 1, postId: 1 } },
  ],
};

/** Tenant indexes, created when a tenant database is provisioned (never per request). */
export const tenantIndexes: Record<TenantCollection, IndexDescription[]> = {
  posts: [
    { key: { slug: 1 }, unique: true },
    { key: { status: 1, publishedAt: -1 } },
    { key: { status: 1, publishAt: 1 } },
    { key: { tags: 1 } },
    { key: { previousSlugs: 1 } },
  ],
  comments: [{ key: { postId: 1, createdAt: 1 } }],
  revisions: [{ key: { postId: 1, createdAt: -1 } }],
  media: [{ key: { key: 1 }, unique: true }, { key: { createdAt: -1 } }],
  likes: [{ key: { postId: 1, userId: 1 }, unique: true }, { key: { userId: 1 } }],
  views: [{ key: { postId: 1, reader: 1, day: 1 }, unique: true }],
};
