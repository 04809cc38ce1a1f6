import { S3Error } from "./errors";

/** One browser POST upload, parsed: fields by lower-cased name, and the file part. */
export interface PostForm {
  fields: Map<string, string>;
  /** Field names as sent, in order (for the "extra input fields" check). */
  names: string[];
  file: { filename: string; data: Buffer; contentType?: string } | null;
}

/**
 * Parses `multipart/form-data`. S3 reads fields until the `file` part and ignores everything
 * after it, so this does too. The whole body is in memory: the server caps it before calling.
 */
export function parseMultipart(body: Buffer, contentType: string): PostForm {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary)
    throw new S3Error(
      "MalformedPOSTRequest",
      "The body of your POST request is not well-formed multipart/form-data.",
    );
  const delimiter = Buffer.from(`--${boundary}`);
  const fields = new Map<string, string>();
  const names: string[] = [];
  let file: PostForm["file"] = null;

  let pos = body.indexOf(delimiter);
  if (pos < 0)
    throw new S3Error(
      "MalformedPOSTRequest",
      "The body of your POST request is not well-formed multipart/form-data.",
    );
  while (true) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === "--") break; // closing delimiter
    pos += 2; // CRLF after the delimiter
    const headerEnd = body.indexOf("\r\n\r\n", pos);
    if (headerEnd < 0)
      throw new S3Error("MalformedPOSTRequest", "A part of your POST request has no headers.");
    const headers = body.subarray(pos, headerEnd).toString("utf8").split("\r\n");
    const next = body.indexOf(Buffer.concat([Buffer.from("\r\n"), delimiter]), headerEnd + 4);
    if (next < 0) throw new S3Error("IncompleteBody", "The POST body ended before its closing boundary.");
    const data = body.subarray(headerEnd + 4, next);
    const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? "";
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined)
      throw new S3Error("MalformedPOSTRequest", "A part of your POST request has no field name.");
    if (name.toLowerCase() === "file") {
      const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1] ?? "";
      const partType = headers
        .find((h) => /^content-type:/i.test(h))
        ?.split(":")[1]
        ?.trim();
      file = { filename, data: Buffer.from(data), ...(partType ? { contentType: partType } : {}) };
      break;
    }
    names.push(name);
    fields.set(name.toLowerCase(), data.toString("utf8"));
    pos = next + 2;
  }
  return { fields, names, file };
}

type Condition = Record<string, string> | [string, ...unknown[]];

interface Policy {
  expiration: string;
  conditions: Condition[];
}

/** Fields every POST carries that the policy does not have to name. */
const EXEMPT = new Set(["policy", "x-amz-signature", "file"]);

function policyFailed(condition: unknown): S3Error {
  return new S3Error(
    "AccessDenied",
    `Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`,
  );
}

/**
 * Applies a signed POST policy as S3 does: not expired, every condition met (exact, `eq`,
 * `starts-with`, `content-length-range`), and no form field the policy doesn't mention.
 */
export function checkPolicy(form: PostForm, bucket: string, size: number, now = new Date()): void {
  let policy: Policy;
  try {
    policy = JSON.parse(Buffer.from(form.fields.get("policy") ?? "", "base64").toString("utf8")) as Policy;
  } catch {
    throw new S3Error("InvalidPolicyDocument", "Invalid Policy: Invalid JSON.");
  }
  if (!policy || typeof policy.expiration !== "string" || !Array.isArray(policy.conditions)) {
    throw new S3Error("InvalidArgument", "Invalid Policy: the policy needs an expiration and conditions.");
  }
  const expires = Date.parse(policy.expiration);
  if (!Number.isFinite(expires) || expires < now.getTime()) {
    throw new S3Error("AccessDenied", "Invalid according to Policy: Policy expired.");
  }

  const fieldValue = (name: string): string | undefined =>
    name === "bucket" ? bucket : form.fields.get(name);
  const covered = new Set<string>(["bucket"]);
  for (const condition of policy.conditions) {
    if (Array.isArray(condition)) {
      const [op, ...args] = condition;
      const operator = String(op).toLowerCase();
      if (operator === "content-length-range") {
        const [min, max] = args.map(Number);
        if (!Number.isFinite(min) || !Number.isFinite(max)) throw policyFailed(condition);
        if (size > max!) {
          throw new S3Error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", {
            ProposedSize: size,
            MaxSizeAllowed: max!,
          });
        }
        if (size < min!) {
          throw new S3Error(
            "EntityTooSmall",
            "Your proposed upload is smaller than the minimum allowed size",
            {
              ProposedSize: size,
              MinSizeAllowed: min!,
            },
          );
        }
        continue;
      }
      const [field, expected] = args as [string, string];
      if (typeof field !== "string" || !field.startsWith("$")) throw policyFailed(condition);
      const name = field.slice(1).toLowerCase();
      covered.add(name);
      const actual = fieldValue(name) ?? "";
      if (operator === "eq") {
        if (actual !== expected) throw policyFailed(condition);
      } else if (operator === "starts-with") {
        // For Content-Type a comma-separated list must match item by item.
        const values = name === "content-type" ? actual.split(",").map((v) => v.trim()) : [actual];
        if (!values.every((v) => v.startsWith(String(expected)))) throw policyFailed(condition);
      } else {
        throw policyFailed(condition);
      }
    } else if (condition && typeof condition === "object") {
      for (const [key, expected] of Object.entries(condition)) {
        const name = key.toLowerCase();
        covered.add(name);
        if (fieldValue(name) !== expected) throw policyFailed({ [key]: expected });
      }
    } else {
      throw policyFailed(condition);
    }
  }
  const extra = form.names.filter((n) => {
    const name = n.toLowerCase();
    return !EXEMPT.has(name) && !name.startsWith("x-ignore-") && !covered.has(name);
  });
  if (extra.length) {
    throw new S3Error("AccessDenied", `Invalid according to Policy: Extra input fields: ${extra.join(", ")}`);
  }
}
