import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "@/server/services/container";
import { personalSlugBase, personalSlugCandidates } from "@/server/services/realworld/personal-blog";
import { dropPrefixedDatabases, testMongoUri, uniquePrefix, uniqueRedisPrefix } from "@/test/support/mongo";
import { type ApiCall, apiClient, PROFILE_KEYS, USER_KEYS } from "./realworld-testing";

/**
 * RealWorld profiles, follows, `PUT /api/user` and the personal blog of a root-domain post —
 * from the specification, on the root domain and on a blog's subdomain.
 */

const ROOT = "localhost:3101";
let api: ApiCall;
let services: Services;

interface Person {
  token: string;
  username: string;
  email: string;
  id: string;
}

let people = 0;
async function register(username = `pr${++people}${Math.floor(Math.random() * 1e5)}`): Promise<Person> {
  const email = `${username}@example.test`;
  const res = await api("POST", "/api/users", {
    body: { user: { email, password: "password123", username } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const user = await services.users.findByUsername(username);
  return {
    token: res.body.user.token,
    username: res.body.user.username,
    email,
    id: user?._id.toHexString() ?? "",
  };
}

const post = (title: string) => ({ article: { title, description: "d", body: "b" } });

beforeAll(async () => {
  Object.assign(process.env, {
    MONGODB_URI: testMongoUri(),
    MONGODB_DB_PREFIX: uniquePrefix(),
    REDIS_PREFIX: uniqueRedisPrefix(),
    ROOT_DOMAIN: ROOT,
    AUTH_SECRETS: `rwpro:${"p".repeat(40)}`,
    LOG_LEVEL: "silent",
  });
  const { realWorldRoute } = await import("./realworld-routes");
  services = (await import("@/server/services/container")).getServices();
  await services.db.ensureMasterIndexes();
  api = apiClient(realWorldRoute, ROOT);
});

afterAll(async () => {
  if (!services) return;
  await services.queues.dispose({ deleteKeys: true }).catch(() => undefined);
  await dropPrefixedDatabases(services.db);
});

describe("GET /api/profiles/:username", () => {
  it("answers the profile with the caller's following flag; 404 for nobody", async () => {
    const celeb = await register();
    const fan = await register();
    const anonymous = await api("GET", `/api/profiles/${celeb.username}`);
    expect(anonymous.status).toBe(200);
    expect(Object.keys(anonymous.body)).toEqual(["profile"]);
    expect(Object.keys(anonymous.body.profile).sort()).toEqual(PROFILE_KEYS);
    expect(anonymous.body.profile).toEqual({
      username: celeb.username,
      bio: "",
      image: null,
      following: false,
    });
    const upper = await api("GET", `/api/profiles/${celeb.username.toUpperCase()}`, { token: fan.token });
    expect(upper.body.profile.username).toBe(celeb.username);

    const missing = await api("GET", "/api/profiles/nobody_here_at_all");
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ errors: { profile: ["not found"] } });
  });
});

describe("POST/DELETE /api/profiles/:username/follow", () => {
  it("follows platform-wide: idempotent, the same on every scope, 401 anonymous, 422 for oneself", async () => {
    const celeb = await register();
    const fan = await register();
    const follow = await api("POST", `/api/profiles/${celeb.username}/follow`, {
      token: fan.token,
      body: { user: { email: fan.email } }, // the public checks send a body; it is ignored
    });
    expect(follow.status).toBe(200);
    expect(follow.body).toEqual({
      profile: { username: celeb.username, bio: "", image: null, following: true },
    });
    expect((await api("POST", `/api/profiles/${celeb.username}/follow`, { token: fan.token })).status).toBe(
      200,
    );
    expect(
      await services.db
        .master()
        .follows.countDocuments({ followerId: new ObjectId(fan.id), followeeId: new ObjectId(celeb.id) }),
    ).toBe(1);

    // A follow is of a person, not of a blog: every blog's API sees it.
    await services.tenants.create(
      { name: "Any", slug: `any-${celeb.username}`.slice(0, 40), theme: "classic" },
      { userId: celeb.id, email: celeb.email, platformAdmin: false, ip: null, requestId: null },
    );
    const onBlog = await api("GET", `/api/profiles/${celeb.username}`, {
      blog: `any-${celeb.username}`.slice(0, 40),
      token: fan.token,
    });
    expect(onBlog.body.profile.following).toBe(true);
    expect(
      (await api("GET", `/api/profiles/${celeb.username}`, { token: celeb.token })).body.profile.following,
    ).toBe(false);

    const unfollow = await api("DELETE", `/api/profiles/${celeb.username}/follow`, { token: fan.token });
    expect(unfollow.status).toBe(200);
    expect(unfollow.body.profile).toMatchObject({ username: celeb.username, following: false });
    expect((await api("DELETE", `/api/profiles/${celeb.username}/follow`, { token: fan.token })).status).toBe(
      200,
    );
    expect(
      (await api("GET", `/api/profiles/${celeb.username}`, { token: fan.token })).body.profile.following,
    ).toBe(false);

    expect((await api("POST", `/api/profiles/${celeb.username}/follow`)).status).toBe(401);
    const self = await api("POST", `/api/profiles/${fan.username}/follow`, { token: fan.token });
    expect(self.status).toBe(422);
    expect(self.body).toEqual({ errors: { username: ["You can't follow yourself"] } });
    expect((await api("POST", "/api/profiles/nobody_at_all/follow", { token: fan.token })).status).toBe(404);
  });
});

describe("PUT /api/user", () => {
  it("edits the same profile record as the account page and answers the user with a fresh token", async () => {
    const me = await register();
    const before = await services.profiles.get(me.id);
    const res = await api("PUT", "/api/user", {
      token: me.token,
      body: { user: { bio: "I write about dragons", image: "https://images.example/me.png" } },
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.user).sort()).toEqual(USER_KEYS);
    expect(res.body.user).toMatchObject({
      email: me.email,
      username: me.username,
      bio: "I write about dragons",
      image: "https://images.example/me.png",
    });
    const profile = await services.profiles.get(me.id);
    expect(profile).toMatchObject({ bio: "I write about dragons", image: "https://images.example/me.png" });
    // A new picture is a change readers see: the byline/feed refresh counter moves.
    expect(profile.profileVersion).toBe(before.profileVersion + 1);
    const current = await api("GET", "/api/user", {
      headers: { authorization: `Bearer ${res.body.user.token}` },
    });
    expect(current.body.user.bio).toBe("I write about dragons");
    expect((await api("GET", `/api/profiles/${me.username}`)).body.profile.image).toBe(
      "https://images.example/me.png",
    );

    // The same e-mail again (what the public checks send) changes nothing; null image removes it.
    const same = await api("PUT", "/api/user", { token: me.token, body: { user: { email: me.email } } });
    expect(same.status).toBe(200);
    expect(same.body.user.email).toBe(me.email);
    const removed = await api("PUT", "/api/user", { token: me.token, body: { user: { image: null } } });
    expect(removed.body.user.image).toBeNull();
  });

  it("changes username, e-mail and password", async () => {
    const me = await register();
    const username = `renamed${Math.floor(Math.random() * 1e6)}`;
    const email = `${username}@example.test`;
    const res = await api("PUT", "/api/user", {
      token: me.token,
      body: { user: { username, email, password: "a-new-password" } },
    });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ username, email });
    expect((await api("GET", `/api/profiles/${username}`)).status).toBe(200);
    expect((await api("GET", `/api/profiles/${me.username}`)).status).toBe(404);
    const login = await api("POST", "/api/users/login", {
      body: { user: { email, password: "a-new-password" } },
    });
    expect(login.status).toBe(200);
    const old = await api("POST", "/api/users/login", { body: { user: { email, password: "password123" } } });
    expect(old.status).toBe(401);
    const audit = await services.db
      .master()
      .auditLog.findOne({ action: "user.password_change", "target.id": me.id });
    expect(audit?.details).toEqual({ via: "realworld-api" });
  });

  it("422 with the field for invalid or taken values; 401 anonymous; 400/422 for malformed bodies", async () => {
    const me = await register();
    const other = await register();
    const cases: [Record<string, unknown>, Record<string, string[]>][] = [
      [{ email: "not-an-email" }, { email: ["Enter a valid email address"] }],
      [{ email: other.email }, { email: ["That email is already registered"] }],
      [{ username: other.username }, { username: ["That username is taken"] }],
      [{ username: "no spaces" }, { username: ["Use 3–30 letters, digits or underscores for the username"] }],
      [{ password: "short" }, { password: ["Use at least 8 characters for the password"] }],
      [{ image: "javascript:alert(1)" }, { image: ["must be an http(s) URL"] }],
      [{ bio: 42 }, { bio: ["must be a string"] }],
    ];
    for (const [user, errors] of cases) {
      const res = await api("PUT", "/api/user", { token: me.token, body: { user } });
      expect(res.status, JSON.stringify(user)).toBe(422);
      expect(res.body).toEqual({ errors });
    }
    expect((await api("PUT", "/api/user", { body: { user: { bio: "x" } } })).status).toBe(401);
    expect((await api("PUT", "/api/user", { token: me.token, body: "nope" })).status).toBe(400);
    expect((await api("PUT", "/api/user", { token: me.token, body: { bio: "x" } })).body).toEqual({
      errors: { user: ["is missing"] },
    });
    const unchanged = await services.users.findById(me.id);
    expect(unchanged).toMatchObject({ username: me.username, email: me.email, bio: "" });
  });
});

