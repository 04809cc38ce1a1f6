import fs from "node:fs";
import path from "node:path";

/**
 * One server per dbpath, like mongod.lock: a second server on the same files would interleave
 * journals. A lock left by a killed process (its pid no longer runs) is taken over.
 */
export function lockDbpath(dbpath: string): () => void {
  const file = path.join(dbpath, "mongod.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number(fs.readFileSync(file, "utf8"));
      if (pid && pid !== process.pid && isRunning(pid)) {
        throw new Error(`dbpath ${dbpath} is in use by another server (pid ${pid})`);
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock dbpath ${dbpath}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
