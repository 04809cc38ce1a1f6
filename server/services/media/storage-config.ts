import type { Env } from "../../env";
import { ObjectStorage } from "./object-storage";

/** The S3 client of the app, or null when no endpoint is configured (uploads then answer "not set up"). */
export function createObjectStorage(env: Env): ObjectStorage | null {
  if (!env.S3_ENDPOINT) return null;
  return new ObjectStorage({
    endpoint: env.S3_ENDPOINT,
    bucket: env.S3_BUCKET,
    region: env.S3_REGION,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    forcePathStyle: env.S3_FORCE_PATH_STYLE === "true",
  });
}

/** Where browsers load images from: `S3_PUBLIC_URL`, else the app's own `/media` route. */
export function mediaPublicBase(env: Env): string {
  return env.S3_PUBLIC_URL ?? `${env.PUBLIC_PROTOCOL}://${env.ROOT_DOMAIN}/media`;
}
