import type { ObjectId } from "mongodb";

/** Documents of `<prefix>_master` and of each `<prefix>_tenant_<id>` (see ARCHITECTURE.md › Data). */

export type TenantStatus = "pending" | "active" | "failed" | "deleted";
export type Theme = "classic" | "minimal" | "bold";
export type Role = "owner" | "editor" | "author";

export interface TenantDoc {
  _id: ObjectId;
  name: string;
  slug: string;
  theme: Theme;
  status: TenantStatus;
  databaseName?: string;
  /** A tenant may live on its own cluster (seed 002 §3.2); absent means the default cluster. */
  clusterUri?: string;
  ownerId: ObjectId;
  failureReason?: string;
  createdAt: Date;
  updatedAt: Date;
  deletedAt?: Date;
  /** Set when a platform admin dropped the (soft-deleted) tenant's database. */
  databaseDroppedAt?: Date;
}

export interface UserDoc {
  _id: ObjectId;
  email: string; // lower-cased
  username: string; // unique, lower-cased
  name: string;
  passwordHash?: string; // argon2id; absent for OAuth-only users
  bio: string;
  image: string | null;
  platformAdmin: boolean;
  githubId?: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface MembershipDoc {
  _id: ObjectId;
  tenantId: ObjectId;
  userId: ObjectId;
  role: Role;
  createdAt: Date;
}

export interface AuditEntryDoc {
  _id: ObjectId;
  actorId: ObjectId | null;
  actorEmail: string | null;
  action: string; // e.g. "tenant.create", "tenant.delete", "membership.role_change", "auth.secret_rotation"
  target: { type: string; id: string; label?: string };
  ip: string | null;
  requestId: string | null;
  details?: Record<string, unknown>;
  at: Date;
}

export interface PostDoc {
  _id: ObjectId;
  title: string;
  slug: string;
  content: unknown; // Tiptap JSON
  excerpt: string;
  tags: string[];
  status: "draft" | "scheduled" | "published" | "archived";
  publishAt: Date | null;
  publishedAt: Date | null;
  authorIds: ObjectId[];
  version: number;
  syncedVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface CommentDoc {
  _id: ObjectId;
  postId: ObjectId;
  authorId: ObjectId | null;
  body: string;
  createdAt: Date;
}

/** Blog-wide settings: a single document with `_id: "blog"`. */
export interface SettingsDoc {
  _id: string;
  title: string;
  description: string;
  theme: Theme;
  updatedAt: Date;
}
