import { DEV_AUTH_SECRETS, type Env } from "../env";

/** One HS256 key: `kid` goes into the JWT header so a verifier can pick the right secret. */
export interface SigningKey {
  kid: string;
  secret: Uint8Array;
}

/** The first key signs; every key verifies (so rotation logs no one out). */
export interface KeyRing {
  signing: SigningKey;
  byKid: ReadonlyMap<string, SigningKey>;
}

/** Parses `kid:secret[,kid:secret…]`; the secret is everything after the first colon. */
export function parseKeyRing(spec: string): KeyRing {
  const keys = spec
    .split(",")
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair): SigningKey => {
      const at = pair.indexOf(":");
      const kid = at > 0 ? pair.slice(0, at) : "";
      const secret = at > 0 ? pair.slice(at + 1) : "";
      if (!/^[A-Za-z0-9_-]+$/.test(kid) || secret.length < 32) {
        throw new Error("auth secrets: expected kid:secret pairs with secrets of at least 32 characters");
      }
      return { kid, secret: new TextEncoder().encode(secret) };
    });
  const signing = keys[0];
  if (!signing) throw new Error("auth secrets: no key given");
  const byKid = new Map<string, SigningKey>();
  for (const key of keys) {
    if (byKid.has(key.kid)) throw new Error(`auth secrets: duplicate kid ${key.kid}`);
    byKid.set(key.kid, key);
  }
  return { signing, byKid };
}

/** `AUTH_SECRETS`, or the well-known development secret outside production (env.ts enforces it there). */
export function keyRingFromEnv(env: Pick<Env, "AUTH_SECRETS" | "NODE_ENV" | "NEXT_PHASE">): KeyRing {
  // `next build` evaluates route modules to collect page data but never signs or verifies there.
  const building = env.NEXT_PHASE === "phase-production-build";
  if (!env.AUTH_SECRETS && env.NODE_ENV === "production" && !building) {
    throw new Error("AUTH_SECRETS is required");
  }
  return parseKeyRing(env.AUTH_SECRETS ?? DEV_AUTH_SECRETS);
}
