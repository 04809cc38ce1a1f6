import path from "node:path";
import { MONGO_NODE_FLAGS } from "../../devservers/mongo/node-flags";
import { repoRoot } from "./paths";
import { type ManagedProcess, spawnManaged } from "./processes";

/** host:port of a plain `mongodb://` URI; null for `mongodb+srv://` (always remote). */
export function mongoAddress(uri: string): { host: string; port: number } | null {
  if (!uri.startsWith("mongodb://")) return null;
  const hostPart = uri.slice("mongodb://".length).split(/[/?]/)[0] ?? "";
  const first = (hostPart.split("@").pop() ?? "").split(",")[0] ?? "";
  const [host, port] = first.split(":");
  return { host: host || "127.0.0.1", port: Number(port || 27017) };
}

/**
 * Starts the embedded MongoDB-compatible server (`devservers/mongo/cli.ts`) as a child and
 * resolves once it prints its `ready <uri>` line.
 */
export async function startEmbeddedMongo(options: {
  port: number;
  dbpath: string;
  echo?: boolean;
  /** The server's own error lines off (benchmarks). */
  quiet?: boolean;
  env?: NodeJS.ProcessEnv;
}): Promise<{ uri: string; proc: ManagedProcess }> {
  const proc = spawnManaged({
    name: "mongo",
    command: process.execPath,
    args: [
      ...MONGO_NODE_FLAGS,
      "--import",
      "tsx",
      path.join(repoRoot, "devservers/mongo/cli.ts"),
      "--port",
      String(options.port),
      "--dbpath",
      options.dbpath,
      ...(options.quiet ? ["--quiet"] : []),
    ],
    cwd: repoRoot,
    env: options.env,
    echo: options.echo,
  });
  const match = await proc.waitForLine(/^ready (mongodb:\/\/\S+)/);
  return { uri: match[1]!, proc };
}
