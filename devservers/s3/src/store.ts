import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, type ReadStream } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { S3Error } from "./errors";

/** What S3 keeps next to an object's bytes. */
export interface ObjectMeta {
  key: string;
  size: number;
  /** Quoted MD5 hex, as S3 sends it for single-part uploads. */
  etag: string;
  contentType: string;
  cacheControl?: string;
  contentDisposition?: string;
  /** `x-amz-meta-*` without the prefix. */
  metadata: Record<string, string>;
  lastModified: string; // ISO
}

export interface PutOptions {
  contentType?: string;
  cacheControl?: string;
  contentDisposition?: string;
  metadata?: Record<string, string>;
  /** Refuse bodies larger than this many bytes (EntityTooLarge). */
  maxSize: number;
  /** The Content-Length the client announced, if any (IncompleteBody when the body is shorter). */
  declaredLength?: number;
  /** Hex SHA-256 the signed request promised (XAmzContentSHA256Mismatch when it differs). */
  sha256?: string | null;
  /** Base64 MD5 from Content-MD5 (BadDigest when it differs). */
  md5Base64?: string;
}

const BUCKET_NAME = /^(?!\d+\.\d+\.\d+\.\d+$)(?!xn--)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function checkBucketName(name: string): void {
  if (!BUCKET_NAME.test(name) || name.includes("..")) {
    throw new S3Error("InvalidBucketName", "The specified bucket is not valid.", { BucketName: name });
  }
}

/**
 * Buckets are directories under the data dir; each object is `<sha256(key)>.bin` plus a
 * `.json` sidecar holding its key and headers. Bytes land in a temporary file first and are
 * renamed into place (data, then metadata), so a crash never leaves a half-written object
 * visible. The key index of each bucket is kept in memory, loaded from the sidecars at start.
 */
export class ObjectStore {
  private readonly buckets = new Map<string, Map<string, ObjectMeta>>();

  private constructor(private readonly root: string) {}

  static async open(root: string): Promise<ObjectStore> {
    await mkdir(path.join(root, ".tmp"), { recursive: true });
    const store = new ObjectStore(root);
    for (const entry of await readdir(root, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
      const index = new Map<string, ObjectMeta>();
      const dir = path.join(root, entry.name, "objects");
      await mkdir(dir, { recursive: true });
      for (const file of await readdir(dir)) {
        if (!file.endsWith(".json")) continue;
        try {
          const meta = JSON.parse(await readFile(path.join(dir, file), "utf8")) as ObjectMeta;
          index.set(meta.key, meta);
        } catch {
          // A sidecar cut short by a crash: its object was never acknowledged.
        }
      }
      store.buckets.set(entry.name, index);
    }
    // Leftovers of uploads interrupted by a crash.
    await rm(path.join(root, ".tmp"), { recursive: true, force: true });
    await mkdir(path.join(root, ".tmp"), { recursive: true });
    return store;
  }

  private objectPath(bucket: string, key: string, ext: "bin" | "json"): string {
    const name = createHash("sha256").update(key).digest("hex");
    return path.join(this.root, bucket, "objects", `${name}.${ext}`);
  }

  private index(bucket: string): Map<string, ObjectMeta> {
    const index = this.buckets.get(bucket);
    if (!index)
      throw new S3Error("NoSuchBucket", "The specified bucket does not exist", { BucketName: bucket });
    return index;
  }

  hasBucket(bucket: string): boolean {
    return this.buckets.has(bucket);
  }

  listBuckets(): string[] {
    return [...this.buckets.keys()].sort();
  }

  async createBucket(bucket: string): Promise<void> {
    checkBucketName(bucket);
    if (this.buckets.has(bucket)) {
      throw new S3Error(
        "BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own it.",
        {
          BucketName: bucket,
        },
      );
    }
    await mkdir(path.join(this.root, bucket, "objects"), { recursive: true });
    this.buckets.set(bucket, new Map());
  }

  async deleteBucket(bucket: string): Promise<void> {
    const index = this.index(bucket);
    if (index.size) {
      throw new S3Error("BucketNotEmpty", "The bucket you tried to delete is not empty", {
        BucketName: bucket,
      });
    }
    this.buckets.delete(bucket);
    await rm(path.join(this.root, bucket), { recursive: true, force: true });
  }

  head(bucket: string, key: string): ObjectMeta {
    const meta = this.index(bucket).get(key);
    if (!meta) throw new S3Error("NoSuchKey", "The specified key does not exist.", { Key: key });
    return meta;
  }

  read(bucket: string, key: string, range?: { start: number; end: number }): ReadStream {
    this.head(bucket, key);
    return createReadStream(this.objectPath(bucket, key, "bin"), range);
  }

  /** Streams `body` to disk, checking size and digests before the object becomes visible. */
  async put(bucket: string, key: string, body: Readable, opts: PutOptions): Promise<ObjectMeta> {
    const index = this.index(bucket);
    if (Buffer.byteLength(key) > 1024) throw new S3Error("KeyTooLongError", "Your key is too long");
    const tmp = path.join(this.root, ".tmp", randomBytes(12).toString("hex"));
    const md5 = createHash("md5");
    const sha = createHash("sha256");
    let size = 0;
    try {
      await pipeline(
        body,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            size += chunk.length;
            if (size > opts.maxSize) {
              throw new S3Error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", {
                MaxSizeAllowed: opts.maxSize,
              });
            }
            md5.update(chunk);
            sha.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(tmp),
      );
      if (opts.declaredLength !== undefined && size !== opts.declaredLength) {
        throw new S3Error(
          "IncompleteBody",
          "You did not provide the number of bytes specified by the Content-Length HTTP header",
        );
      }
      const md5Digest = md5.digest();
      if (opts.sha256 && sha.digest("hex") !== opts.sha256) {
        throw new S3Error(
          "XAmzContentSHA256Mismatch",
          "The provided 'x-amz-content-sha256' header does not match what was computed.",
        );
      }
      if (opts.md5Base64 !== undefined && md5Digest.toString("base64") !== opts.md5Base64) {
        throw new S3Error("BadDigest", "The Content-MD5 you specified did not match what we received.");
      }
      const meta: ObjectMeta = {
        key,
        size,
        etag: `"${md5Digest.toString("hex")}"`,
        contentType: opts.contentType || "binary/octet-stream",
        ...(opts.cacheControl ? { cacheControl: opts.cacheControl } : {}),
        ...(opts.contentDisposition ? { contentDisposition: opts.contentDisposition } : {}),
        metadata: opts.metadata ?? {},
        lastModified: new Date().toISOString(),
      };
      await rename(tmp, this.objectPath(bucket, key, "bin"));
      const sidecarTmp = `${tmp}.json`;
      await writeFile(sidecarTmp, JSON.stringify(meta));
      await rename(sidecarTmp, this.objectPath(bucket, key, "json"));
      index.set(key, meta);
      return meta;
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  /** Deleting a missing key succeeds, as in S3. */
  async delete(bucket: string, key: string): Promise<void> {
    const index = this.index(bucket);
    if (!index.has(key)) return;
    index.delete(key);
    await rm(this.objectPath(bucket, key, "json"), { force: true });
    await rm(this.objectPath(bucket, key, "bin"), { force: true });
  }

  /** Keys in UTF-8 binary order (as S3 lists them). */
  list(bucket: string): ObjectMeta[] {
    return [...this.index(bucket).values()].sort((a, b) =>
      Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)),
    );
  }

  async diskBytes(bucket: string, key: string): Promise<number> {
    return (await stat(this.objectPath(bucket, key, "bin"))).size;
  }
}
