import path from "node:path";
import { KAFKA_NODE_FLAGS } from "../../devservers/kafka/node-flags";
import { repoRoot } from "./paths";
import { type ManagedProcess, spawnManaged } from "./processes";

/** The first `host:port` of a KAFKA_BROKERS list. */
export function firstBroker(brokers: string): { host: string; port: number } {
  const [host = "127.0.0.1", port = "9092"] = (brokers.split(",")[0] ?? "").trim().split(":");
  return { host, port: Number(port) };
}

/**
 * Starts the embedded Kafka-protocol broker (`devservers/kafka/cli.ts`) as a child and resolves
 * once it prints its `ready <host:port>` line.
 */
export async function startEmbeddedKafka(options: {
  port: number;
  dir: string;
  echo?: boolean;
  env?: NodeJS.ProcessEnv;
}): Promise<{ brokers: string; proc: ManagedProcess }> {
  const proc = spawnManaged({
    name: "kafka",
    command: process.execPath,
    args: [
      ...KAFKA_NODE_FLAGS,
      "--import",
      "tsx",
      path.join(repoRoot, "devservers/kafka/cli.ts"),
      "--port",
      String(options.port),
      "--dir",
      options.dir,
    ],
    cwd: repoRoot,
    env: options.env,
    echo: options.echo,
  });
  const match = await proc.waitForLine(/^ready (\S+:\d+)$/);
  return { brokers: match[1]!, proc };
}
