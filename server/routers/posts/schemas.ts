import { z } from "zod";
import { MAX_TAG_LENGTH, MAX_TAGS, POST_SLUG_MESSAGE, POST_SLUG_PATTERN } from "../../services/posts/fields";

/** zod at the edge of the posts router: a malformed request is a 400 with a message. */

export const postId = z.string().regex(/^[0-9a-f]{24}$/, "Not a post id.");
export const byId = z.object({ id: postId });
const version = z.number().int().min(1);

/** Tiptap JSON: a `doc` node; its inner shape is checked against the schema by the renderer. */
export const documentSchema = z
  .object({ type: z.literal("doc"), content: z.array(z.unknown()).max(20_000).optional() })
  .passthrough()
  .refine((doc) => JSON.stringify(doc).length <= 2_000_000, "This post is too long to save (2 MB at most).");

export const postType = z.enum(["post", "page"]);
export const postStatus = z.enum(["draft", "scheduled", "published", "archived"]);

export const listInput = z.object({
  status: postStatus.optional(),
  type: postType.optional(),
  q: z.string().max(100).optional(),
  limit: z.number().int().min(1).max(200).default(100),
});

export const createInput = z.object({
  type: postType.default("post"),
  title: z.string().max(300).optional(),
});

export const saveInput = z.object({
  id: postId,
  baseVersion: version,
  title: z.string().max(300).optional(),
  content: documentSchema.optional(),
  slug: z.string().trim().toLowerCase().max(100).regex(POST_SLUG_PATTERN, POST_SLUG_MESSAGE).optional(),
  tags: z
    .array(z.string().max(MAX_TAG_LENGTH * 2))
    .max(MAX_TAGS * 2)
    .optional(),
  excerpt: z.string().max(500).optional(),
  coverUrl: z.string().max(2_000).nullable().optional(),
  coverAlt: z.string().max(300).optional(),
  featured: z.boolean().optional(),
  type: postType.optional(),
  authorIds: z
    .array(z.string().regex(/^[0-9a-f]{24}$/, "Not a user id."))
    .min(1)
    .max(20)
    .optional(),
});

export const transitionInput = z.object({ id: postId, baseVersion: version.optional() });

export const scheduleInput = z.object({
  id: postId,
  baseVersion: version.optional(),
  publishAt: z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), "Not a date."),
});

export const bulkInput = z.object({
  ids: z.array(postId).min(1).max(200),
  action: z.enum(["archive", "delete"]),
});

export const revisionInput = z.object({ id: postId, revisionId: postId });
export const restoreInput = z.object({ id: postId, revisionId: postId, baseVersion: version });

export const embedInput = z.object({ url: z.string().trim().min(1).max(2_000) });
