import fs from "node:fs";
import path from "node:path";

/**
 * One server per data directory: a second one on the same files would interleave logs. The lock
 * file holds the owner's pid and start time; a lock whose owner no longer runs is taken over —
 * also when the owner was killed and is still an unreaped zombie (`kill -0` succeeds on a zombie),
 * or when its pid now belongs to another process (different start time).
 */
const LOCK = "search.lock";

function procStat(pid: number): { state: string; start: string } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: rest[0] ?? "", start: rest[19] ?? "" };
  } catch {
    return null;
  }
}

function myIdentity(): string {
  return `${process.pid} ${procStat(process.pid)?.start ?? "?"}`;
}

function ownerRuns(content: string): boolean {
  const [pidText, start] = content.trim().split(" ");
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  if (fs.existsSync("/proc/self/stat")) {
    const stat = procStat(pid);
    if (!stat) return false;
    if (stat.state === "Z" || stat.state === "X") return false;
    if (start && start !== "?" && stat.start !== start) return false;
    return true;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function lockDataDir(dir: string): () => void {
  const file = path.join(dir, LOCK);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, myIdentity(), { flag: "wx" });
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      let content = "";
      try {
        content = fs.readFileSync(file, "utf8");
      } catch {
        continue;
      }
      if (ownerRuns(content)) {
        throw new Error(
          `data directory ${dir} is in use by another search server (pid ${content.split(" ")[0]})`,
        );
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock data directory ${dir}`);
}
