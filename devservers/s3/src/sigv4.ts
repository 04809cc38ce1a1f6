import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { S3Error } from "./errors";

/**
 * AWS Signature Version 4 as S3 checks it: the `Authorization` header form, the presigned-query
 * form (`X-Amz-Signature` in the URL) and the browser POST form (a signed base64 policy).
 * Only the verification side; clients (the AWS SDK) do the signing.
 */

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export const ALGORITHM = "AWS4-HMAC-SHA256";
export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
/** Header auth older than this (either way) is refused, as S3 does. */
const MAX_SKEW_MS = 15 * 60 * 1000;
/** Presigned URLs live at most seven days. */
const MAX_EXPIRES_S = 604_800;

export const sha256Hex = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();

export function signingKey(secret: string, date: string, region: string, service = "s3"): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
}

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, "%20"));
  } catch {
    return value;
  }
}

/** Query pairs decoded, in the order sent. */
export function parseQuery(rawQuery: string): [string, string][] {
  if (!rawQuery) return [];
  return rawQuery
    .split("&")
    .filter(Boolean)
    .map((part) => {
      const eq = part.indexOf("=");
      return eq < 0
        ? [safeDecode(part), ""]
        : [safeDecode(part.slice(0, eq)), safeDecode(part.slice(eq + 1))];
    });
}

