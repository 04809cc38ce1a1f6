/**
 * `npm run kafka -- --port 9092 --dir .data/kafka [--host 127.0.0.1]`
 * Prints exactly one stdout line `ready <host>:<port>`; logs go to stderr.
 */
import { parseArgs } from "node:util";
import { startKafka } from "./index";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "9092" },
    host: { type: "string", default: "127.0.0.1" },
    "advertised-host": { type: "string" },
    dir: { type: "string", default: ".data/kafka" },
    "num-partitions": { type: "string", default: "1" },
    "no-auto-create-topics": { type: "boolean", default: false },
    "min-session-timeout-ms": { type: "string", default: "6000" },
    "retention-bytes": { type: "string" },
    quiet: { type: "boolean", default: false },
  },
});

function int(
  name: string,
  value: string | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    process.stderr.write(`invalid --${name} ${value}\n`);
    process.exit(2);
  }
  return n;
}

const port = int("port", values.port, 0, 65535)!;
const numPartitions = int("num-partitions", values["num-partitions"], 1);
const minSessionTimeoutMs = int("min-session-timeout-ms", values["min-session-timeout-ms"], 0);
const retentionBytes = int("retention-bytes", values["retention-bytes"], -1);

async function main(): Promise<void> {
  const kafka = await startKafka({
    port,
    host: values.host,
    advertisedHost: values["advertised-host"],
    dir: values.dir,
    quiet: values.quiet,
    numPartitions,
    autoCreateTopics: !values["no-auto-create-topics"],
    minSessionTimeoutMs,
    topicDefaults: retentionBytes === undefined ? undefined : { retentionBytes },
  });
  process.stdout.write(`ready ${kafka.brokers[0]}\n`);

  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      kafka.stop().then(
        () => process.exit(0),
        (err) => {
          process.stderr.write(`stop failed: ${(err as Error).stack}\n`);
          process.exit(1);
        },
      );
    });
  }
}

main().catch((err) => {
  process.stderr.write(`kafka failed to start: ${(err as Error).stack}\n`);
  process.exit(1);
});
