import fs from "node:fs";
import path from "node:path";

/**
 * One broker per data directory (as Kafka's `.lock`): two brokers on the same logs would interleave
 * appends. The lock file names the owner's pid and its start time. A lock whose process is gone,
 * is a zombie (killed, not yet reaped by its parent — the usual state right after `kill -9` in a
 * container without an init), or is a different process that reused the pid, is taken over at
 * once; a live broker's directory is refused.
 */
export function lockDataDir(dir: string): () => void {
  const file = path.join(dir, ".lock");
  const me = `${process.pid} ${processStartTime(process.pid) ?? ""}`.trim();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, me, { flag: "wx" });
      return () => {
        try {
          if (fs.readFileSync(file, "utf8") === me) fs.rmSync(file, { force: true });
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      let owner = "";
      try {
        owner = fs.readFileSync(file, "utf8").trim();
      } catch {
        continue; // removed meanwhile: try again
      }
      const [pidText, startText] = owner.split(" ");
      const pid = Number(pidText);
      if (pid && pid !== process.pid && ownerAlive(pid, startText)) {
        throw new Error(`data directory ${dir} is in use by another broker (pid ${pid})`);
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock data directory ${dir}`);
}

function ownerAlive(pid: number, startTime: string | undefined): boolean {
  const stat = readStat(pid);
  if (stat === undefined) return signalAlive(pid); // no /proc (not Linux): signal 0 is all we have
  if (stat === null) return false; // no such process
  if (stat.state === "Z" || stat.state === "X") return false; // dead, waiting to be reaped
  return !startTime || stat.startTime === startTime; // else the pid was reused by someone else
}

function processStartTime(pid: number): string | undefined {
  const stat = readStat(pid);
  return stat ? stat.startTime : undefined;
}

/** `/proc/<pid>/stat`: undefined when /proc is unavailable, null when the process does not exist. */
function readStat(pid: number): { state: string; startTime: string } | null | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" && fs.existsSync("/proc/self/stat")) return null;
    return undefined;
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state); starttime is field 22.
  return { state: fields[0] ?? "", startTime: fields[19] ?? "" };
}

function signalAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