function canonicalQuery(pairs: [string, string][]): string {
  return pairs
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

function canonicalHeaderValue(value: string | string[] | undefined): string {
  const v = Array.isArray(value) ? value.join(",") : (value ?? "");
  return v.trim().replace(/\s+/g, " ");
}

function equalHex(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

interface Scope {
  accessKeyId: string;
  date: string; // YYYYMMDD
  region: string;
  service: string;
}

function parseCredential(credential: string, region: string): Scope {
  const parts = credential.split("/");
  if (parts.length !== 5 || parts[4] !== "aws4_request") {
    throw new S3Error("AuthorizationHeaderMalformed", `The credential is malformed: ${credential}`);
  }
  const [accessKeyId = "", date = "", scopeRegion = "", service = ""] = parts;
  if (service !== "s3") {
    throw new S3Error(
      "AuthorizationHeaderMalformed",
      `The credential names service '${service}', expected 's3'`,
    );
  }
  if (scopeRegion !== region) {
    throw new S3Error(
      "AuthorizationHeaderMalformed",
      `The authorization header is malformed; the region '${scopeRegion}' is wrong; expecting '${region}'`,
    );
  }
  return { accessKeyId, date, region: scopeRegion, service };
}

/** `20261206T223000Z` → Date, or null. */
export function parseAmzDate(value: string | undefined): Date | null {
  const m = value ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value) : null;
  if (!m) return null;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

export interface SignedRequest {
  method: string;
  /** The path exactly as sent (still percent-encoded), without the query. */
  rawPath: string;
  rawQuery: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface VerifiedRequest {
  accessKeyId: string;
  /** What the body must hash to, or null when the payload is unsigned. */
  payloadSha256: string | null;
}

/**
 * Verifies a header- or query-signed request; throws the S3 error S3 would answer with.
 * Anonymous requests are refused (this server has no public buckets).
 */
export function verifyRequest(
  req: SignedRequest,
  opts: { credentials: Credentials[]; region: string; now?: Date },
): VerifiedRequest {
  const now = opts.now ?? new Date();
  const query = parseQuery(req.rawQuery);
  const q = new Map(query.map(([k, v]) => [k.toLowerCase(), v]));
  const authorization = canonicalHeaderValue(req.headers.authorization);

  let scope: Scope;
  let signedHeaders: string[];
  let signature: string;
  let amzDate: string;
  let payloadHash: string;
  let canonicalQ: string;

  if (authorization) {
    const m =
      /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
        authorization,
      );
    if (!m) {
      if (authorization.startsWith("AWS ")) {
        throw new S3Error("InvalidRequest", "Please use AWS4-HMAC-SHA256.");
      }
      throw new S3Error("AuthorizationHeaderMalformed", "The authorization header is malformed");
    }
    scope = parseCredential(m[1]!, opts.region);
    signedHeaders = m[2]!.split(";");
    signature = m[3]!;
    amzDate = canonicalHeaderValue(req.headers["x-amz-date"]);
    const at = parseAmzDate(amzDate);
    if (!at)
      throw new S3Error("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
    if (Math.abs(now.getTime() - at.getTime()) > MAX_SKEW_MS) {
      throw new S3Error(
        "RequestTimeTooSkewed",
        "The difference between the request time and the current time is too large.",
      );
    }
    payloadHash = canonicalHeaderValue(req.headers["x-amz-content-sha256"]);
    if (!payloadHash)
      throw new S3Error("InvalidRequest", "Missing required header for this request: x-amz-content-sha256");
    if (payloadHash.startsWith("STREAMING-")) {
      throw new S3Error("NotImplemented", `Payload signing '${payloadHash}' is not supported by this server`);
    }
    if (payloadHash !== UNSIGNED_PAYLOAD && !/^[0-9a-f]{64}$/.test(payloadHash)) {
      throw new S3Error(
        "InvalidArgument",
        "x-amz-content-sha256 must be UNSIGNED-PAYLOAD or a SHA256 hex digest",
      );
    }
    canonicalQ = canonicalQuery(query);
  } else if (q.has("x-amz-signature")) {
    if (q.get("x-amz-algorithm") !== ALGORITHM) {
      throw new S3Error(
        "AuthorizationQueryParametersError",
        'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"',
      );
    }
    scope = parseCredential(q.get("x-amz-credential") ?? "", opts.region);
    signedHeaders = (q.get("x-amz-signedheaders") ?? "").split(";");
    signature = q.get("x-amz-signature") ?? "";
    amzDate = q.get("x-amz-date") ?? "";
    const at = parseAmzDate(amzDate);
    const expires = Number(q.get("x-amz-expires"));
    if (!at || !Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_S) {
      throw new S3Error(
        "AuthorizationQueryParametersError",
        "X-Amz-Date and X-Amz-Expires must be present; X-Amz-Expires between 1 and 604800 seconds",
      );
    }
    if (now.getTime() > at.getTime() + expires * 1000)
      throw new S3Error("AccessDenied", "Request has expired");
    if (at.getTime() - now.getTime() > MAX_SKEW_MS)
      throw new S3Error("AccessDenied", "Request is not valid yet");
    payloadHash = UNSIGNED_PAYLOAD;
    canonicalQ = canonicalQuery(query.filter(([k]) => k.toLowerCase() !== "x-amz-signature"));
  } else {
    throw new S3Error("AccessDenied", "Access Denied");
  }

  const credential = opts.credentials.find((c) => c.accessKeyId === scope.accessKeyId);
  if (!credential) {
    throw new S3Error(
      "InvalidAccessKeyId",
      "The AWS Access Key Id you provided does not exist in our records.",
    );
  }
  if (!signedHeaders.includes("host")) {
    throw new S3Error("AccessDenied", "The host header must be signed");
  }
  if (amzDate.slice(0, 8) !== scope.date) {
    throw new S3Error("SignatureDoesNotMatch", "The credential date does not match the request date");
  }

  const canonicalHeaders = signedHeaders
    .map((h) => `${h}:${canonicalHeaderValue(req.headers[h])}\n`)
    .join("");
  const canonicalRequest = [
    req.method,
    req.rawPath || "/",
    canonicalQ,
    canonicalHeaders,
    signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
  const stringToSign = [
    ALGORITHM,
    amzDate,
    `${scope.date}/${scope.region}/${scope.service}/aws4_request`,
    sha256Hex(canonicalRequest),
  ].join("\n");
  const expected = hmac(
    signingKey(credential.secretAccessKey, scope.date, scope.region),
    stringToSign,
  ).toString("hex");
  if (!equalHex(expected, signature)) {
    throw new S3Error(
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    );
  }
  return {
    accessKeyId: credential.accessKeyId,
    payloadSha256: payloadHash === UNSIGNED_PAYLOAD ? null : payloadHash,
  };
}

/** Checks a browser POST's `x-amz-signature` over its base64 policy. */
export function verifyPolicySignature(
  fields: Map<string, string>,
  opts: { credentials: Credentials[]; region: string },
): void {
  if ((fields.get("x-amz-algorithm") ?? "") !== ALGORITHM) {
    throw new S3Error("InvalidArgument", "POST requires x-amz-algorithm=AWS4-HMAC-SHA256");
  }
  const scope = parseCredential(fields.get("x-amz-credential") ?? "", opts.region);
  const credential = opts.credentials.find((c) => c.accessKeyId === scope.accessKeyId);
  if (!credential) {
    throw new S3Error(
      "InvalidAccessKeyId",
      "The AWS Access Key Id you provided does not exist in our records.",
    );
  }
  const policy = fields.get("policy") ?? "";
  const expected = hmac(signingKey(credential.secretAccessKey, scope.date, scope.region), policy).toString(
    "hex",
  );
  if (!equalHex(expected, fields.get("x-amz-signature") ?? "")) {
    throw new S3Error(
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    );
  }
}
