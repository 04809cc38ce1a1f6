import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/server/errors";
import { log } from "@/server/log";
import { createTestServices, createUser, type TestServices } from "@/test/support/services";
import { browserUpload, makePng, startTestStorage } from "../media/media-test-support";
import type { ObjectStorage } from "../media/object-storage";
import { ProfileService } from "./profile-service";
import { usernameProblem } from "./username";

let t: TestServices;
let storage: ObjectStorage;
let stopStorage: () => Promise<void>;
let profiles: ProfileService;
const publicBase = "http://localhost:3101/media";

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const actor = (user: { _id: { toHexString(): string }; email: string }) => ({
  actor: { id: user._id.toHexString(), email: user.email },
  ip: "198.51.100.4",
  requestId: "req-1",
});

beforeAll(async () => {
  t = await createTestServices();
  ({ storage, stop: stopStorage } = await startTestStorage());
  profiles = new ProfileService({ db: t.db, storage, publicBase, audit: t.services.audit, log });
});

afterAll(async () => {
  await stopStorage();
  await t.cleanup();
});

describe("username rules", () => {
  it("format, reserved names and the live availability check", async () => {
    expect(usernameProblem("ab")).toMatch(/3–30 letters/);
    expect(usernameProblem("has space")).toMatch(/3–30 letters/);
    expect(usernameProblem("dash-ed")).toMatch(/3–30 letters/);
    expect(usernameProblem("a".repeat(31))).toMatch(/3–30 letters/);
    expect(usernameProblem("Admin")).toBe("That username is reserved");
    expect(usernameProblem("Grace_Hopper")).toBeNull();

    const { user: me } = await createUser(t.services, "me");
    const { user: other } = await createUser(t.services, "other");
    const id = me._id.toHexString();
    expect(await profiles.checkUsername(id, other.username.toUpperCase())).toEqual({
      available: false,
      reason: "That username is taken",
    });
    expect(await profiles.checkUsername(id, me.username)).toEqual({ available: true, reason: null });
    expect(await profiles.checkUsername(id, "free_name_42")).toEqual({ available: true, reason: null });
    expect((await profiles.checkUsername(id, "studio")).reason).toBe("That username is reserved");
  });
});