describe("the personal blog of a root-domain POST /api/articles", () => {
  it("is named from the username (lower-cased, _ → -), with a number when reserved or taken", () => {
    expect(personalSlugBase("Jake_Doe")).toBe("jake-doe");
    expect(personalSlugBase("__ab__")).toBe("ab-blog");
    expect(personalSlugCandidates("mail").slice(0, 2)).toEqual(["mail-2", "mail-3"]);
    expect(personalSlugCandidates("jake").slice(0, 3)).toEqual(["jake", "jake-2", "jake-3"]);
  });

  it("takes the next number when someone else owns the name", async () => {
    const squatter = await register();
    const owner = await register();
    const wanted = owner.username.replace(/_/g, "-");
    await services.tenants.create(
      { name: "Taken", slug: wanted, theme: "classic" },
      { userId: squatter.id, email: squatter.email, platformAdmin: false, ip: null, requestId: null },
    );
    const res = await api("POST", "/api/articles", { token: owner.token, body: post("Numbered") });
    expect(res.status).toBe(201);
    expect(res.body.article.slug).toBe(`${wanted}-2~numbered`);
  });

  it("adopts a blog the person already owns at their own name", async () => {
    const owner = await register();
    await services.tenants.create(
      { name: "Mine", slug: owner.username, theme: "bold" },
      { userId: owner.id, email: owner.email, platformAdmin: false, ip: null, requestId: null },
    );
    const res = await api("POST", "/api/articles", { token: owner.token, body: post("Adopted") });
    expect(res.body.article.slug).toBe(`${owner.username}~adopted`);
    expect(await services.db.master().tenants.countDocuments({ ownerId: new ObjectId(owner.id) })).toBe(1);
  });

  it("is created once when the first posts arrive together", async () => {
    const owner = await register();
    const results = await Promise.all(
      ["One", "Two", "Three"].map((t) => api("POST", "/api/articles", { token: owner.token, body: post(t) })),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
    const blogs = new Set(results.map((r) => String(r.body.article.slug).split("~")[0]));
    expect([...blogs]).toEqual([owner.username]);
    expect(await services.db.master().tenants.countDocuments({ ownerId: new ObjectId(owner.id) })).toBe(1);
  });

  it("starts a new one after the personal blog was deleted", async () => {
    const owner = await register();
    await api("POST", "/api/articles", { token: owner.token, body: post("Before") });
    await services.tenants.delete(owner.username, {
      userId: owner.id,
      email: owner.email,
      platformAdmin: false,
      ip: null,
      requestId: null,
    });
    const res = await api("POST", "/api/articles", { token: owner.token, body: post("After") });
    expect(res.status).toBe(201);
    expect(res.body.article.slug).toBe(`${owner.username}-2~after`);
  });
});
