import {
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

export interface ObjectStorageConfig {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
}

export interface PresignedUpload {
  /** Where the browser POSTs the form. */
  url: string;
  /** Form fields to send before the file, as signed. */
  fields: Record<string, string>;
}

export interface StoredObject {
  size: number;
  contentType: string | undefined;
  etag: string | undefined;
}

/** Long-lived cache headers for objects whose key changes whenever their bytes do. */
export const IMMUTABLE_CACHE = "public, max-age=31536000, immutable";

// The pinned SDK (3.1178.0) supports Node 20; its start-up notice is about releases after it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/**
 * The app's only door to S3 (or MinIO, or the embedded server): one bucket, keys chosen by the
 * services. Every call goes through `@aws-sdk/client-s3`; the settings for a custom endpoint
 * follow ENVIRONMENT.md (path style, checksums only when an operation requires them).
 */
export class ObjectStorage {
  readonly client: S3Client;
  readonly bucket: string;

  constructor(config: ObjectStorageConfig) {
    this.bucket = config.bucket;
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      ...(config.accessKeyId && config.secretAccessKey
        ? { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } }
        : {}),
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      maxAttempts: 3,
    });
  }

  /**
   * A browser upload the storage itself bounds: exactly this key, this content type, and at most
   * `maxBytes` — a form edited in the browser is refused by S3, not by our goodwill.
   */
  async presignUpload(input: {
    key: string;
    contentType: string;
    maxBytes: number;
    expiresInSeconds?: number;
  }): Promise<PresignedUpload> {
    const { url, fields } = await createPresignedPost(this.client, {
      Bucket: this.bucket,
      Key: input.key,
      Conditions: [
        ["content-length-range", 1, input.maxBytes],
        ["eq", "$Content-Type", input.contentType],
      ],
      Fields: { "Content-Type": input.contentType },
      Expires: input.expiresInSeconds ?? 600,
    });
    return { url, fields };
  }

  /** Null when the object does not exist. */
  async head(key: string): Promise<StoredObject | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: out.ContentLength ?? 0, contentType: out.ContentType, etag: out.ETag };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async getBytes(key: string): Promise<Buffer> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  }

  /** A streamed read for serving; null when missing. `ifNoneMatch` lets S3 answer 304. */
  async open(
    key: string,
    ifNoneMatch?: string,
  ): Promise<
    | { notModified: true; etag: string | undefined }
    | {
        notModified: false;
        body: ReadableStream;
        size: number | undefined;
        contentType: string | undefined;
        etag: string | undefined;
      }
    | null
  > {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, IfNoneMatch: ifNoneMatch }),
      );
      return {
        notModified: false,
        body: out.Body!.transformToWebStream(),
        size: out.ContentLength,
        contentType: out.ContentType,
        etag: out.ETag,
      };
    } catch (error) {
      if (isNotFound(error)) return null;
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 304) {
        return { notModified: true, etag: ifNoneMatch };
      }
      throw error;
    }
  }

  async put(key: string, body: Buffer, contentType: string, cacheControl = IMMUTABLE_CACHE): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        CacheControl: cacheControl,
      }),
    );
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** Every key under a prefix (all pages). */
  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  async deletePrefix(prefix: string): Promise<number> {
    const keys = await this.list(prefix);
    await Promise.all(keys.map((k) => this.delete(k)));
    return keys.length;
  }

  /** Health: the bucket answers to our credentials. */
  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  destroy(): void {
    this.client.destroy();
  }
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === "NotFound" || error.name === "NoSuchKey" || error.$metadata.httpStatusCode === 404)
  );
}
