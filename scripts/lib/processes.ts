/**
 * Child processes for the one-command start and the e2e setup: each child runs in its own
 * process group (so stopping it stops everything it spawned), its output is line-prefixed with
 * its name, and we can wait for the line that says it is ready.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** Resolves with the first output line matching `pattern`; rejects if the process exits first. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Print the child's output (prefixed). Off keeps only the last lines for error messages. */
  echo?: boolean;
}

const colors = [36, 35, 33, 32, 34, 31];
let nextColor = 0;

export function spawnManaged(options: SpawnOptions): ManagedProcess {
  const { name, command, args, echo = true } = options;
  const color = colors[nextColor++ % colors.length];
  const tag = process.stdout.isTTY ? `\x1b[${color}m[${name}]\x1b[0m` : `[${name}]`;
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    // Own process group: a terminal Ctrl-C reaches only us, and we stop children in order.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });

  const watchers = new Set<(line: string) => void>();
  const recent: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on("line", (line) => {
      recent.push(line);
      if (recent.length > 40) recent.shift();
      // Some children (the mongo CLI) already tag their own lines.
      if (echo) process.stdout.write(line.startsWith(`[${name}]`) ? `${line}\n` : `${tag} ${line}\n`);
      for (const watch of watchers) watch(line);
    });
  }

  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
    child.once("error", (error) => {
      recent.push(String(error));
      resolve("spawn-error");
    });
  });

  function waitForLine(pattern: RegExp, timeoutMs = 120_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const done = () => {
        watchers.delete(watch);
        clearTimeout(timer);
      };
      const watch = (line: string) => {
        const match = line.match(pattern);
        if (match) {
          done();
          resolve(match);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(`${name}: no line matching ${pattern} within ${timeoutMs} ms\n${recent.join("\n")}`),
        );
      }, timeoutMs);
      watchers.add(watch);
      void exited.then((code) => {
        done();
        reject(new Error(`${name} exited (${code}) before printing ${pattern}\n${recent.join("\n")}`));
      });
    });
  }

  return { name, child, exited, waitForLine };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

function groupAlive(child: ChildProcess): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops a child and everything in its process group: SIGTERM, then SIGKILL after `graceMs`.
 * Resolves once no process of the group is left.
 */
export function stopManaged(proc: ManagedProcess, graceMs = 5_000): Promise<void> {
  return stopGroup(proc.child, graceMs);
}

/** `stopManaged` for a child spawned in its own process group by other means. */
export async function stopGroup(child: ChildProcess | undefined, graceMs = 5_000): Promise<void> {
  if (!child) return;
  signalGroup(child, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (groupAlive(child) && Date.now() < deadline) await sleep(100);
  if (groupAlive(child)) {
    signalGroup(child, "SIGKILL");
    while (groupAlive(child)) await sleep(50);
  }
}

/** Last resort on our own exit: synchronously kill whatever is still running. */
export function killNow(procs: Iterable<ManagedProcess>): void {
  for (const proc of procs) signalGroup(proc.child, "SIGKILL");
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
