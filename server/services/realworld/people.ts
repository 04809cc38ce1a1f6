import { hashPassword } from "../../auth/password";
import { type DatabaseService, isDuplicateKeyError, type UserDoc } from "../../db";
import type { AuditService } from "../audit/audit-service";
import type { FollowsService } from "../follows/follows-service";
import type { ProfileService } from "../users/profile-service";
import { emailSchema, passwordSchema } from "../users/user-input";
import { AUTHOR_PROJECTION, type ProfileJson, profileJson } from "./article-view";
import type { ApiCaller } from "./caller";
import { notFound, unauthorized, unprocessable } from "./errors";
import type { UpdateUser } from "./schemas";

const MAX_IMAGE_URL = 2_048;

/**
 * Profiles, follows and `PUT /api/user`. A profile is the person's account record — the same one
 * the account page edits (name, username, bio, picture): username and bio go through
 * ProfileService (its rules, the `profileVersion` bump that refreshes bylines and the feed), an
 * image URL replaces the uploaded picture the same way, e-mail and password are set on the record.
 */
export class RealWorldPeople {
  constructor(
    private readonly deps: {
      db: DatabaseService;
      profiles: ProfileService;
      follows: FollowsService;
      audit: Pick<AuditService, "record">;
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private async byUsername(raw: string) {
    let username = raw;
    try {
      username = decodeURIComponent(raw);
    } catch {
      // keep it as sent
    }
    username = username.trim().toLowerCase();
    if (!username || username.length > 64) throw notFound("profile");
    const user = await this.deps.db.master().users.findOne({ username }, { projection: AUTHOR_PROJECTION });
    if (!user) throw notFound("profile");
    return user;
  }

  async profile(username: string, caller: ApiCaller | null): Promise<ProfileJson> {
    const user = await this.byUsername(username);
    const following = caller ? await this.deps.follows.isFollowing(caller.oid, user._id) : false;
    return profileJson(user, following);
  }

  async follow(username: string, caller: ApiCaller, follow: boolean): Promise<ProfileJson> {
    const user = await this.byUsername(username);
    if (follow) {
      if (user._id.equals(caller.oid)) throw unprocessable("username", "You can't follow yourself");
      await this.deps.follows.follow(caller.oid, user._id);
    } else {
      await this.deps.follows.unfollow(caller.oid, user._id);
    }
    return profileJson(user, follow);
  }

  /** `PUT /api/user`: only the fields sent change; empty e-mail, username or password mean "unchanged". */
  async updateUser(caller: ApiCaller, input: UpdateUser): Promise<UserDoc> {
    const users = this.deps.db.master().users;
    const user = await users.findOne({ _id: caller.oid });
    if (!user) throw unauthorized();
    const username = input.username?.trim() || undefined;
    const bio = input.bio ?? undefined;
    if (
      (username !== undefined && username.toLowerCase() !== user.username) ||
      (bio !== undefined && bio !== user.bio)
    ) {
      await this.deps.profiles.update(caller.id, {
        name: user.name || user.username,
        username: username ?? user.username,
        bio: bio ?? user.bio ?? "",
      });
    }
    if (input.email?.trim()) await this.setEmail(user, input.email);
    if (input.password) await this.setPassword(user, input.password, caller);
    if (input.image !== undefined) await this.setImage(user, input.image);
    return (await users.findOne({ _id: caller.oid })) ?? user;
  }

  private async setEmail(user: UserDoc, raw: string): Promise<void> {
    const parsed = emailSchema.safeParse(raw);
    if (!parsed.success) throw unprocessable("email", parsed.error.issues[0]?.message ?? "is invalid");
    if (parsed.data === user.email) return;
    try {
      await this.deps.db
        .master()
        .users.updateOne({ _id: user._id }, { $set: { email: parsed.data, updatedAt: this.now() } });
    } catch (error) {
      if (isDuplicateKeyError(error)) throw unprocessable("email", "That email is already registered");
      throw error;
    }
  }

  private async setPassword(user: UserDoc, raw: string, caller: ApiCaller): Promise<void> {
    const parsed = passwordSchema.safeParse(raw);
    if (!parsed.success) throw unprocessable("password", parsed.error.issues[0]?.message ?? "is invalid");
    await this.deps.db
      .master()
      .users.updateOne(
        { _id: user._id },
        { $set: { passwordHash: await hashPassword(parsed.data), updatedAt: this.now() } },
      );
    await this.deps.audit.record({
      actor: { id: caller.id, email: caller.email },
      ip: caller.ip,
      requestId: caller.requestId,
      action: "user.password_change",
      target: { type: "user", id: caller.id, label: user.username },
      details: { via: "realworld-api" },
    });
  }

  /** An http(s) URL replaces the picture (bumping `profileVersion` like an upload); null or "" removes it. */
  private async setImage(user: UserDoc, raw: string | null): Promise<void> {
    const url = raw?.trim() ?? "";
    if (!url) {
      if (user.image || user.avatar) await this.deps.profiles.removeAvatar(user._id.toHexString());
      return;
    }
    if (url === user.image) return;
    if (url.length > MAX_IMAGE_URL || !/^https?:\/\/[^\s]+$/i.test(url) || !URL.canParse(url)) {
      throw unprocessable("image", "must be an http(s) URL");
    }
    const at = this.now();
    await this.deps.db.master().users.updateOne(
      { _id: user._id },
      {
        $set: { image: new URL(url).toString(), avatar: null, profileChangedAt: at, updatedAt: at },
        $inc: { profileVersion: 1 },
      },
    );
    try {
      await this.deps.profiles.onVisibleChange?.(user._id.toHexString());
    } catch {
      // The profileVersion bump is the record the feed worker refreshes bylines from.
    }
  }
}
