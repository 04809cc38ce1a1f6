import { ObjectId } from "mongodb";
import type { CommentDoc, DatabaseService, TenantDoc } from "../../db";
import type { CommentsService } from "../comments/comments-service";
import type { FollowsService } from "../follows/follows-service";
import type { ArticlePresenter, Located, ProfileJson } from "./article-view";
import { profileJson } from "./article-view";
import type { ApiCaller } from "./caller";
import { notFound } from "./errors";

export interface CommentJson {
  id: number;
  createdAt: string;
  updatedAt: string;
  body: string;
  author: ProfileJson;
}

/** Visible comments of a post: not deleted, not hidden by the blog's moderators. */
const VISIBLE = { deletedAt: null, hidden: { $ne: true } } as const;
const MAX_COMMENTS = 2_000;

/**
 * RealWorld comments are the blog's comments (CommentsService: rate limits, moderation, reader
 * cache purges). RealWorld ids are integers, so each comment gets a number within its post from a
 * counter on the post (`commentSeq`); comments written on the reader site get theirs the first
 * time the API lists them. Replies appear in the flat list like any comment.
 */
export class RealWorldComments {
  constructor(
    private readonly deps: {
      db: DatabaseService;
      comments: Pick<CommentsService, "create" | "delete">;
      follows: FollowsService;
      presenter: ArticlePresenter;
    },
  ) {}

  async list(located: Located, caller: ApiCaller | null): Promise<CommentJson[]> {
    const docs = await this.deps.db
      .forTenant(located.tenant)
      .comments.find({ postId: located.post._id, ...VISIBLE })
      .sort({ createdAt: 1, _id: 1 })
      .limit(MAX_COMMENTS)
      .toArray();
    await this.numberAll(located.tenant, located.post._id, docs);
    return this.present(docs, caller);
  }

  async create(located: Located, caller: ApiCaller, body: string): Promise<CommentJson> {
    const view = await this.deps.comments.create(
      located.tenant,
      { userId: caller.id },
      { postId: located.post._id.toHexString(), body },
    );
    const doc = await this.deps.db.forTenant(located.tenant).comments.findOne({ _id: new ObjectId(view.id) });
    if (!doc) throw notFound("comment");
    await this.numberAll(located.tenant, located.post._id, [doc]);
    const [json] = await this.present([doc], caller);
    if (!json) throw notFound("comment");
    return json;
  }

  async delete(located: Located, caller: ApiCaller, rawId: string): Promise<void> {
    const number = /^\d{1,15}$/.test(rawId) ? Number(rawId) : Number.NaN;
    if (!Number.isSafeInteger(number)) throw notFound("comment");
    const doc = await this.deps.db
      .forTenant(located.tenant)
      .comments.findOne({ postId: located.post._id, number, deletedAt: null }, { projection: { _id: 1 } });
    if (!doc) throw notFound("comment");
    // Its author, or the blog's owners and editors (CommentsService decides: 403 otherwise).
    await this.deps.comments.delete(located.tenant, { userId: caller.id }, { id: doc._id.toHexString() });
  }

  /** Gives every comment without a number the next one of its post (in place, in list order). */
  private async numberAll(tenant: TenantDoc, postId: ObjectId, docs: CommentDoc[]): Promise<void> {
    const t = this.deps.db.forTenant(tenant);
    for (const doc of docs) {
      if (typeof doc.number === "number") continue;
      const post = await t.posts.findOneAndUpdate(
        { _id: postId },
        { $inc: { commentSeq: 1 } },
        { returnDocument: "after", projection: { commentSeq: 1 } },
      );
      const next = post?.commentSeq;
      if (typeof next !== "number") continue;
      const res = await t.comments.updateOne(
        { _id: doc._id, number: { $exists: false } },
        { $set: { number: next } },
      );
      if (res.modifiedCount) doc.number = next;
      else {
        // Another request numbered it first: use that number (this one stays unused).
        const current = await t.comments.findOne({ _id: doc._id }, { projection: { number: 1 } });
        if (typeof current?.number === "number") doc.number = current.number;
      }
    }
  }

  private async present(docs: CommentDoc[], caller: ApiCaller | null): Promise<CommentJson[]> {
    const authorIds = docs.flatMap((d) => (d.authorId ? [d.authorId] : []));
    const [authors, followed] = await Promise.all([
      this.deps.presenter.authors(authorIds),
      this.deps.follows.followedAmong(caller?.oid ?? null, authorIds),
    ]);
    return docs
      .filter((d) => typeof d.number === "number")
      .map((d) => {
        const authorId = d.authorId?.toHexString() ?? "";
        return {
          id: d.number as number,
          createdAt: d.createdAt.toISOString(),
          updatedAt: (d.editedAt ?? d.createdAt).toISOString(),
          body: d.body,
          author: profileJson(authors.get(authorId) ?? null, followed.has(authorId)),
        };
      });
  }
}
