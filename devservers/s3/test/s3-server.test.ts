import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningS3, startS3 } from "../index";

/**
 * With S3_TEST_ENDPOINT (and S3_TEST_ACCESS_KEY_ID / S3_TEST_SECRET_ACCESS_KEY / S3_TEST_REGION)
 * the same tests run against a real S3-compatible server — the `s3-compat` CI job points them at
 * MinIO — so both agree; the restart and open-CORS tests need the embedded one.
 */
const external = process.env.S3_TEST_ENDPOINT
  ? {
      endpoint: process.env.S3_TEST_ENDPOINT,
      port: Number(new URL(process.env.S3_TEST_ENDPOINT).port),
      region: process.env.S3_TEST_REGION || "us-east-1",
      accessKeyId: process.env.S3_TEST_ACCESS_KEY_ID ?? "",
      secretAccessKey: process.env.S3_TEST_SECRET_ACCESS_KEY ?? "",
      stop: async () => {},
    }
  : null;
const embeddedOnly = external ? it.skip : it;

let s3: RunningS3;
let dataDir: string;
const bucket = external ? `media-test-${Date.now().toString(36)}` : "media-test";

function client(secretAccessKey = s3.secretAccessKey, accessKeyId = s3.accessKeyId): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    credentials: { accessKeyId, secretAccessKey },
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

async function failure(promise: Promise<unknown>): Promise<S3ServiceException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(S3ServiceException);
  return error as S3ServiceException;
}