describe("ProfileService", () => {
  it("updates name, username and bio; only visible changes bump profileVersion", async () => {
    const { user } = await createUser(t.services, "writer");
    const id = user._id.toHexString();
    const handle = `grace_${Date.now().toString(36)}`;
    const announced: string[] = [];
    profiles.onVisibleChange = async (userId) => {
      announced.push(userId);
    };
    const renamed = await profiles.update(id, {
      name: " Grace Hopper ",
      username: handle.toUpperCase(),
      bio: "Navy.",
    });
    expect(renamed).toMatchObject({
      name: "Grace Hopper",
      username: handle,
      bio: "Navy.",
      profileVersion: 1,
    });
    const stored = await t.db.master().users.findOne({ _id: user._id });
    expect(stored?.profileChangedAt).toBeInstanceOf(Date);
    const bioOnly = await profiles.update(id, {
      name: "Grace Hopper",
      username: handle,
      bio: "Rear admiral.",
    });
    expect(bioOnly.profileVersion).toBe(1);
    // Reader pages showing the byline are purged for the rename, not for the bio.
    expect(announced).toEqual([id]);
    profiles.onVisibleChange = null;
    // The session reads the user on every request, so the new name shows at once.
    expect((await t.services.users.findById(id))?.name).toBe("Grace Hopper");
  });

  it("refuses a taken or reserved username and bad input, with the field named", async () => {
    const { user: a } = await createUser(t.services, "a");
    const { user: b } = await createUser(t.services, "b");
    const taken = await rejection(profiles.update(a._id.toHexString(), { name: "A", username: b.username }));
    expect(taken).toMatchObject({ code: "CONFLICT", message: "That username is taken" });
    const reserved = await rejection(profiles.update(a._id.toHexString(), { name: "A", username: "admin" }));
    expect(reserved.details).toEqual({ username: ["That username is reserved"] });
    const noName = await rejection(
      profiles.update(a._id.toHexString(), { name: "  ", username: a.username }),
    );
    expect(noName.message).toBe("Your name is required");
    const longBio = await rejection(
      profiles.update(a._id.toHexString(), { name: "A", username: a.username, bio: "x".repeat(301) }),
    );
    expect(longBio.message).toMatch(/300 characters/);
  });

  it("changes the password only with the current one, and audits it", async () => {
    const { user } = await createUser(t.services, "pw");
    const id = user._id.toHexString();
    const wrong = await rejection(
      profiles.changePassword(id, { current: "nope", next: "a-new-password" }, actor(user)),
    );
    expect(wrong.details).toEqual({ current: ["Your current password is not right."] });
    const short = await rejection(
      profiles.changePassword(id, { current: "correct horse battery staple", next: "short" }, actor(user)),
    );
    expect(short.message).toMatch(/at least 8/);
    await profiles.changePassword(
      id,
      { current: "correct horse battery staple", next: "a-new-password" },
      actor(user),
    );
    expect(await t.services.users.verifyPassword(user.email, "a-new-password")).not.toBeNull();
    expect(await t.services.users.verifyPassword(user.email, "correct horse battery staple")).toBeNull();
    const entry = await t.db.master().auditLog.findOne({ action: "user.password_change", "target.id": id });
    expect(entry).toMatchObject({
      actorEmail: user.email,
      ip: "198.51.100.4",
      target: { type: "user", label: user.username },
    });
  });

  it("sets an avatar from an upload (square WebP sizes), bumps profileVersion and drops the previous one", async () => {
    const { user } = await createUser(t.services, "face");
    const id = user._id.toHexString();
    const first = await profiles.createAvatarUpload(id, {
      filename: "me.png",
      contentType: "image/png",
      size: 1,
    });
    expect(first.upload.fields.key).toBe(`avatars/${id}/${first.uploadId}/original`);
    expect((await browserUpload(first.upload, await makePng(800, 600))).status).toBe(204);
    const withAvatar = await profiles.confirmAvatar(id, first.uploadId);
    expect(withAvatar.image).toBe(`${publicBase}/avatars/${id}/${first.uploadId}/w256.webp`);
    expect(withAvatar.avatarSrcset).toMatch(/w64\.webp 64w, .*w128\.webp 128w, .*w256\.webp 256w$/);
    expect(withAvatar.profileVersion).toBe(1);
    expect((await storage.list(`avatars/${id}/${first.uploadId}/`)).sort()).toEqual(
      [128, 256, 64].map((s) => `avatars/${id}/${first.uploadId}/w${s}.webp`),
    );

    const second = await profiles.createAvatarUpload(id, {
      filename: "me2.png",
      contentType: "image/png",
      size: 1,
    });
    await browserUpload(second.upload, await makePng(300, 300));
    const replaced = await profiles.confirmAvatar(id, second.uploadId);
    expect(replaced.profileVersion).toBe(2);
    expect(await storage.list(`avatars/${id}/${first.uploadId}/`)).toEqual([]);

    const removed = await profiles.removeAvatar(id);
    expect(removed).toMatchObject({ image: null, avatarSrcset: "", profileVersion: 3 });
    expect(await storage.list(`avatars/${id}/`)).toEqual([]);
  });

  it("never takes another person's upload as your avatar, nor a non-image", async () => {
    const { user: mallory } = await createUser(t.services, "mallory");
    const { user: victim } = await createUser(t.services, "victim");
    const theirs = await profiles.createAvatarUpload(victim._id.toHexString(), {
      filename: "v.png",
      contentType: "image/png",
      size: 1,
    });
    await browserUpload(theirs.upload, await makePng(100, 100));
    // The key is built from the caller's id: Mallory's confirm looks under avatars/<mallory>/… and finds nothing.
    const stolen = await rejection(profiles.confirmAvatar(mallory._id.toHexString(), theirs.uploadId));
    expect(stolen.code).toBe("UNPROCESSABLE");
    const bogus = await profiles.createAvatarUpload(mallory._id.toHexString(), {
      filename: "x.png",
      contentType: "image/png",
      size: 1,
    });
    await browserUpload(bogus.upload, Buffer.from("GIF89a but not really"));
    expect((await rejection(profiles.confirmAvatar(mallory._id.toHexString(), bogus.uploadId))).code).toBe(
      "BAD_REQUEST",
    );
    expect((await t.db.master().users.findOne({ _id: mallory._id }))?.image).toBeNull();
  });
});
