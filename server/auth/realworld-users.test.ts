import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

// server/env.ts reads the environment once, at import: configure it before loading the routes.
const dbPrefix = `t${randomBytes(6).toString("hex")}`;
const redisPrefix = `test:${dbPrefix}:`;
Object.assign(process.env, {
  MONGODB_URI: inject("mongoUri"),
  MONGODB_DB_PREFIX: dbPrefix,
  REDIS_PREFIX: redisPrefix,
  AUTH_SECRETS: `rw1:${"r".repeat(40)}`,
  LOG_LEVEL: "silent",
});

const { POST: register } = await import("@/app/api/users/route");
const { POST: login } = await import("@/app/api/users/login/route");
const { GET: currentUser } = await import("@/app/api/user/route");
const { getServices } = await import("@/server/services/container");
const { getRateLimiter } = await import("./rate-limit");
const { getSessionFromRequest } = await import("./session-from-request");

function post(url: string, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(`http://localhost${url}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

function get(url: string, headers: Record<string, string> = {}): Request {
  return new Request(`http://localhost${url}`, { headers });
}

let ipCounter = 0;
/** Each test acts from its own client address so rate-limit budgets don't leak between tests. */
const freshIp = () => ({ "x-forwarded-for": `192.0.2.${++ipCounter}` });

beforeAll(async () => {
  await getServices().users.ensureIndexes();
});

afterAll(async () => {
  const { db } = getServices();
  await db.master().db.dropDatabase();
  await db.close();
  await getRateLimiter().close();
});

describe("POST /api/users", () => {
  it("creates the user: 201 with exactly the RealWorld shape and a working token", async () => {
    const res = await register(
      post(
        "/api/users",
        { user: { email: "Jake@Jake.jake", password: "jakejake", username: "Jake" } },
        freshIp(),
      ),
    );
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(Object.keys(body)).toEqual(["user"]);
    expect(Object.keys(body.user).sort()).toEqual(["bio", "email", "image", "token", "username"]);
    expect(body.user).toMatchObject({ email: "jake@jake.jake", username: "jake", bio: "", image: null });

    const me = await currentUser(get("/api/user", { authorization: `Token ${body.user.token}` }));
    expect(me.status).toBe(200);
    expect((await me.json()).user).toMatchObject({ email: "jake@jake.jake", username: "jake" });
  });

  it("answers 422 {errors:{body:[…]}} for invalid fields and taken e-mails/usernames", async () => {
    const ip = freshIp();
    const invalid = await register(
      post("/api/users", { user: { email: "x@y", password: "short", username: "xyz" } }, ip),
    );
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toEqual({
      errors: { body: ["Enter a valid email address", "Use at least 8 characters for the password"] },
    });

    const missing = await register(
      post("/api/users", { user: { email: "m@example.com", password: "password1" } }, ip),
    );
    expect(missing.status).toBe(422);
    expect(await missing.json()).toEqual({ errors: { body: ["Username is required"] } });

    await register(
      post(
        "/api/users",
        { user: { email: "taken@example.com", password: "password1", username: "taken" } },
        ip,
      ),
    );
    const takenEmail = await register(
      post(
        "/api/users",
        { user: { email: "TAKEN@example.com", password: "password1", username: "other1" } },
        ip,
      ),
    );
    expect(takenEmail.status).toBe(422);
    expect(await takenEmail.json()).toEqual({ errors: { body: ["That email is already registered"] } });
    const takenName = await register(
      post(
        "/api/users",
        { user: { email: "new@example.com", password: "password1", username: "Taken" } },
        ip,
      ),
    );
    expect(takenName.status).toBe(422);
    expect(await takenName.json()).toEqual({ errors: { body: ["That username is taken"] } });
  });

  it("answers 400 for a body that is not JSON and 422 for JSON without a user object", async () => {
    const malformed = await register(post("/api/users", "{not json", freshIp()));
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).errors.body[0]).toMatch(/must be JSON/);
    for (const body of [{}, { user: "x" }, [], null]) {
      const res = await register(post("/api/users", body, freshIp()));
      expect(res.status).toBe(422);
    }
  });
});

