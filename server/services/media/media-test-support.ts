import sharp from "sharp";
import { type RunningS3, startS3 } from "@/devservers/s3/index";
import type { PresignedUpload } from "./object-storage";
import { ObjectStorage } from "./object-storage";

/** An embedded S3 with one bucket, in-process, and the app's client for it (tests only). */
export async function startTestStorage(): Promise<{
  s3: RunningS3;
  storage: ObjectStorage;
  stop: () => Promise<void>;
}> {
  const s3 = await startS3({ quiet: true, buckets: ["media-test"] });
  const storage = new ObjectStorage({
    endpoint: s3.endpoint,
    bucket: "media-test",
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
  });
  return {
    s3,
    storage,
    stop: async () => {
      storage.destroy();
      await s3.stop();
    },
  };
}

/** A real PNG of the given size (a gradient, so it compresses like a photo would not). */
export async function makePng(width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i += 3) {
    const p = i / 3;
    raw[i] = (p % width) % 256;
    raw[i + 1] = Math.floor(p / width) % 256;
    raw[i + 2] = (p * 7) % 256;
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** What a browser does with a presigned POST: the signed fields, then the file. */
export async function browserUpload(
  upload: PresignedUpload,
  bytes: Buffer,
  overrides: Record<string, string> = {},
): Promise<Response> {
  const form = new FormData();
  for (const [k, v] of Object.entries({ ...upload.fields, ...overrides })) form.append(k, v);
  form.append("file", new Blob([new Uint8Array(bytes)]), "upload");
  return fetch(upload.url, { method: "POST", body: form });
}
