import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * One server per dbpath, like mongod.lock: a second server on the same files would interleave
 * journals. The lock file holds the owner's pid (first line) and its start time (second line,
 * where the system tells it). A lock is taken over when its process is gone, is a zombie (killed
 * but not yet reaped by its parent — common right after `kill -9`, and for good in containers
 * without an init), or is another process that reused the pid; a live server's lock is refused.
 */
export function lockDbpath(dbpath: string): () => void {
  const file = path.join(dbpath, "mongod.lock");
  const mine = `${process.pid}\n${startTime(process.pid) ?? ""}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, mine, { flag: "wx" });
      return () => {
        // Only our own lock: never remove one a later server took over.
        if (readLock(file) === mine) fs.rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const content = readLock(file);
      if (content === undefined) continue;
      const [pidLine = "", started = ""] = content.split("\n");
      const pid = Number(pidLine);
      if (pid && pid !== process.pid && holds(pid, started)) {
        throw new Error(`dbpath ${dbpath} is in use by another server (pid ${pid})`);
      }
      // Stale: remove it only if it is still the content we judged (another starter may have
      // replaced it meanwhile), then try to create ours again.
      if (readLock(file) === content) fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock dbpath ${dbpath}`);
}

function readLock(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Whether `pid` is a live process and, when the lock recorded one, the same start time. */
function holds(pid: number, started: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else; ESRCH: gone.
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  // Signal 0 also succeeds on a zombie: ask the process table for its state.
  const state = processState(pid);
  if (state === "Z" || state === "X") return false;
  if (started && state !== undefined) {
    const now = startTime(pid);
    if (now !== undefined && now !== started) return false;
  }
  return true;
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function procStat(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** The process state letter (R, S, D, Z, X…), or undefined when it cannot be told. */
function processState(pid: number): string | undefined {
  const stat = procStat(pid);
  if (stat) return stat[0];
  if (process.platform === "linux") return undefined;
  try {
    // No /proc (macOS, BSD): ps prints the state letters, e.g. "Z+".
    const out = execFileSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" }).trim();
    return out ? out[0] : undefined;
  } catch {
    return undefined;
  }
}

/** The process start time in clock ticks since boot (/proc stat field 22), where available. */
function startTime(pid: number): string | undefined {
  return procStat(pid)?.[19];
}
