/**
 * The benchmarks' child processes, on top of `processes.ts`: output kept quiet (only the last
 * lines, for the error when a child never gets ready), each in its own process group, stopped
 * with `stopGroup` from there.
 */
import type { ChildProcess } from "node:child_process";
import { startEmbeddedMongo } from "./mongo";
import { repoRoot } from "./paths";
import { spawnManaged } from "./processes";

/** Starts `command args`; `match` resolves with the first output line matching `ready`. */
export function spawnReady(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): { child: ChildProcess; match: Promise<RegExpMatchArray> } {
  const proc = spawnManaged({ name, command, args, env, cwd: repoRoot, echo: false });
  return { child: proc.child, match: proc.waitForLine(ready, 180_000) };
}

/**
 * The embedded Mongo server as a child process on a free port, added to `children` so the
 * caller's cleanup stops it; resolves once it is ready.
 */
export async function spawnBenchMongo(
  dbpath: string,
  children: ChildProcess[],
): Promise<{ uri: string; child: ChildProcess }> {
  const { uri, proc } = await startEmbeddedMongo({ port: 0, dbpath, echo: false, quiet: true });
  children.push(proc.child);
  return { uri, child: proc.child };
}
