import { errors, type JWTPayload, jwtVerify, SignJWT } from "jose";
import { env } from "../env";
import { type KeyRing, keyRingFromEnv } from "./keys";

/** What a Conduit token asserts about its bearer. */
export interface TokenClaims {
  sub: string; // users._id as hex
  email: string;
  username: string;
  name: string;
  platformAdmin: boolean;
}

export type VerifiedClaims = TokenClaims & { iat: number; exp: number };

const ALG = "HS256";
const ISSUER = "conduit";
const AUDIENCE = "conduit";
/** Session cookie and API tokens share one lifetime; a secret may be dropped this long after rotation. */
export const TOKEN_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

let defaultRing: KeyRing | undefined;
/** The process's key ring, from the validated environment (parsed once). */
export function keyRing(): KeyRing {
  defaultRing ??= keyRingFromEnv(env);
  return defaultRing;
}

export interface SignOptions {
  /** Lifetime in seconds. */
  expiresIn?: number;
  keys?: KeyRing;
}

export async function signToken(claims: TokenClaims, options: SignOptions = {}): Promise<string> {
  const { signing } = options.keys ?? keyRing();
  const { sub, email, username, name, platformAdmin } = claims;
  return new SignJWT({ email, username, name, platformAdmin })
    .setProtectedHeader({ alg: ALG, kid: signing.kid, typ: "JWT" })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresIn ?? TOKEN_MAX_AGE_SECONDS))
    .sign(signing.secret);
}

function toClaims(payload: JWTPayload): VerifiedClaims | null {
  const { sub, email, username, name, platformAdmin, iat, exp } = payload;
  if (
    typeof sub !== "string" ||
    typeof email !== "string" ||
    typeof username !== "string" ||
    typeof name !== "string" ||
    typeof platformAdmin !== "boolean" ||
    typeof iat !== "number" ||
    typeof exp !== "number"
  ) {
    return null;
  }
  return { sub, email, username, name, platformAdmin, iat, exp };
}

/**
 * The token's claims, or null for anything not signed by us with HS256 under a known kid and
 * still valid: `alg: none`, other algorithms, missing/unknown kid, expired, not yet valid,
 * tampered, wrong issuer/audience, or malformed.
 */
export async function verifyToken(token: string, keys: KeyRing = keyRing()): Promise<VerifiedClaims | null> {
  // The same token arrives with every request of a session (an autosave every few seconds): its
  // verified claims are kept a minute per key ring, re-checked for expiry on every use.
  let verified = verifiedTokens.get(keys);
  const now = Date.now() / 1000;
  const hit = verified?.get(token);
  if (hit && hit.until > now && hit.claims.exp > now) return hit.claims;
  const claims = await verifySignedToken(token, keys);
  if (claims) {
    if (!verified) {
      verified = new Map();
      verifiedTokens.set(keys, verified);
    }
    if (verified.size >= VERIFIED_TOKENS_MAX) verified.clear();
    verified.set(token, { claims, until: now + VERIFIED_TOKEN_SECONDS });
  }
  return claims;
}

const VERIFIED_TOKEN_SECONDS = 60;
const VERIFIED_TOKENS_MAX = 5_000;
const verifiedTokens = new WeakMap<KeyRing, Map<string, { claims: VerifiedClaims; until: number }>>();

async function verifySignedToken(token: string, keys: KeyRing): Promise<VerifiedClaims | null> {
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        // Checked before the key is chosen so no other algorithm ever reaches a verifier.
        if (header.alg !== ALG) throw new errors.JOSEAlgNotAllowed("algorithm not allowed");
        const key = typeof header.kid === "string" ? keys.byKid.get(header.kid) : undefined;
        if (!key) throw new errors.JWKSNoMatchingKey("unknown key id");
        return key.secret;
      },
      { algorithms: [ALG], issuer: ISSUER, audience: AUDIENCE, requiredClaims: ["exp", "iat", "sub"] },
    );
    return toClaims(payload);
  } catch {
    return null;
  }
}
