import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { S3Server } from "./src/server";
import { ObjectStore } from "./src/store";

export interface StartS3Options {
  /** 0 or absent: a free port. */
  port?: number;
  host?: string;
  /** Absent: a fresh temporary directory, removed on stop. */
  dataDir?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Buckets created at start when missing. */
  buckets?: string[];
  quiet?: boolean;
}

export interface RunningS3 {
  endpoint: string;
  port: number;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

/** The development credentials; anything else is refused with InvalidAccessKeyId. */
export const DEV_S3_CREDENTIALS = { accessKeyId: "conduit-dev", secretAccessKey: "conduit-dev-secret-key" };

/** Starts the embedded S3-compatible server (see README.md). */
export async function startS3(opts: StartS3Options = {}): Promise<RunningS3> {
  const host = opts.host ?? "127.0.0.1";
  const temp = opts.dataDir ? undefined : await mkdtemp(path.join(tmpdir(), "conduit-s3-"));
  const dataDir = opts.dataDir ?? temp!;
  const region = opts.region ?? "us-east-1";
  const accessKeyId = opts.accessKeyId ?? DEV_S3_CREDENTIALS.accessKeyId;
  const secretAccessKey = opts.secretAccessKey ?? DEV_S3_CREDENTIALS.secretAccessKey;
  const store = await ObjectStore.open(dataDir);
  for (const bucket of opts.buckets ?? []) if (!store.hasBucket(bucket)) await store.createBucket(bucket);
  const log = opts.quiet ? undefined : (line: string) => process.stderr.write(`[s3] ${line}\n`);
  const server = new S3Server({ store, credentials: [{ accessKeyId, secretAccessKey }], region, log });
  const port = await server.listen(opts.port ?? 0, host);
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    region,
    accessKeyId,
    secretAccessKey,
    stop() {
      stopping ??= (async () => {
        await server.close();
        if (temp) await rm(temp, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
