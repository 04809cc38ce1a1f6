import { ObjectId } from "mongodb";
import { hashPassword, verifyPassword } from "../../auth/password";
import { type DatabaseService, isDuplicateKeyError, type UserDoc } from "../../db";
import { AppError } from "../../errors";
import type { Logger } from "../../log";
import type { AuditService, RequestActor } from "../audit/audit-service";
import { avatarBase, originalKey, publicUrl, srcsetOf, UPLOAD_MAX_BYTES } from "../media/keys";
import type { ObjectStorage, PresignedUpload } from "../media/object-storage";
import { processUpload } from "../media/process-upload";
import { uploadRequestSchema } from "../media/schemas";
import {
  type ChangePasswordInput,
  changePasswordInput,
  type UpdateProfileInput,
  updateProfileInput,
} from "./profile-input";
import { USERNAME_TAKEN, usernameProblem } from "./username";

export interface ProfileDto {
  id: string;
  email: string;
  username: string;
  name: string;
  bio: string;
  /** 256 px avatar URL (what `UserDoc.image` holds), or null. */
  image: string | null;
  avatarSrcset: string;
  hasPassword: boolean;
  profileVersion: number;
}

function toUserId(id: string): ObjectId {
  if (!/^[0-9a-f]{24}$/.test(id)) throw new AppError("UNAUTHORIZED", "Sign in to continue.");
  return new ObjectId(id);
}

/**
 * A person's own account: name, username, bio, avatar, password. Every change readers see next to
 * the person's posts (name, username, avatar) bumps `profileVersion` and sets `profileChangedAt`,
 * so fan-out (the feed worker's `global_feed.authorName`, cached bylines) can find what to refresh.
 */
export class ProfileService {
  /**
   * Called after a change readers see (name, username, avatar), e.g. to purge cached reader pages
   * that show the person's byline. Failures are logged: the `profileVersion` bump stays the record
   * later fan-out works from.
   */
  onVisibleChange: ((userId: string) => Promise<void>) | null = null;

  constructor(
    private readonly deps: {
      db: DatabaseService;
      storage: ObjectStorage | null;
      publicBase: string;
      audit: AuditService;
      log: Logger;
      now?: () => Date;
    },
  ) {}

