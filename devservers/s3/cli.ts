/**
 * `npm run s3 -- --port 9000 --data-dir .data/s3 [--bucket conduit-media]`
 * Prints exactly one stdout line `ready http://127.0.0.1:<port>`; logs go to stderr.
 * Credentials: S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY when set, else the development pair.
 */
import { parseArgs } from "node:util";
import { intFlag, runServer } from "../cli-run";
import { DEV_S3_CREDENTIALS, startS3 } from "./index";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "9000" },
    host: { type: "string", default: "127.0.0.1" },
    "data-dir": { type: "string", default: ".data/s3" },
    region: { type: "string", default: process.env.S3_REGION || "us-east-1" },
    bucket: { type: "string", multiple: true, default: [] },
    quiet: { type: "boolean", default: false },
  },
});

const port = intFlag("port", values.port, 0, 65535);

runServer("s3", async () => {
  const s3 = await startS3({
    port,
    host: values.host,
    dataDir: values["data-dir"],
    region: values.region,
    accessKeyId: process.env.S3_ACCESS_KEY_ID || DEV_S3_CREDENTIALS.accessKeyId,
    secretAccessKey: process.env.S3_SECRET_ACCESS_KEY || DEV_S3_CREDENTIALS.secretAccessKey,
    buckets: values.bucket,
    quiet: values.quiet,
  });
  return { address: s3.endpoint, stop: () => s3.stop() };
});
