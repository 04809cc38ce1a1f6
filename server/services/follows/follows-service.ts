import { type Filter, ObjectId } from "mongodb";
import { type DatabaseService, type FeedItemDoc, isDuplicateKeyError } from "../../db";
import { AppError } from "../../errors";
import { type FeedPage, type FeedService, ITEM_PROJECTION } from "../feed/feed-service";

/** The most people one person's "Following" reads are built from (a bound on every query). */
export const MAX_FOLLOWEES = 5_000;

export interface FollowsServiceDeps {
  db: DatabaseService;
  /** For post and blog URLs and blog names of the "Following" feed. */
  feed: Pick<FeedService, "itemsOf">;
  now?: () => Date;
  /**
   * Called after a follow or unfollow committed, before the request answers (the person's change
   * counter, which caches of `following` flags key on); must not throw.
   */
  changed?: (followerId: string) => Promise<void>;
}

function toObjectId(id: string | ObjectId): ObjectId {
  if (id instanceof ObjectId) return id;
  if (!/^[0-9a-f]{24}$/i.test(id)) throw new AppError("NOT_FOUND", "No such person.");
  return new ObjectId(id);
}

/**
 * Who follows whom, platform-wide (`conduit_master.follows`): a reader follows a person, and so
 * every blog that person writes for. Reads are sets of ids for flags on many profiles at once,
 * and the network feed of followed people (`global_feed` by `authorIds`) for the discovery page.
 */
export class FollowsService {
  private readonly now: () => Date;

  constructor(private readonly deps: FollowsServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  private get follows() {
    return this.deps.db.master().follows;
  }

  /** Idempotent: following someone twice is following them once (the unique index decides races). */
  async follow(followerId: string | ObjectId, followeeId: string | ObjectId): Promise<void> {
    const follower = toObjectId(followerId);
    const followee = toObjectId(followeeId);
    if (follower.equals(followee)) throw new AppError("UNPROCESSABLE", "You can't follow yourself.");
    await this.deps.db.ensureMasterIndexes();
    try {
      await this.follows.updateOne(
        { followerId: follower, followeeId: followee },
        {
          $setOnInsert: {
            _id: new ObjectId(),
            followerId: follower,
            followeeId: followee,
            createdAt: this.now(),
          },
        },
        { upsert: true },
      );
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error; // a concurrent follow of the same person won
    }
    await this.deps.changed?.(follower.toHexString());
  }

  async unfollow(followerId: string | ObjectId, followeeId: string | ObjectId): Promise<void> {
    const follower = toObjectId(followerId);
    await this.follows.deleteOne({ followerId: follower, followeeId: toObjectId(followeeId) });
    await this.deps.changed?.(follower.toHexString());
  }

  async isFollowing(followerId: string | ObjectId, followeeId: string | ObjectId): Promise<boolean> {
    return (await this.followedAmong(followerId, [followeeId])).size > 0;
  }

  /** Which of `ids` the follower follows, as hex ids (one query for a page of profiles). */
  async followedAmong(
    followerId: string | ObjectId | null,
    ids: (string | ObjectId)[],
  ): Promise<Set<string>> {
    if (!followerId || !ids.length) return new Set();
    const rows = await this.follows
      .find(
        { followerId: toObjectId(followerId), followeeId: { $in: ids.map(toObjectId) } },
        { projection: { followeeId: 1 } },
      )
      .toArray();
    return new Set(rows.map((r) => r.followeeId.toHexString()));
  }

  /** Everyone the follower follows (newest first, at most MAX_FOLLOWEES). */
  async followees(followerId: string | ObjectId): Promise<ObjectId[]> {
    const rows = await this.follows
      .find({ followerId: toObjectId(followerId) }, { projection: { followeeId: 1 } })
      .sort({ createdAt: -1 })
      .limit(MAX_FOLLOWEES)
      .toArray();
    return rows.map((r) => r.followeeId);
  }

  async counts(userId: string | ObjectId): Promise<{ followers: number; following: number }> {
    const id = toObjectId(userId);
    const [followers, following] = await Promise.all([
      this.follows.countDocuments({ followeeId: id }),
      this.follows.countDocuments({ followerId: id }),
    ]);
    return { followers, following };
  }

  /**
   * Posts by people the reader follows, across every blog, newest first — the discovery page's
   * "Following" tab, in the feed's item shape. Keyset paging on (publishedAt, _id).
   */
  async followingFeed(
    followerId: string | ObjectId,
    opts: { limit: number; cursor?: string | null },
  ): Promise<FeedPage & { following: number }> {
    const followees = await this.followees(followerId);
    if (!followees.length) return { items: [], nextCursor: null, following: 0 };
    const limit = Math.min(Math.max(Math.trunc(opts.limit) || 12, 1), 50);
    const filter: Filter<FeedItemDoc> = {
      authorIds: { $in: followees },
      publishedAt: { $lte: new Date(8.64e15) },
      removedAt: { $exists: false },
    };
    if (opts.cursor) {
      const { at, id } = decodeCursor(opts.cursor);
      filter.$or = [{ publishedAt: { $lt: at } }, { publishedAt: at, _id: { $lt: id } }];
    }
    const rows = await this.deps.db
      .master()
      .globalFeed.find(filter, { projection: ITEM_PROJECTION })
      .sort({ publishedAt: -1, _id: -1 })
      .limit(limit + 1)
      .toArray();
    const page = rows.slice(0, limit);
    const items = await this.deps.feed.itemsOf(page);
    const last = page.at(-1);
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeCursor(last.publishedAt, last._id) : null,
      following: followees.length,
    };
  }
}

/** Opaque to clients: base64url of "<publishedAt ms>.<row id>". */
function encodeCursor(at: Date, id: ObjectId): string {
  return Buffer.from(`${at.getTime()}.${id.toHexString()}`).toString("base64url");
}

function decodeCursor(cursor: string): { at: Date; id: ObjectId } {
  const match = /^(\d{1,15})\.([0-9a-f]{24})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match?.[1] || !match[2]) throw new AppError("BAD_REQUEST", "That page link has expired.");
  return { at: new Date(Number(match[1])), id: new ObjectId(match[2]) };
}
