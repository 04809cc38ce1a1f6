import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DatabaseService } from "../db";
import { log } from "../log";
import { AuditService } from "../services/audit/audit-service";
import { UsersService } from "../services/users/users-service";
import { createBridgeHandler } from "./bridge";
import { signToken } from "./jwt";

const prefix = `t${randomBytes(6).toString("hex")}`;
const redis = new Redis("redis://127.0.0.1:6379");
const db = new DatabaseService({ uri: inject("mongoUri"), prefix });
const users = new UsersService({ db, log, audit: new AuditService({ db, log }), adminEmails: [] });
const deps = { redis: () => redis, users: () => users };
const localhost = createBridgeHandler({
  ...deps,
  env: { ROOT_DOMAIN: "localhost:3102", PUBLIC_PROTOCOL: "http", REDIS_PREFIX: `test:${prefix}:` },
});
let cookieToken = "";

beforeAll(async () => {
  const user = await users.signUp({
    email: "bridge@example.com",
    username: "bridger",
    password: "password1",
  });
  const s = users.toSessionUser(user);
  cookieToken = await signToken({
    sub: s.id,
    email: s.email,
    username: s.username,
    name: s.name,
    platformAdmin: false,
  });
});

afterAll(async () => {
  const keys = await redis.keys(`test:${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await db.master().db.dropDatabase();
  await db.close();
});

function get(url: string, headers: Record<string, string> = {}): Request {
  return new Request(url, { headers: { host: new URL(url).host, ...headers } });
}

describe("sign-in bridge to blog subdomains", () => {
  it("on localhost: hands a signed-in user a one-time code that becomes a session cookie on the blog", async () => {
    const start = await localhost(
      get("http://localhost:3102/api/auth/bridge?to=demo&next=/posts/hello", {
        cookie: `next-auth.session-token=${cookieToken}`,
      }),
    );
    expect(start.status).toBe(303);
    const location = new URL(start.headers.get("location")!);
    expect(location.origin).toBe("http://demo.localhost:3102");
    expect(location.pathname).toBe("/api/auth/bridge");
    expect(location.searchParams.get("next")).toBe("/posts/hello");
    expect(location.search).not.toContain(cookieToken.split(".")[1]!);

    const finish = await localhost(get(location.toString()));
    expect(finish.status).toBe(303);
    expect(finish.headers.get("location")).toBe("/posts/hello");
    const setCookie = finish.headers.get("set-cookie")!;
    expect(setCookie).toMatch(
      /^next-auth\.session-token=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/,
    );
    expect(setCookie).not.toMatch(/Domain=/i);

    // The code is single-use.
    const replay = await localhost(get(location.toString()));
    expect(replay.headers.get("set-cookie")).toBeNull();
    expect(replay.headers.get("location")).toBe("/posts/hello");
  });

  it("sends anonymous visitors straight to the blog and refuses open redirects and bad slugs", async () => {
    const anon = await localhost(get("http://localhost:3102/api/auth/bridge?to=demo"));
    expect(anon.headers.get("location")).toBe("http://demo.localhost:3102/");
    const offsite = await localhost(
      get("http://localhost:3102/api/auth/bridge?to=demo&next=//evil.example/x"),
    );
    expect(offsite.headers.get("location")).toBe("http://demo.localhost:3102/");
    expect((await localhost(get("http://localhost:3102/api/auth/bridge?to=evil.example/"))).status).toBe(400);
    const forgedCode = await localhost(
      get(`http://demo.localhost:3102/api/auth/bridge?code=${"A".repeat(32)}`),
    );
    expect(forgedCode.headers.get("set-cookie")).toBeNull();
  });

  it("is a plain redirect where the cookie domain already covers subdomains", async () => {
    const shared = createBridgeHandler({
      ...deps,
      env: { ROOT_DOMAIN: "blogs.example.test", PUBLIC_PROTOCOL: "https", REDIS_PREFIX: `test:${prefix}:` },
    });
    const res = await shared(
      get("https://blogs.example.test/api/auth/bridge?to=demo&next=/a", {
        cookie: `next-auth.session-token=${cookieToken}`,
      }),
    );
    expect(res.headers.get("location")).toBe("https://demo.blogs.example.test/a");
  });
});
