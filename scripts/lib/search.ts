import path from "node:path";
import { repoRoot } from "./paths";
import { type ManagedProcess, spawnManaged } from "./processes";

/** Whether an Elasticsearch (or the embedded server) answers `GET /` on 127.0.0.1:<port>. */
export async function searchAnswers(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_500) });
    await res.body?.cancel();
    return res.headers.get("x-elastic-product") === "Elasticsearch";
  } catch {
    return false;
  }
}

/**
 * Starts the embedded Elasticsearch-compatible server (`devservers/search/cli.ts`) as a child and
 * resolves once it prints its `ready <url>` line.
 */
export async function startEmbeddedSearch(options: {
  port: number;
  dir: string;
  echo?: boolean;
  env?: NodeJS.ProcessEnv;
}): Promise<{ url: string; proc: ManagedProcess }> {
  const proc = spawnManaged({
    name: "search",
    command: process.execPath,
    args: [
      "--import",
      "tsx",
      path.join(repoRoot, "devservers/search/cli.ts"),
      "--port",
      String(options.port),
      "--dir",
      options.dir,
    ],
    cwd: repoRoot,
    env: options.env,
    echo: options.echo,
  });
  const match = await proc.waitForLine(/^ready (http:\/\/\S+)$/);
  return { url: match[1]!, proc };
}
