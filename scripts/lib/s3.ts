import path from "node:path";
import { repoRoot } from "./paths";
import { type ManagedProcess, spawnManaged } from "./processes";

/** The local bucket of `npm run dev` and the e2e server. */
export const LOCAL_S3_BUCKET = "conduit-media";

/**
 * Starts the embedded S3-compatible server (`devservers/s3/cli.ts`) as a child with the bucket
 * created, and resolves once it prints its `ready <endpoint>` line.
 */
export async function startEmbeddedS3(options: {
  port: number;
  dataDir: string;
  bucket?: string;
  echo?: boolean;
  env?: NodeJS.ProcessEnv;
}): Promise<{ endpoint: string; bucket: string; proc: ManagedProcess }> {
  const bucket = options.bucket ?? LOCAL_S3_BUCKET;
  const proc = spawnManaged({
    name: "s3",
    command: process.execPath,
    args: [
      "--import",
      "tsx",
      path.join(repoRoot, "devservers/s3/cli.ts"),
      "--port",
      String(options.port),
      "--data-dir",
      options.dataDir,
      "--bucket",
      bucket,
    ],
    cwd: repoRoot,
    env: options.env,
    echo: options.echo,
  });
  const match = await proc.waitForLine(/^ready (http:\/\/\S+)/);
  return { endpoint: match[1]!, bucket, proc };
}

export { DEV_S3_CREDENTIALS } from "../../devservers/s3/index";