/** Sends a presigned POST form the way a browser does. */
async function postForm(
  post: { url: string; fields: Record<string, string> },
  file: Buffer,
  extra: Record<string, string> = {},
): Promise<Response> {
  const form = new FormData();
  for (const [k, v] of Object.entries({ ...post.fields, ...extra })) form.append(k, v);
  form.append("file", new Blob([new Uint8Array(file)]), "photo.png");
  return fetch(post.url, { method: "POST", body: form });
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "s3-test-"));
  s3 = external ?? (await startS3({ dataDir, quiet: true }));
  await client().send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(async () => {
  if (external) {
    // Leave nothing behind on a shared server.
    const c = client();
    const listed = await c.send(new ListObjectsV2Command({ Bucket: bucket }));
    for (const o of listed.Contents ?? [])
      await c.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key }));
    await c.send(new DeleteBucketCommand({ Bucket: bucket }));
  }
  await s3.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("embedded S3 server with the AWS SDK", () => {
  it("puts, heads, gets (whole and ranged) and deletes an object with its headers", async () => {
    const c = client();
    const body = Buffer.from("hello, bucket — ünïcode");
    await c.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: "t1/a b/ü.txt",
        Body: body,
        ContentType: "text/plain; charset=utf-8",
        CacheControl: "public, max-age=60",
        Metadata: { owner: "t1" },
      }),
    );
    const head = await c.send(new HeadObjectCommand({ Bucket: bucket, Key: "t1/a b/ü.txt" }));
    expect(head.ContentLength).toBe(body.length);
    expect(head.ContentType).toBe("text/plain; charset=utf-8");
    expect(head.CacheControl).toBe("public, max-age=60");
    expect(head.Metadata).toEqual({ owner: "t1" });
    const got = await c.send(new GetObjectCommand({ Bucket: bucket, Key: "t1/a b/ü.txt" }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    const ranged = await c.send(
      new GetObjectCommand({ Bucket: bucket, Key: "t1/a b/ü.txt", Range: "bytes=0-4" }),
    );
    expect(await ranged.Body!.transformToString()).toBe("hello");
    expect(ranged.ContentRange).toBe(`bytes 0-4/${body.length}`);
    await c.send(new DeleteObjectCommand({ Bucket: bucket, Key: "t1/a b/ü.txt" }));
    const gone = await failure(c.send(new GetObjectCommand({ Bucket: bucket, Key: "t1/a b/ü.txt" })));
    expect(gone.name).toBe("NoSuchKey");
    expect(gone.$metadata.httpStatusCode).toBe(404);
    // Deleting a missing key succeeds, as in S3.
    await c.send(new DeleteObjectCommand({ Bucket: bucket, Key: "t1/never" }));
  });

  it("lists with prefix, delimiter and continuation tokens", async () => {
    const c = client();
    for (const key of ["l/a/1", "l/a/2", "l/b/1", "l/c", "l/d", "other/x"]) {
      await c.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
    }
    const grouped = await c.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "l/", Delimiter: "/" }));
    expect(grouped.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["l/a/", "l/b/"]);
    expect(grouped.Contents?.map((o) => o.Key)).toEqual(["l/c", "l/d"]);
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await c.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: "l/", MaxKeys: 2, ContinuationToken: token }),
      );
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    expect(keys).toEqual(["l/a/1", "l/a/2", "l/b/1", "l/c", "l/d"]);
  });

  it("answers bucket errors with S3's codes", async () => {
    const c = client();
    await c.send(new HeadBucketCommand({ Bucket: bucket }));
    expect(
      (await failure(c.send(new HeadBucketCommand({ Bucket: "nope-bucket" })))).$metadata.httpStatusCode,
    ).toBe(404);
    expect(
      (await failure(c.send(new PutObjectCommand({ Bucket: "nope-bucket", Key: "k", Body: "x" })))).name,
    ).toBe("NoSuchBucket");
    expect((await failure(c.send(new CreateBucketCommand({ Bucket: bucket })))).name).toBe(
      "BucketAlreadyOwnedByYou",
    );
    expect((await failure(c.send(new CreateBucketCommand({ Bucket: "Bad_Name" })))).name).toBe(
      "InvalidBucketName",
    );
  });

  it("refuses a wrong secret, an unknown key id and anonymous requests", async () => {
    const wrong = await failure(
      client("not-the-secret").send(new HeadObjectCommand({ Bucket: bucket, Key: "l/c" })),
    );
    expect(wrong.$metadata.httpStatusCode).toBe(403);
    const put = await failure(
      client("not-the-secret").send(new PutObjectCommand({ Bucket: bucket, Key: "x", Body: "x" })),
    );
    expect(put.name).toBe("SignatureDoesNotMatch");
    const unknown = await failure(
      client(s3.secretAccessKey, "someone-else").send(
        new PutObjectCommand({ Bucket: bucket, Key: "x", Body: "x" }),
      ),
    );
    expect(unknown.name).toBe("InvalidAccessKeyId");
    const anonymous = await fetch(`${s3.endpoint}/${bucket}/l/c`);
    expect(anonymous.status).toBe(403);
    expect(await anonymous.text()).toContain("<Code>AccessDenied</Code>");
  });

  it("checks the signed payload hash", async () => {
    const url = await getSignedUrl(client(), new PutObjectCommand({ Bucket: bucket, Key: "tampered" }), {
      expiresIn: 60,
    });
    // A query-signed PUT carries UNSIGNED-PAYLOAD: any body is accepted, the signature still covers the rest.
    expect((await fetch(url, { method: "PUT", body: "ok" })).status).toBe(200);
    const tampered = await fetch(url.replace("tampered", "other-key"), { method: "PUT", body: "no" });
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
  });

  it("serves presigned GET URLs until they expire", async () => {
    const c = client();
    await c.send(
      new PutObjectCommand({ Bucket: bucket, Key: "signed/one", Body: "secret", ContentType: "text/plain" }),
    );
    const url = await getSignedUrl(c, new GetObjectCommand({ Bucket: bucket, Key: "signed/one" }), {
      expiresIn: 60,
    });
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("secret");
    const expired = await getSignedUrl(c, new GetObjectCommand({ Bucket: bucket, Key: "signed/one" }), {
      expiresIn: 1,
      signingDate: new Date(Date.now() - 60_000),
    });
    const refused = await fetch(expired);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/<Code>AccessDenied<\/Code><Message>Request has expired/);
  });

  it("accepts a presigned POST within its policy and refuses size, type, key and extra fields outside it", async () => {
    const c = client();
    const post = await createPresignedPost(c, {
      Bucket: bucket,
      Key: "tenant-a/upload-1",
      Conditions: [
        ["content-length-range", 1, 1000],
        ["eq", "$Content-Type", "image/png"],
      ],
      Fields: { "Content-Type": "image/png" },
      Expires: 60,
    });
    const ok = await postForm(post, Buffer.alloc(500, 1));
    expect(ok.status).toBe(204);
    const head = await c.send(new HeadObjectCommand({ Bucket: bucket, Key: "tenant-a/upload-1" }));
    expect(head.ContentLength).toBe(500);
    expect(head.ContentType).toBe("image/png");

    const tooLarge = await postForm(post, Buffer.alloc(1001, 1));
    expect(tooLarge.status).toBe(400);
    expect(await tooLarge.text()).toMatch(
      /<Code>EntityTooLarge<\/Code>.*<MaxSizeAllowed>1000<\/MaxSizeAllowed>/,
    );

    const empty = await postForm(post, Buffer.alloc(0));
    expect(await empty.text()).toContain("<Code>EntityTooSmall</Code>");

    const wrongType = await postForm(post, Buffer.alloc(10, 1), { "Content-Type": "text/html" });
    expect(wrongType.status).toBe(403);
    expect(await wrongType.text()).toContain("Policy Condition failed");

    const otherKey = await postForm(post, Buffer.alloc(10, 1), { key: "tenant-b/overwrite" });
    expect(otherKey.status).toBe(403);
    expect(await otherKey.text()).toContain("<Code>AccessDenied</Code>");

    const extra = await postForm(post, Buffer.alloc(10, 1), { "x-amz-meta-evil": "1" });
    expect(await extra.text()).toContain("Extra input fields: x-amz-meta-evil");

    const forged = await postForm(
      { ...post, fields: { ...post.fields, "X-Amz-Signature": "0".repeat(64) } },
      Buffer.alloc(10, 1),
    );
    expect(await forged.text()).toContain("<Code>SignatureDoesNotMatch</Code>");

    const expiredPost = await createPresignedPost(c, { Bucket: bucket, Key: "tenant-a/late", Expires: -10 });
    expect(await (await postForm(expiredPost, Buffer.alloc(10, 1))).text()).toContain("Policy expired");
  });

  embeddedOnly("answers CORS preflights for browser uploads", async () => {
    const res = await fetch(`${s3.endpoint}/${bucket}`, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:3000", "access-control-request-method": "POST" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
  });

  embeddedOnly("keeps objects across a restart", async () => {
    await client().send(new PutObjectCommand({ Bucket: bucket, Key: "durable/one", Body: "kept" }));
    await s3.stop();
    s3 = await startS3({ dataDir, quiet: true });
    const got = await client().send(new GetObjectCommand({ Bucket: bucket, Key: "durable/one" }));
    expect(await got.Body!.transformToString()).toBe("kept");
  });
});
