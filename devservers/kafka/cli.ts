/**
 * `npm run kafka -- --port 9092 --dir .data/kafka [--host 127.0.0.1]`
 * Prints exactly one stdout line `ready <host>:<port>`; logs go to stderr.
 */
import { parseArgs } from "node:util";
import { intFlag, runServer } from "../cli-run";
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

const port = intFlag("port", values.port, 0, 65535);
const numPartitions = intFlag("num-partitions", values["num-partitions"], 1);
const minSessionTimeoutMs = intFlag("min-session-timeout-ms", values["min-session-timeout-ms"], 0);
const retentionBytes = intFlag("retention-bytes", values["retention-bytes"], -1);

runServer("kafka", async () => {
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
  return { address: kafka.brokers[0] ?? `${values.host}:${port}`, stop: () => kafka.stop() };
});
