import { ObjectId } from "mongodb";
import { EmbedsService } from "../../services/embeds/embeds-service";
import type { PostActor } from "../../services/posts/permissions";
import { memberProcedure, router } from "../../trpc";
import {
  bulkInput,
  byId,
  createInput,
  embedInput,
  listInput,
  restoreInput,
  revisionInput,
  saveInput,
  scheduleInput,
  transitionInput,
} from "./schemas";

/** Link cards are fetched by the server (SSRF-guarded); no private host is ever allowed here. */
const embeds = new EmbedsService();

/** Every procedure is for members of the host's blog; authors change only their own posts (the service checks). */
const member = memberProcedure("author");

function actorOf(ctx: { session: { user: { id: string } }; role: PostActor["role"] }): PostActor {
  return { userId: new ObjectId(ctx.session.user.id), role: ctx.role };
}

/** The studio's posts API: lists, the editor's autosave, status changes, revisions, previews, embeds. */
export const postsRouter = router({
  list: member.input(listInput).query(async ({ ctx, input }) => {
    const [items, counts] = await Promise.all([
      ctx.services.posts.listForStudio(ctx.tenant, input),
      ctx.services.posts.countsByStatus(ctx.tenant, { type: input.type }),
    ]);
    return { items, counts };
  }),

  get: member
    .input(byId)
    .query(({ ctx, input }) => ctx.services.posts.getForEditor(ctx.tenant, actorOf(ctx), input.id)),

  members: member.query(({ ctx }) => ctx.services.posts.members(ctx.tenant)),

  create: member
    .input(createInput)
    .mutation(({ ctx, input }) => ctx.services.posts.create(ctx.tenant, actorOf(ctx), input)),

  /** The editor's autosave: `{ok:true, post}` or `{ok:false, conflict}` with the version saved by someone else. */
  save: member.input(saveInput).mutation(({ ctx, input }) => {
    const { id, ...fields } = input;
    return ctx.services.posts.save(ctx.tenant, actorOf(ctx), id, fields);
  }),

  publish: member
    .input(transitionInput)
    .mutation(({ ctx, input }) =>
      ctx.services.posts.publish(ctx.tenant, actorOf(ctx), input.id, input.baseVersion),
    ),
  unpublish: member
    .input(transitionInput)
    .mutation(({ ctx, input }) =>
      ctx.services.posts.unpublish(ctx.tenant, actorOf(ctx), input.id, input.baseVersion),
    ),
  schedule: member
    .input(scheduleInput)
    .mutation(({ ctx, input }) =>
      ctx.services.posts.schedule(ctx.tenant, actorOf(ctx), input.id, input.publishAt, input.baseVersion),
    ),
  cancelSchedule: member
    .input(transitionInput)
    .mutation(({ ctx, input }) =>
      ctx.services.posts.cancelSchedule(ctx.tenant, actorOf(ctx), input.id, input.baseVersion),
    ),
  archive: member
    .input(transitionInput)
    .mutation(({ ctx, input }) =>
      ctx.services.posts.archive(ctx.tenant, actorOf(ctx), input.id, input.baseVersion),
    ),
  unarchive: member
    .input(transitionInput)
    .mutation(({ ctx, input }) =>
      ctx.services.posts.unarchive(ctx.tenant, actorOf(ctx), input.id, input.baseVersion),
    ),
  delete: member
    .input(byId)
    .mutation(({ ctx, input }) => ctx.services.posts.delete(ctx.tenant, actorOf(ctx), input.id)),
  bulk: member
    .input(bulkInput)
    .mutation(({ ctx, input }) => ctx.services.posts.bulk(ctx.tenant, actorOf(ctx), input.ids, input.action)),

  revisions: member
    .input(byId)
    .query(({ ctx, input }) => ctx.services.posts.listRevisions(ctx.tenant, input.id)),
  revisionDiff: member
    .input(revisionInput)
    .query(({ ctx, input }) => ctx.services.posts.revisionDiff(ctx.tenant, input.id, input.revisionId)),
  restoreRevision: member
    .input(restoreInput)
    .mutation(({ ctx, input }) =>
      ctx.services.posts.restoreRevision(
        ctx.tenant,
        actorOf(ctx),
        input.id,
        input.revisionId,
        input.baseVersion,
      ),
    ),

  /** A shareable preview link (signed, expiring, revocable); the path is on the studio's host. */
  createPreviewLink: member.input(byId).mutation(async ({ ctx, input }) => {
    const { token, expiresAt } = await ctx.services.posts.createPreviewLink(
      ctx.tenant,
      actorOf(ctx),
      input.id,
    );
    return {
      path: `/studio/${ctx.tenant.slug}/posts/${input.id}/share?token=${encodeURIComponent(token)}`,
      expiresAt,
    };
  }),
  revokePreviewLinks: member
    .input(byId)
    .mutation(({ ctx, input }) => ctx.services.posts.revokePreviewLinks(ctx.tenant, actorOf(ctx), input.id)),

  embed: member.input(embedInput).mutation(({ input }) => embeds.linkCard(input.url)),
});
