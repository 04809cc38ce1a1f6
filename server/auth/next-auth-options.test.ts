import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

// server/env.ts reads the environment once, at import: configure it before loading auth code.
const dbPrefix = `t${randomBytes(6).toString("hex")}`;
Object.assign(process.env, {
  MONGODB_URI: inject("mongoUri"),
  MONGODB_DB_PREFIX: dbPrefix,
  REDIS_PREFIX: `test:${dbPrefix}:`,
  AUTH_SECRETS: `na1:${"n".repeat(40)}`,
  ROOT_DOMAIN: "blogs.example.test:3102",
  LOG_LEVEL: "silent",
});

const { buildAuthOptions, sessionJwt } = await import("./next-auth-options");
const { verifyToken, signToken } = await import("./jwt");
const { getServices } = await import("@/server/services/container");
const { getRateLimiter } = await import("./rate-limit");

type Authorize = (
  credentials: Record<string, string> | undefined,
  req: { headers: Record<string, string> },
) => Promise<unknown>;

function credentialsAuthorize(): Authorize {
  const provider = buildAuthOptions().providers[0] as unknown as {
    id: string;
    options: { authorize: Authorize };
  };
  expect(provider.id).toBe("credentials");
  return provider.options.authorize;
}

beforeAll(async () => {
  await getServices().users.ensureIndexes();
  await getServices().users.signUp({
    email: "nina@example.com",
    username: "nina",
    password: "password1",
    name: "Nina",
  });
});

afterAll(async () => {
  await getServices().db.master().db.dropDatabase();
  await getServices().db.close();
  await getRateLimiter().close();
});

describe("next-auth session token", () => {
  const token = {
    sub: "65f0c0ffee0000000000abcd",
    email: "nina@example.com",
    username: "nina",
    name: "Nina",
    platformAdmin: false,
  };

  it("encodes the session as our HS256 kid token and decodes it back", async () => {
    const jwt = await sessionJwt.encode({ token, secret: "ignored", maxAge: 120 });
    expect(JSON.parse(Buffer.from(jwt.split(".")[0]!, "base64url").toString())).toMatchObject({
      alg: "HS256",
      kid: "na1",
    });
    // The cookie is exactly an API token: verifyToken accepts it.
    expect(await verifyToken(jwt)).toMatchObject(token);
    const decoded = await sessionJwt.decode({ token: jwt, secret: "ignored" });
    expect(decoded).toMatchObject(token);
    expect((decoded!.exp as number) - (decoded!.iat as number)).toBe(120);
    // And an API token works as a session cookie.
    expect(await sessionJwt.decode({ token: await signToken(token), secret: "ignored" })).toMatchObject(
      token,
    );
  });

  it("decodes forged or missing tokens to null, and refuses to encode a token without a user", async () => {
    expect(await sessionJwt.decode({ token: "a.b.c", secret: "ignored" })).toBeNull();
    expect(await sessionJwt.decode({ token: undefined, secret: "ignored" })).toBeNull();
    await expect(sessionJwt.encode({ token: { value: "x" }, secret: "s" })).rejects.toThrow(/without a user/);
  });

  it("keeps next-auth's own encryption for salted OAuth check cookies", async () => {
    const secret = "s".repeat(40);
    const sealed = await sessionJwt.encode({
      token: { value: "pkce", provider: "github" },
      secret,
      salt: "next-auth.pkce.code_verifier",
    });
    expect(sealed.split(".")).toHaveLength(5); // a JWE, not our JWS
    expect(
      await sessionJwt.decode({ token: sealed, secret, salt: "next-auth.pkce.code_verifier" }),
    ).toMatchObject({ value: "pkce" });
  });
});

describe("next-auth options", () => {
  it("scopes the session cookie to the root domain (without port), httpOnly, SameSite=Lax", () => {
    const options = buildAuthOptions();
    expect(options.session?.strategy).toBe("jwt");
    expect(options.pages?.signIn).toBe("/signin");
    expect(options.cookies?.sessionToken).toEqual({
      name: "next-auth.session-token",
      options: { httpOnly: true, sameSite: "lax", path: "/", secure: false, domain: "blogs.example.test" },
    });
    // GitHub only appears when configured.
    expect(options.providers.map((p) => p.id)).toEqual(["credentials"]);
  });

  it("authorizes e-mail + password through UsersService and puts the user on the token and session", async () => {
    const authorize = credentialsAuthorize();
    const headers = { "x-forwarded-for": "198.51.100.1" };
    expect(
      await authorize({ email: "nina@example.com", password: "wrong-password" }, { headers }),
    ).toBeNull();
    expect(await authorize({ email: "", password: "" }, { headers })).toBeNull();
    const user = await authorize({ email: " NINA@example.com", password: "password1" }, { headers });
    expect(user).toMatchObject({
      email: "nina@example.com",
      username: "nina",
      name: "Nina",
      platformAdmin: false,
    });

    const { callbacks } = buildAuthOptions();
    const token = await callbacks!.jwt!({ token: {}, user: user as never, account: null } as never);
    expect(token).toEqual({
      sub: (user as { id: string }).id,
      email: "nina@example.com",
      username: "nina",
      name: "Nina",
      platformAdmin: false,
    });
    const session = await callbacks!.session!({ session: { expires: "x", user: {} }, token } as never);
    expect(session.user).toEqual({
      id: token.sub,
      email: "nina@example.com",
      username: "nina",
      name: "Nina",
      platformAdmin: false,
    });
  });

  it("throttles credential sign-ins per ip + e-mail with a readable error", async () => {
    const authorize = credentialsAuthorize();
    const headers = { "x-forwarded-for": "198.51.100.77" };
    for (let i = 0; i < 10; i++) {
      expect(
        await authorize({ email: "nina@example.com", password: `wrong-${i}-pw` }, { headers }),
      ).toBeNull();
    }
    await expect(
      authorize({ email: "nina@example.com", password: "password1" }, { headers }),
    ).rejects.toThrow(/Too many attempts/);
  });
});
