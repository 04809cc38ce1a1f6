import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";

// Nothing listens on port 1: every database call fails after server selection.
const dbPrefix = `t${randomBytes(6).toString("hex")}`;
Object.assign(process.env, {
  MONGODB_URI: "mongodb://127.0.0.1:1",
  MONGODB_DB_PREFIX: dbPrefix,
  REDIS_PREFIX: `test:${dbPrefix}:`,
  LOG_LEVEL: "silent",
});

const { POST: login } = await import("@/app/api/users/login/route");
const { getServices } = await import("@/server/services/container");
const { getRateLimiter } = await import("./rate-limit");

afterAll(async () => {
  await getServices().db.close();
  await getRateLimiter().close();
});

describe("users endpoints without a database", () => {
  it("answer 503 in the RealWorld error shape, not an HTML 500", async () => {
    const res = await login(
      new Request("http://localhost/api/users/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ user: { email: "a@example.com", password: "password1" } }),
      }),
    );
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      errors: { body: ["The service is unavailable. Try again shortly."] },
    });
  });
});