describe("POST /api/users/login", () => {
  beforeAll(async () => {
    await register(
      post("/api/users", {
        user: { email: "login@example.com", password: "password1", username: "loginer" },
      }),
    );
  });

  it("returns 200 with the user and a token for the right password", async () => {
    const res = await login(
      post("/api/users/login", { user: { email: "LOGIN@example.com", password: "password1" } }, freshIp()),
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Object.keys(body.user).sort()).toEqual(["bio", "email", "image", "token", "username"]);
    expect(body.user.username).toBe("loginer");
    const bearer = await currentUser(get("/api/user", { authorization: `Bearer ${body.user.token}` }));
    expect(bearer.status).toBe(200);
  });

  it("returns 401 for a wrong password or unknown e-mail and 422 for a missing field", async () => {
    const ip = freshIp();
    const wrong = await login(
      post("/api/users/login", { user: { email: "login@example.com", password: "nope-nope" } }, ip),
    );
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ errors: { body: ["Invalid email or password"] } });
    const unknown = await login(
      post("/api/users/login", { user: { email: "ghost@example.com", password: "password1" } }, ip),
    );
    expect(unknown.status).toBe(401);
    const missing = await login(post("/api/users/login", { user: { email: "login@example.com" } }, ip));
    expect(missing.status).toBe(422);
    expect(await missing.json()).toEqual({ errors: { body: ["Password is required"] } });
  });

  it("rate-limits repeated attempts for one ip + e-mail with 429 and Retry-After", async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await login(
        post("/api/users/login", { user: { email: "login@example.com", password: `bad-${i}-pw` } }, ip),
      );
      statuses.push(res.status);
      if (res.status === 429) {
        expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
        expect((await res.json()).errors.body[0]).toMatch(/Too many attempts/);
      }
    }
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    // Even the right password is refused while the window lasts …
    const blocked = await login(
      post("/api/users/login", { user: { email: "login@example.com", password: "password1" } }, ip),
    );
    expect(blocked.status).toBe(429);
    // … but from another address it works.
    const elsewhere = await login(
      post("/api/users/login", { user: { email: "login@example.com", password: "password1" } }, freshIp()),
    );
    expect(elsewhere.status).toBe(200);
  });
});

describe("GET /api/user and getSessionFromRequest", () => {
  it("answers 401 without a token, with a bad token, or for a deleted user", async () => {
    expect((await currentUser(get("/api/user"))).status).toBe(401);
    expect((await currentUser(get("/api/user", { authorization: "Token nope" }))).status).toBe(401);
    expect((await currentUser(get("/api/user", { authorization: "Basic abc" }))).status).toBe(401);

    const res = await register(
      post(
        "/api/users",
        { user: { email: "gone@example.com", password: "password1", username: "gone" } },
        freshIp(),
      ),
    );
    const { token } = (await res.json()).user;
    expect((await currentUser(get("/api/user", { authorization: `Token ${token}` }))).status).toBe(200);
    await getServices().db.master().users.deleteOne({ email: "gone@example.com" });
    const after = await currentUser(get("/api/user", { authorization: `Token ${token}` }));
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual({
      errors: { body: ["Missing or invalid token: send Authorization: Token <jwt>"] },
    });
  });

  it("reads the next-auth session cookie as well as the Authorization header", async () => {
    const res = await register(
      post(
        "/api/users",
        { user: { email: "cookie@example.com", password: "password1", username: "cookie" } },
        freshIp(),
      ),
    );
    const { token } = (await res.json()).user;
    const viaCookie = await getSessionFromRequest(
      get("/", { cookie: `theme=dark; next-auth.session-token=${token}` }),
    );
    expect(viaCookie?.user).toMatchObject({
      email: "cookie@example.com",
      username: "cookie",
      platformAdmin: false,
    });
    expect(await getSessionFromRequest(get("/", { cookie: "next-auth.session-token=forged" }))).toBeNull();
    // An explicit but invalid Authorization header is not rescued by a cookie.
    expect(
      await getSessionFromRequest(
        get("/", { authorization: "Bearer bad", cookie: `next-auth.session-token=${token}` }),
      ),
    ).toBeNull();
  });
});
