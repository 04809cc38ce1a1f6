import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

// A process started after a rotation: `new` signs, `old` still verifies.
const oldSecret = `old-${"o".repeat(40)}`;
const newSecret = `new-${"n".repeat(40)}`;
const dbPrefix = `t${randomBytes(6).toString("hex")}`;
Object.assign(process.env, {
  MONGODB_URI: inject("mongoUri"),
  MONGODB_DB_PREFIX: dbPrefix,
  REDIS_PREFIX: `test:${dbPrefix}:`,
  AUTH_SECRETS: `new:${newSecret},old:${oldSecret}`,
  LOG_LEVEL: "silent",
});

const { GET: currentUser } = await import("@/app/api/user/route");
const { getServices } = await import("@/server/services/container");
const { getRateLimiter } = await import("./rate-limit");
const { signToken } = await import("./jwt");
const { parseKeyRing } = await import("./keys");
const { recordSigningKeyOnce } = await import("./secret-rotation");

let claims: Parameters<typeof signToken>[0];

beforeAll(async () => {
  const user = await getServices().users.signUp({
    email: "rot@example.com",
    username: "rotor",
    password: "password1",
  });
  const s = getServices().users.toSessionUser(user);
  claims = { sub: s.id, email: s.email, username: s.username, name: s.name, platformAdmin: s.platformAdmin };
});

afterAll(async () => {
  await getServices().db.master().db.dropDatabase();
  await getServices().db.close();
  await getRateLimiter().close();
});

const me = (token: string) =>
  currentUser(new Request("http://localhost/api/user", { headers: { authorization: `Token ${token}` } }));
const kidOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString()).kid;

describe("AUTH_SECRETS rotation through the API", () => {
  it("accepts tokens issued before the rotation and answers with a token under the new kid", async () => {
    const before = await signToken(claims, { keys: parseKeyRing(`old:${oldSecret}`) });
    const res = await me(before);
    expect(res.status).toBe(200);
    expect(kidOf((await res.json()).user.token)).toBe("new");
  });

  it("rejects tokens of a kid that was dropped, or of a known kid with the wrong secret", async () => {
    expect(
      (await me(await signToken(claims, { keys: parseKeyRing(`older:${"x".repeat(40)}`) }))).status,
    ).toBe(401);
    expect((await me(await signToken(claims, { keys: parseKeyRing(`old:${"y".repeat(40)}`) }))).status).toBe(
      401,
    );
  });

  it("records auth.secret_rotation for the new signing kid once", async () => {
    await recordSigningKeyOnce();
    await recordSigningKeyOnce();
    const entries = await getServices()
      .db.master()
      .auditLog.find({ action: "auth.secret_rotation" })
      .toArray();
    expect(entries).toHaveLength(1);
    expect(entries[0]!.details).toEqual({
      signingKid: "new",
      previousKid: null,
      verifyingKids: ["new", "old"],
    });
  });
});
