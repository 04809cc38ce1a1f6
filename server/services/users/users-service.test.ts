import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DatabaseService } from "../../db";
import { AppError } from "../../errors";
import { log } from "../../log";
import { AuditService } from "../audit/audit-service";
import { UsersService } from "./users-service";

const db = new DatabaseService({ uri: inject("mongoUri"), prefix: `t${randomBytes(6).toString("hex")}` });
const users = new UsersService({
  db,
  log,
  audit: new AuditService({ db, log }),
  adminEmails: [" Root@Example.com "],
});

beforeAll(async () => {
  await users.ensureIndexes();
  await users.ensureIndexes(); // idempotent
});

afterAll(async () => {
  await db.master().db.dropDatabase();
  await db.close();
});

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("UsersService", () => {
  it("signs up with a normalised e-mail and username and an argon2id hash", async () => {
    const user = await users.signUp({
      email: "  Ada@Example.COM ",
      username: "Ada_L",
      password: "password1",
    });
    expect(user).toMatchObject({
      email: "ada@example.com",
      username: "ada_l",
      name: "ada_l",
      bio: "",
      image: null,
    });
    expect(user.platformAdmin).toBe(false);
    const stored = await db.master().users.findOne({ _id: user._id });
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(stored)).not.toContain("password1");
    expect(users.toSessionUser(user)).toEqual({
      id: user._id.toHexString(),
      email: "ada@example.com",
      username: "ada_l",
      name: "ada_l",
      platformAdmin: false,
    });
  });

  it("refuses a taken e-mail or username, whatever their case", async () => {
    await users.signUp({
      email: "grace@example.com",
      username: "grace",
      password: "password1",
      name: "Grace",
    });
    const email = await rejection(
      users.signUp({ email: "GRACE@example.com", username: "other", password: "password1" }),
    );
    expect(email.code).toBe("CONFLICT");
    expect(email.message).toBe("That email is already registered");
    const username = await rejection(
      users.signUp({ email: "g2@example.com", username: "GRACE", password: "password1" }),
    );
    expect(username.code).toBe("CONFLICT");
    expect(username.message).toBe("That username is taken");
  });

  it("lets exactly one of concurrent sign-ups with one e-mail win (unique index)", async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        users.signUp({ email: "race@example.com", username: `racer${i}`, password: "password1" }),
      ),
    );
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(1);
    for (const a of attempts.filter((x) => x.status === "rejected")) {
      expect((a as PromiseRejectedResult).reason).toMatchObject({ code: "CONFLICT" });
    }
    expect(await db.master().users.countDocuments({ email: "race@example.com" })).toBe(1);
  });

  it("validates input with readable messages", async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ email: "not-an-email", username: "valid", password: "password1" }, /valid email/],
      [{ email: "v@example.com", username: "no spaces", password: "password1" }, /3–30 letters/],
      [{ email: "v@example.com", username: "ab", password: "password1" }, /3–30 letters/],
      [{ email: "v@example.com", username: "valid", password: "short" }, /at least 8/],
    ];
    for (const [input, message] of cases) {
      const error = await rejection(users.signUp(input as never));
      expect(error.code).toBe("BAD_REQUEST");
      expect(error.message).toMatch(message);
    }
  });

  it("verifies passwords: the user for the right one, null otherwise", async () => {
    await users.signUp({ email: "lin@example.com", username: "lin", password: "right-password" });
    expect((await users.verifyPassword("LIN@example.com", "right-password"))?.username).toBe("lin");
    expect(await users.verifyPassword("lin@example.com", "wrong-password")).toBeNull();
    expect(await users.verifyPassword("nobody@example.com", "right-password")).toBeNull();
  });

  it("grants the platform-admin flag to PLATFORM_ADMIN_EMAILS", async () => {
    const root = await users.signUp({ email: "root@example.com", username: "root", password: "password1" });
    expect(root.platformAdmin).toBe(true);
    expect(users.toSessionUser(root).platformAdmin).toBe(true);
  });

  it("finds by id, e-mail and username, and treats malformed ids as unknown", async () => {
    const user = await users.signUp({ email: "find@example.com", username: "finder", password: "password1" });
    expect((await users.findById(user._id.toHexString()))?.email).toBe("find@example.com");
    expect((await users.findByEmail("FIND@example.com"))?.username).toBe("finder");
    expect((await users.findByUsername("Finder"))?.email).toBe("find@example.com");
    expect(await users.findById("not-an-id")).toBeNull();
  });

  it("creates a GitHub user once and never takes over a password account", async () => {
    const profile = {
      githubId: "42",
      email: "Octo@Example.com",
      login: "Octo-Cat",
      name: "Octo",
      image: null,
    };
    const first = await users.upsertGithubUser(profile);
    expect(first).toMatchObject({ email: "octo@example.com", username: "octo_cat", githubId: "42" });
    expect(first.passwordHash).toBeUndefined();
    expect((await users.upsertGithubUser(profile))._id.equals(first._id)).toBe(true);
    const takeover = await rejection(
      users.upsertGithubUser({ ...profile, githubId: "43", email: "lin@example.com" }),
    );
    expect(takeover.code).toBe("CONFLICT");
    // An OAuth-only account cannot be signed into with a password.
    expect(await users.verifyPassword("octo@example.com", "")).toBeNull();
  });
});
