import { ObjectId } from "mongodb";
import { z } from "zod";
import { hideCommentSchema } from "../../services/comments/comments-service";
import { memberProcedure, router } from "../../trpc";

const id = z.string().regex(/^[0-9a-f]{24}$/i, "Unknown id.");
const listInput = z.object({ postId: id.optional(), limit: z.number().int().min(1).max(200).default(50) });

/**
 * The studio's comment moderation on the host's blog: every member reads the recent comments
 * (hidden ones included); owners and editors hide, show or delete any. Readers write comments
 * through the reader API on the blog's own host (server/front/reader-api.ts).
 */
export const commentsRouter = router({
  list: memberProcedure("author")
    .input(listInput)
    .query(async ({ ctx, input }) => {
      const comments = await ctx.services.comments.listForStudio(ctx.tenant, input);
      const userIds = [...new Set(comments.flatMap((c) => (c.authorId ? [c.authorId] : [])))];
      const postIds = [...new Set(comments.map((c) => c.postId))];
      const [users, posts] = await Promise.all([
        ctx.db
          .master()
          .users.find(
            { _id: { $in: userIds.map((u) => new ObjectId(u)) } },
            { projection: { name: 1, username: 1 } },
          )
          .toArray(),
        ctx.db
          .forTenant(ctx.tenant)
          .posts.find(
            { _id: { $in: postIds.map((p) => new ObjectId(p)) } },
            { projection: { title: 1, slug: 1 } },
          )
          .toArray(),
      ]);
      const userById = new Map(users.map((u) => [u._id.toHexString(), u]));
      const postById = new Map(posts.map((p) => [p._id.toHexString(), p]));
      return comments.map((c) => ({
        ...c,
        authorName:
          (c.authorId && (userById.get(c.authorId)?.name || userById.get(c.authorId)?.username)) ||
          "Former reader",
        postTitle: postById.get(c.postId)?.title || "Untitled",
        postSlug: postById.get(c.postId)?.slug ?? "",
      }));
    }),
  setHidden: memberProcedure("editor")
    .input(hideCommentSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.comments.setHidden(ctx.tenant, { userId: ctx.session.user.id }, input);
      return { ok: true };
    }),
  delete: memberProcedure("editor")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.comments.delete(ctx.tenant, { userId: ctx.session.user.id }, input);
      return { ok: true };
    }),
});
