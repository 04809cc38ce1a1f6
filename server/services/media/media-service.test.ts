import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantDoc } from "@/server/db";
import { AppError } from "@/server/errors";
import { createTestServices, createUser, type TestServices } from "@/test/support/services";
import { isServableKey, UPLOAD_MAX_BYTES } from "./keys";
import { MediaService } from "./media-service";
import { browserUpload, makePng, startTestStorage } from "./media-test-support";
import type { ObjectStorage } from "./object-storage";

let t: TestServices;
let storage: ObjectStorage;
let stopStorage: () => Promise<void>;
let media: MediaService;
let tenantA: TenantDoc;
let tenantB: TenantDoc;
let ownerId: string;
let png: Buffer;
const publicBase = "http://localhost:3101/media";

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

async function makeTenant(slug: string, userId: string, email: string): Promise<TenantDoc> {
  await t.services.tenants.create(
    { name: slug, slug, theme: "classic" },
    { userId, email, platformAdmin: false, ip: null, requestId: null },
  );
  return (await t.db.master().tenants.findOne({ slug }))!;
}

/** createUpload → browser POST → confirm, as the editor does it. */
async function upload(tenant: TenantDoc, bytes: Buffer, filename = "photo.png") {
  const created = await media.createUpload(tenant, ownerId, {
    filename,
    contentType: "image/png",
    size: bytes.length,
  });
  const res = await browserUpload(created.upload, bytes);
  expect(res.status).toBe(204);
  return { created, item: await media.confirm(tenant, created.mediaId) };
}

beforeAll(async () => {
  t = await createTestServices();
  ({ storage, stop: stopStorage } = await startTestStorage());
  media = new MediaService({ db: t.db, storage, publicBase, log: (await import("@/server/log")).log });
  const owner = await createUser(t.services, "owner");
  ownerId = owner.user._id.toHexString();
  const suffix = Math.random().toString(36).slice(2, 8);
  tenantA = await makeTenant(`media-a-${suffix}`, ownerId, owner.user.email);
  tenantB = await makeTenant(`media-b-${suffix}`, ownerId, owner.user.email);
  png = await makePng(2400, 1200);
});

afterAll(async () => {
  await stopStorage();
  await t.cleanup();
});

