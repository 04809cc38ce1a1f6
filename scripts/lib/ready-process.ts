/**
 * Child processes of the benchmarks: started in their own process group, awaited until a line of
 * their output says they are ready, stopped as a group (SIGTERM, then SIGKILL after a grace).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { repoRoot } from "./paths";

/** Starts `command args`; `match` resolves with the first output line matching `ready`. */
export function spawnReady(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): { child: ChildProcess; match: Promise<RegExpMatchArray> } {
  const child = spawn(command, args, {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  // The last lines, for the error when it never gets ready.
  const lines: string[] = [];
  const match = new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} not ready in 180 s\n${lines.join("\n")}`)),
      180_000,
    );
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on("line", (line) => {
        lines.push(line);
        if (lines.length > 50) lines.shift();
        const m = ready.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        }
      });
    }
    child.once("exit", (code) => reject(new Error(`${name} exited (${code})\n${lines.join("\n")}`)));
  });
  return { child, match };
}

/** Stops the child's whole process group; SIGKILL when it is still there after `graceMs`. */
export async function stopGroup(child: ChildProcess | undefined, graceMs = 8_000): Promise<void> {
  if (!child || child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((r) => child.once("exit", r));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {}
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * The embedded Mongo server as a child process (its GC flags, a free port, `dbpath`), added to
 * `children` so the caller's cleanup stops it; resolves once it is ready.
 */
export async function spawnBenchMongo(
  dbpath: string,
  children: ChildProcess[],
): Promise<{ uri: string; child: ChildProcess }> {
  const { MONGO_NODE_FLAGS } = await import("../../devservers/mongo/node-flags");
  const mongo = spawnReady(
    "mongo",
    process.execPath,
    [
      ...MONGO_NODE_FLAGS,
      "--import",
      "tsx",
      "devservers/mongo/cli.ts",
      "--port",
      "0",
      "--dbpath",
      dbpath,
      "--quiet",
    ],
    process.env,
    /^ready (mongodb:\/\/\S+)/,
  );
  children.push(mongo.child);
  return { uri: (await mongo.match)[1] ?? "", child: mongo.child };
}
