import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { hitSignIn, RateLimiter, tooManyAttemptsMessage } from "./rate-limit";

const prefix = `test:${randomBytes(6).toString("hex")}:`;
const redis = new Redis("redis://127.0.0.1:6379");

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe("RateLimiter", () => {
  it("allows `limit` attempts per window for one ip + email, then refuses with a retry time", async () => {
    const limiter = new RateLimiter({ redis, prefix, limit: 3, windowSeconds: 300 });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.hit("signin", "10.0.0.1", "Ada@Example.com"));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3]!.retryAfterSeconds).toBeGreaterThan(0);
    expect(results[3]!.retryAfterSeconds).toBeLessThanOrEqual(300);
    expect(tooManyAttemptsMessage(results[3]!)).toBe("Too many attempts. Try again in 5 minutes.");
    // The key is case-insensitive on the e-mail and the window expires in Redis.
    expect(await redis.ttl(limiter.key("signin", "10.0.0.1", "ada@example.com"))).toBeGreaterThan(0);

    // Another e-mail, another ip or another action has its own budget.
    expect((await limiter.hit("signin", "10.0.0.1", "bob@example.com")).allowed).toBe(true);
    expect((await limiter.hit("signin", "10.0.0.2", "ada@example.com")).allowed).toBe(true);
    expect((await limiter.hit("signup", "10.0.0.1", "ada@example.com")).allowed).toBe(true);

    await limiter.reset("signin", "10.0.0.1", "ada@example.com");
    expect((await limiter.hit("signin", "10.0.0.1", "ada@example.com")).allowed).toBe(true);
  });

  it("lets attempts through when Redis is unreachable rather than locking everyone out", async () => {
    const down = new Redis("redis://127.0.0.1:1", {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    const limiter = new RateLimiter({ redis: down, prefix, limit: 1 });
    expect((await limiter.hit("signin", "10.0.0.9", "ada@example.com")).allowed).toBe(true);
    expect((await limiter.hit("signin", "10.0.0.9", "ada@example.com")).allowed).toBe(true);
    down.disconnect();
  });

  it("caps sign-ins per e-mail across addresses at 5× the per-client budget", async () => {
    const limiter = new RateLimiter({ redis, prefix, limit: 2 });
    const allowed: boolean[] = [];
    for (let i = 0; i < 11; i++)
      allowed.push((await hitSignIn(limiter, `10.1.0.${i}`, "target@example.com")).allowed);
    expect(allowed).toEqual([...Array(10).fill(true), false]);
    // Per client the budget is still 2.
    const one = [];
    for (let i = 0; i < 3; i++) one.push((await hitSignIn(limiter, "10.2.0.1", "other@example.com")).allowed);
    expect(one).toEqual([true, true, false]);
  });
});
