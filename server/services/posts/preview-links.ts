import { errors, jwtVerify, SignJWT } from "jose";
import type { KeyRing } from "../../auth/keys";

/**
 * Shareable draft previews: an HS256 token (the app's key ring, its own audience so it can never
 * pass as a session) naming the tenant, the post and the post's current `previewKey`. It expires
 * on its own, and the writer revokes every link at once by replacing the key on the post.
 */
const AUDIENCE = "conduit:post-preview";
export const PREVIEW_LINK_DAYS = 7;

export interface PreviewClaims {
  tenantId: string;
  postId: string;
  key: string;
  exp: number;
}

export async function signPreviewToken(
  claims: Omit<PreviewClaims, "exp">,
  keys: KeyRing,
  expiresAt: Date,
): Promise<string> {
  return new SignJWT({ tid: claims.tenantId, pid: claims.postId, key: claims.key })
    .setProtectedHeader({ alg: "HS256", kid: keys.signing.kid, typ: "JWT" })
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(keys.signing.secret);
}

/** The claims of a valid, unexpired preview token, or null for anything else. */
export async function verifyPreviewToken(
  token: string,
  keys: KeyRing,
  now: Date = new Date(),
): Promise<PreviewClaims | null> {
  if (token.length > 2_000) return null;
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        if (header.alg !== "HS256") throw new errors.JOSEAlgNotAllowed("algorithm not allowed");
        const key = typeof header.kid === "string" ? keys.byKid.get(header.kid) : undefined;
        if (!key) throw new errors.JWKSNoMatchingKey("unknown key id");
        return key.secret;
      },
      { algorithms: ["HS256"], audience: AUDIENCE, requiredClaims: ["exp"], currentDate: now },
    );
    const { tid, pid, key, exp } = payload;
    if (
      typeof tid !== "string" ||
      typeof pid !== "string" ||
      typeof key !== "string" ||
      typeof exp !== "number"
    ) {
      return null;
    }
    return { tenantId: tid, postId: pid, key, exp };
  } catch {
    return null;
  }
}
