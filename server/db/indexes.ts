import type { IndexDescription } from "mongodb";

/** Master indexes, created once per process at start-up (`ensureMasterIndexes`). */
export const masterIndexes: Record<"tenants" | "users" | "memberships" | "audit_log", IndexDescription[]> = {
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
  ],
  memberships: [{ key: { tenantId: 1, userId: 1 }, unique: true }, { key: { userId: 1 } }],
  audit_log: [{ key: { at: -1 } }, { key: { action: 1, at: -1 } }],
};

/** Tenant indexes, created when a tenant database is provisioned (never per request). */
export const tenantIndexes: Record<"posts" | "comments", IndexDescription[]> = {
  posts: [
    { key: { slug: 1 }, unique: true },
    { key: { status: 1, publishedAt: -1 } },
    { key: { status: 1, publishAt: 1 } },
    { key: { tags: 1 } },
  ],
  comments: [{ key: { postId: 1, createdAt: 1 } }],
};
