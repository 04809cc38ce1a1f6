import { SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import { signToken, type TokenClaims, verifyToken } from "./jwt";
import { parseKeyRing } from "./keys";

const secretA = "a".repeat(40);
const secretB = "b".repeat(40);
const ringA = parseKeyRing(`k1:${secretA}`);
const claims: TokenClaims = {
  sub: "65f0c0ffee0000000000abcd",
  email: "ada@example.com",
  username: "ada",
  name: "Ada",
  platformAdmin: false,
};

/** A token signed with arbitrary header/payload, to forge what an attacker could send. */
async function forge(
  header: Record<string, unknown>,
  secret: string,
  payload: Record<string, unknown> = {},
  exp = Math.floor(Date.now() / 1000) + 600,
): Promise<string> {
  return new SignJWT({ email: claims.email, username: "ada", name: "Ada", platformAdmin: true, ...payload })
    .setProtectedHeader({ alg: "HS256", ...header })
    .setSubject(claims.sub)
    .setIssuer("conduit")
    .setAudience("conduit")
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));
}

function b64(json: unknown): string {
  return Buffer.from(JSON.stringify(json)).toString("base64url");
}

describe("signToken / verifyToken", () => {
  it("signs HS256 with the first kid and verifies back to the claims", async () => {
    const token = await signToken(claims, { keys: ringA, expiresIn: 60 });
    const header = JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString());
    expect(header).toMatchObject({ alg: "HS256", kid: "k1" });
    const verified = await verifyToken(token, ringA);
    expect(verified).toMatchObject(claims);
    expect(verified!.exp - verified!.iat).toBe(60);
  });

  it("keeps tokens of the old kid valid after a rotation, and new tokens use the new kid", async () => {
    const old = await signToken(claims, { keys: ringA });
    const rotated = parseKeyRing(`k2:${secretB},k1:${secretA}`);
    expect(await verifyToken(old, rotated)).toMatchObject(claims);
    const fresh = await signToken(claims, { keys: rotated });
    expect(JSON.parse(Buffer.from(fresh.split(".")[0]!, "base64url").toString()).kid).toBe("k2");
    expect(await verifyToken(fresh, rotated)).toMatchObject(claims);
    // Once the old kid is dropped, its tokens stop working; the new ones keep working.
    const dropped = parseKeyRing(`k2:${secretB}`);
    expect(await verifyToken(old, dropped)).toBeNull();
    expect(await verifyToken(fresh, dropped)).toMatchObject(claims);
  });

  it("rejects alg none", async () => {
    const unsecured = new UnsecuredJWT({ ...claims, platformAdmin: true })
      .setSubject(claims.sub)
      .setIssuer("conduit")
      .setAudience("conduit")
      .setIssuedAt()
      .setExpirationTime("10m")
      .encode();
    expect(await verifyToken(unsecured, ringA)).toBeNull();
    // The same with a kid header, as an attacker would send it.
    const [, payload] = unsecured.split(".");
    expect(await verifyToken(`${b64({ alg: "none", kid: "k1" })}.${payload}.`, ringA)).toBeNull();
  });

  it("rejects other algorithms even with the right secret and kid", async () => {
    for (const alg of ["HS384", "HS512"]) {
      expect(await verifyToken(await forge({ alg, kid: "k1" }, secretA), ringA)).toBeNull();
    }
    // Sanity: the forger produces accepted tokens when everything is right.
    expect(await verifyToken(await forge({ kid: "k1" }, secretA), ringA)).not.toBeNull();
  });

  it("rejects unknown and missing kids", async () => {
    expect(await verifyToken(await forge({ kid: "nope" }, secretA), ringA)).toBeNull();
    expect(await verifyToken(await forge({}, secretA), ringA)).toBeNull();
  });

  it("rejects a token signed with another secret under a known kid", async () => {
    expect(await verifyToken(await forge({ kid: "k1" }, secretB), ringA)).toBeNull();
  });

  it("rejects expired and not-yet-valid tokens", async () => {
    const expired = await forge({ kid: "k1" }, secretA, {}, Math.floor(Date.now() / 1000) - 5);
    expect(await verifyToken(expired, ringA)).toBeNull();
    const future = await forge({ kid: "k1" }, secretA, { nbf: Math.floor(Date.now() / 1000) + 3600 });
    expect(await verifyToken(future, ringA)).toBeNull();
  });

  it("rejects a tampered payload and a tampered signature", async () => {
    const token = await signToken(claims, { keys: ringA });
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const elevated = b64({
      ...JSON.parse(Buffer.from(payload, "base64url").toString()),
      platformAdmin: true,
    });
    expect(await verifyToken(`${header}.${elevated}.${signature}`, ringA)).toBeNull();
    const flipped = `${signature.slice(0, -2)}${signature.endsWith("AA") ? "BB" : "AA"}`;
    expect(await verifyToken(`${header}.${payload}.${flipped}`, ringA)).toBeNull();
  });

  it("rejects a wrong issuer or audience, and garbage", async () => {
    const otherIssuer = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: "HS256", kid: "k1" })
      .setSubject(claims.sub)
      .setIssuer("someone-else")
      .setAudience("conduit")
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(new TextEncoder().encode(secretA));
    expect(await verifyToken(otherIssuer, ringA)).toBeNull();
    expect(await verifyToken("not.a.jwt", ringA)).toBeNull();
    expect(await verifyToken("", ringA)).toBeNull();
  });
});

describe("parseKeyRing", () => {
  it("uses the first pair to sign, keeps every pair to verify, and refuses short secrets", () => {
    const ring = parseKeyRing(`new:${secretB},old:${secretA}`);
    expect(ring.signing.kid).toBe("new");
    expect([...ring.byKid.keys()]).toEqual(["new", "old"]);
    expect(() => parseKeyRing("k:short")).toThrow(/32 characters/);
    expect(() => parseKeyRing(`k:${secretA},k:${secretB}`)).toThrow(/duplicate/);
  });
});