  private get users() {
    return this.deps.db.master().users;
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private async load(userId: string): Promise<UserDoc> {
    const user = await this.users.findOne({ _id: toUserId(userId) });
    if (!user) throw new AppError("UNAUTHORIZED", "Sign in to continue.");
    return user;
  }

  toDto(user: UserDoc): ProfileDto {
    return {
      id: user._id.toHexString(),
      email: user.email,
      username: user.username,
      name: user.name,
      bio: user.bio ?? "",
      image: user.image ?? null,
      avatarSrcset: user.avatar ? srcsetOf(this.deps.publicBase, user.avatar.variants) : "",
      hasPassword: Boolean(user.passwordHash),
      profileVersion: user.profileVersion ?? 0,
    };
  }

  async get(userId: string): Promise<ProfileDto> {
    return this.toDto(await this.load(userId));
  }

  /** The live check under the username field; your own current name is available to you. */
  async checkUsername(userId: string, raw: string): Promise<{ available: boolean; reason: string | null }> {
    const username = raw.trim().toLowerCase();
    const problem = usernameProblem(username);
    if (problem) return { available: false, reason: problem };
    const other = await this.users.findOne({ username }, { projection: { _id: 1 } });
    if (other && other._id.toHexString() !== userId) return { available: false, reason: USERNAME_TAKEN };
    return { available: true, reason: null };
  }

  async update(userId: string, input: UpdateProfileInput): Promise<ProfileDto> {
    const parsed = updateProfileInput.safeParse(input);
    if (!parsed.success) {
      throw new AppError(
        "BAD_REQUEST",
        parsed.error.issues[0]?.message ?? "Invalid input",
        parsed.error.flatten().fieldErrors,
      );
    }
    const { name, username, bio } = parsed.data;
    const user = await this.load(userId);
    if (username !== user.username) {
      const problem = usernameProblem(username);
      if (problem) throw new AppError("BAD_REQUEST", problem, { username: [problem] });
    }
    const visible = name !== user.name || username !== user.username;
    const at = this.now();
    try {
      const updated = await this.users.findOneAndUpdate(
        { _id: user._id },
        {
          $set: { name, username, bio, updatedAt: at, ...(visible ? { profileChangedAt: at } : {}) },
          ...(visible ? { $inc: { profileVersion: 1 } } : {}),
        },
        { returnDocument: "after" },
      );
      if (!updated) throw new AppError("UNAUTHORIZED", "Sign in to continue.");
      if (visible) {
        this.deps.log.info({ userId, profileVersion: updated.profileVersion }, "profile changed");
        await this.announce(userId);
      }
      return this.toDto(updated);
    } catch (error) {
      // The unique index settles two people racing for one name.
      if (isDuplicateKeyError(error))
        throw new AppError("CONFLICT", USERNAME_TAKEN, { username: [USERNAME_TAKEN] });
      throw error;
    }
  }

  async changePassword(userId: string, input: ChangePasswordInput, by: RequestActor): Promise<void> {
    const parsed = changePasswordInput.safeParse(input);
    if (!parsed.success) {
      throw new AppError(
        "BAD_REQUEST",
        parsed.error.issues[0]?.message ?? "Invalid input",
        parsed.error.flatten().fieldErrors,
      );
    }
    const user = await this.load(userId);
    // An account made with GitHub has no password yet and may set one; others must prove the old one.
    if (user.passwordHash && !(await verifyPassword(user.passwordHash, parsed.data.current))) {
      throw new AppError("BAD_REQUEST", "Your current password is not right.", {
        current: ["Your current password is not right."],
      });
    }
    await this.users.updateOne(
      { _id: user._id },
      { $set: { passwordHash: await hashPassword(parsed.data.next), updatedAt: this.now() } },
    );
    await this.deps.audit.record({
      ...by,
      action: "user.password_change",
      target: { type: "user", id: userId, label: user.username },
    });
  }

  private requireStorage(): ObjectStorage {
    if (!this.deps.storage) {
      throw new AppError(
        "UNAVAILABLE",
        "Image uploads are not set up on this server (S3_ENDPOINT is not configured).",
      );
    }
    return this.deps.storage;
  }

  /** A presigned upload to `avatars/<me>/<new id>/original`; the key is built from the session's user. */
  async createAvatarUpload(
    userId: string,
    input: { filename: string; contentType: string; size: number },
  ): Promise<{ uploadId: string; upload: PresignedUpload; maxBytes: number }> {
    const parsed = uploadRequestSchema.safeParse(input);
    if (!parsed.success)
      throw new AppError("BAD_REQUEST", parsed.error.issues[0]?.message ?? "Invalid upload");
    const storage = this.requireStorage();
    const user = await this.load(userId);
    const uploadId = new ObjectId();
    const upload = await storage.presignUpload({
      key: originalKey(avatarBase(user._id, uploadId)),
      contentType: parsed.data.contentType,
      maxBytes: UPLOAD_MAX_BYTES,
    });
    return { uploadId: uploadId.toHexString(), upload, maxBytes: UPLOAD_MAX_BYTES };
  }

  /** Checks the uploaded avatar, makes its square sizes, and makes it the person's picture. */
  async confirmAvatar(userId: string, uploadId: string): Promise<ProfileDto> {
    const storage = this.requireStorage();
    if (!/^[0-9a-f]{24}$/.test(uploadId)) throw new AppError("NOT_FOUND", "That upload does not exist.");
    const user = await this.load(userId);
    const base = avatarBase(user._id, new ObjectId(uploadId));
    if (user.avatar?.base === base) return this.toDto(user);
    const result = await processUpload(storage, base, "avatar");
    // The original is never served and the variants carry everything readers see.
    await storage.delete(originalKey(base));
    const at = this.now();
    const image = publicUrl(
      this.deps.publicBase,
      result.variants["256"] ?? Object.values(result.variants).at(-1)!,
    );
    const updated = await this.users.findOneAndUpdate(
      { _id: user._id },
      {
        $set: { image, avatar: { base, variants: result.variants }, profileChangedAt: at, updatedAt: at },
        $inc: { profileVersion: 1 },
      },
      { returnDocument: "after" },
    );
    if (user.avatar?.base) await this.dropAvatarObjects(user.avatar.base);
    this.deps.log.info(
      { userId, resizeMs: Math.round(result.resizeMs), size: result.size },
      "avatar changed",
    );
    return this.toDto(updated ?? user);
  }

  async removeAvatar(userId: string): Promise<ProfileDto> {
    const user = await this.load(userId);
    if (!user.image && !user.avatar) return this.toDto(user);
    const at = this.now();
    const updated = await this.users.findOneAndUpdate(
      { _id: user._id },
      {
        $set: { image: null, avatar: null, profileChangedAt: at, updatedAt: at },
        $inc: { profileVersion: 1 },
      },
      { returnDocument: "after" },
    );
    if (user.avatar?.base) await this.dropAvatarObjects(user.avatar.base);
    await this.announce(userId);
    return this.toDto(updated ?? user);
  }

  private async announce(userId: string): Promise<void> {
    try {
      await this.onVisibleChange?.(userId);
    } catch (error) {
      this.deps.log.warn({ userId, err: String(error) }, "profile change not announced");
    }
  }

  /** Old avatar objects are removed after the switch; a failure only leaves unreferenced bytes. */
  private async dropAvatarObjects(base: string): Promise<void> {
    try {
      await this.deps.storage?.deletePrefix(`${base}/`);
    } catch (error) {
      this.deps.log.warn({ base, err: String(error) }, "old avatar objects not deleted");
    }
  }
}