describe("MediaService", () => {
  it("keys every upload under its tenant and bounds the presigned form to that key, type and 10 MB", async () => {
    const created = await media.createUpload(tenantA, ownerId, {
      filename: "cover.png",
      contentType: "image/png",
      size: 1000,
    });
    const key = created.upload.fields.key!;
    expect(key).toBe(`${tenantA._id.toHexString()}/${created.mediaId}/original`);
    const policy = JSON.parse(Buffer.from(created.upload.fields.Policy!, "base64").toString()) as {
      conditions: unknown[];
    };
    expect(policy.conditions).toContainEqual(["content-length-range", 1, UPLOAD_MAX_BYTES]);
    expect(policy.conditions).toContainEqual(["eq", "$Content-Type", "image/png"]);
    expect(policy.conditions).toContainEqual({ key });
    const doc = await t.db.forTenant(tenantA).media.findOne({ _id: new ObjectId(created.mediaId) });
    expect(doc).toMatchObject({ status: "pending", key, filename: "cover.png" });
  });

  it("confirms an upload: sniffs the bytes and writes the responsive WebP variants once, with immutable caching", async () => {
    const { created, item } = await upload(tenantA, png, "wide photo.png");
    expect(item).toMatchObject({
      width: 2400,
      height: 1200,
      contentType: "image/png",
      filename: "wide photo.png",
    });
    const base = `${tenantA._id.toHexString()}/${created.mediaId}`;
    expect(item.url).toBe(`${publicBase}/${base}/w1280.webp`);
    expect(item.srcset.split(", ").map((s) => s.split(" ")[1])).toEqual([
      "320w",
      "640w",
      "960w",
      "1280w",
      "1920w",
    ]);
    const keys = (await storage.list(`${base}/`)).sort();
    expect(keys).toEqual([
      `${base}/original`,
      ...[1280, 1920, 320, 640, 960].map((w) => `${base}/w${w}.webp`),
    ]);
    for (const key of keys.filter((k) => k.endsWith(".webp"))) expect(isServableKey(key)).toBe(true);
    expect(isServableKey(`${base}/original`)).toBe(false);
    const head = await storage.client.send(
      new (await import("@aws-sdk/client-s3")).HeadObjectCommand({
        Bucket: storage.bucket,
        Key: `${base}/w640.webp`,
      }),
    );
    expect(head.CacheControl).toBe("public, max-age=31536000, immutable");
    expect(head.ContentType).toBe("image/webp");
    // A second confirm is a no-op answer, not a second resize.
    const doc = await t.db.forTenant(tenantA).media.findOne({ _id: new ObjectId(created.mediaId) });
    const again = await media.confirm(tenantA, created.mediaId);
    expect(again.srcset).toBe(item.srcset);
    const after = await t.db.forTenant(tenantA).media.findOne({ _id: new ObjectId(created.mediaId) });
    expect(after?.readyAt).toEqual(doc?.readyAt);
  });

  it("makes no variant wider than the original", async () => {
    const { item } = await upload(tenantA, await makePng(700, 300));
    expect(item.srcset.split(", ").map((s) => s.split(" ")[1])).toEqual(["320w", "640w", "700w"]);
    expect(item.url).toMatch(/w700\.webp$/);
  });

  it("refuses types other than images and sizes over 10 MB before signing anything", async () => {
    for (const contentType of ["image/svg+xml", "text/html", "application/pdf"]) {
      const error = await rejection(
        media.createUpload(tenantA, ownerId, { filename: "x", contentType, size: 10 } as never),
      );
      expect(error.code).toBe("BAD_REQUEST");
      expect(error.message).toMatch(/JPEG, PNG, WebP, GIF or AVIF/);
    }
    const big = await rejection(
      media.createUpload(tenantA, ownerId, {
        filename: "x.png",
        contentType: "image/png",
        size: UPLOAD_MAX_BYTES + 1,
      }),
    );
    expect(big.message).toBe("Images can be at most 10 MB.");
  });

  it("lets storage refuse a body over the signed limit, whatever size the browser announced", async () => {
    const created = await media.createUpload(tenantA, ownerId, {
      filename: "x.png",
      contentType: "image/png",
      size: 100,
    });
    const res = await browserUpload(created.upload, Buffer.alloc(UPLOAD_MAX_BYTES + 1, 7));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("<Code>EntityTooLarge</Code>");
    const wrongType = await browserUpload(created.upload, png, { "Content-Type": "text/html" });
    expect(wrongType.status).toBe(403);
  });

  it("refuses bytes that are not an image even when the browser said image/png, and deletes them", async () => {
    const html = Buffer.from("<html><script>alert(1)</script></html>");
    const created = await media.createUpload(tenantA, ownerId, {
      filename: "evil.png",
      contentType: "image/png",
      size: html.length,
    });
    expect((await browserUpload(created.upload, html)).status).toBe(204);
    const error = await rejection(media.confirm(tenantA, created.mediaId));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(/isn't an image/);
    expect(await storage.head(created.upload.fields.key!)).toBeNull();
    expect(await t.db.forTenant(tenantA).media.countDocuments({ _id: new ObjectId(created.mediaId) })).toBe(
      0,
    );
  });

  it("answers a confirm before the upload arrived without making anything", async () => {
    const created = await media.createUpload(tenantA, ownerId, {
      filename: "x.png",
      contentType: "image/png",
      size: 10,
    });
    const error = await rejection(media.confirm(tenantA, created.mediaId));
    expect(error.code).toBe("UNPROCESSABLE");
  });

  it("never lets one tenant confirm, read, list, overwrite or delete another tenant's image", async () => {
    const { created, item } = await upload(tenantA, await makePng(400, 400), "a-private.png");
    // One at a time: a call started early would reject before anything awaits it.
    for (const call of [
      () => media.confirm(tenantB, created.mediaId),
      () => media.get(tenantB, created.mediaId),
      () => media.setAlt(tenantB, created.mediaId, "mine now"),
      () => media.setLogo(tenantB, created.mediaId),
      () => media.delete(tenantB, created.mediaId, { userId: ownerId, role: "owner" }),
    ]) {
      expect((await rejection(call())).code).toBe("NOT_FOUND");
    }
    expect((await media.list(tenantB)).items.map((i) => i.id)).not.toContain(item.id);
    expect((await media.list(tenantA)).items.map((i) => i.id)).toContain(item.id);
    // B's own presigned form cannot be pointed at A's key: storage refuses the changed key.
    const b = await media.createUpload(tenantB, ownerId, {
      filename: "b.png",
      contentType: "image/png",
      size: 10,
    });
    expect(b.upload.fields.key!.startsWith(`${tenantB._id.toHexString()}/`)).toBe(true);
    const overwrite = await browserUpload(b.upload, png, {
      key: `${tenantA._id.toHexString()}/${created.mediaId}/w320.webp`,
    });
    expect(overwrite.status).toBe(403);
    expect(await storage.head(`${tenantA._id.toHexString()}/${created.mediaId}/w320.webp`)).not.toBeNull();
    // A record claiming a key outside its tenant is not trusted.
    const forged = new ObjectId();
    await t.db.forTenant(tenantB).media.insertOne({
      _id: forged,
      key: `${tenantA._id.toHexString()}/${created.mediaId}/original`,
      filename: "forged.png",
      contentType: "image/png",
      size: 1,
      uploaderId: new ObjectId(ownerId),
      status: "pending",
      createdAt: new Date(),
    });
    expect((await rejection(media.confirm(tenantB, forged.toHexString()))).code).toBe("FORBIDDEN");
  });

  it("counts usage in posts and the logo, and deletes only unused images (objects included)", async () => {
    const { created, item } = await upload(tenantA, await makePng(500, 300), "used.png");
    const base = `${tenantA._id.toHexString()}/${created.mediaId}`;
    const posts = t.db.forTenant(tenantA).posts;
    const postId = new ObjectId();
    await posts.insertOne({
      _id: postId,
      title: "With image",
      slug: `with-image-${postId.toHexString()}`,
      content: { type: "doc", content: [{ type: "image", attrs: { src: item.url } }] },
      html: `<img src="${item.url}">`,
      excerpt: "",
      tags: [],
      status: "draft",
      publishAt: null,
      publishedAt: null,
      authorIds: [new ObjectId(ownerId)],
      version: 1,
      syncedVersion: 0,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    await media.setLogo(tenantA, created.mediaId);
    expect((await media.logo(tenantA)).logoUrl).toBe(`${publicBase}/${base}/w500.webp`);
    expect((await media.list(tenantA, { query: "USED" })).items).toEqual([
      expect.objectContaining({ id: item.id, usage: 2 }),
    ]);
    const inUse = await rejection(media.delete(tenantA, created.mediaId, { userId: ownerId, role: "owner" }));
    expect(inUse.code).toBe("CONFLICT");
    expect(inUse.message).toMatch(/in use \(2 places\)/);

    await posts.updateOne({ _id: postId }, { $set: { deletedAt: new Date() } });
    await media.setLogo(tenantA, null);
    const author = await createUser(t.services, "author");
    const notTheirs = await rejection(
      media.delete(tenantA, created.mediaId, { userId: author.user._id.toHexString(), role: "author" }),
    );
    expect(notTheirs.code).toBe("FORBIDDEN");
    await media.delete(tenantA, created.mediaId, { userId: ownerId, role: "editor" });
    expect(await storage.list(`${base}/`)).toEqual([]);
    expect((await rejection(media.get(tenantA, created.mediaId))).code).toBe("NOT_FOUND");
  });

  it("searches the library by file name", async () => {
    await upload(tenantB, await makePng(320, 200), "Harbour at dawn.png");
    await upload(tenantB, await makePng(320, 200), "team.png");
    const found = await media.list(tenantB, { query: "harbour" });
    expect(found.items.map((i) => i.filename)).toEqual(["Harbour at dawn.png"]);
    expect((await media.list(tenantB, { query: "(" })).items).toEqual([]);
  });

  it("says uploads are not set up when no storage is configured", async () => {
    const off = new MediaService({
      db: t.db,
      storage: null,
      publicBase,
      log: (await import("@/server/log")).log,
    });
    const error = await rejection(
      off.createUpload(tenantA, ownerId, { filename: "x.png", contentType: "image/png", size: 1 }),
    );
    expect(error.code).toBe("UNAVAILABLE");
  });
});
