import { describe, expect, it } from "vitest";
import { spawnManaged, stopManaged } from "./processes";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("managed child processes", () => {
  it("waits for a ready line and stops the whole process group, grandchildren included", async () => {
    // The child starts a grandchild that ignores SIGTERM, then announces both pids.
    const script = `
      const { spawn } = require("node:child_process");
      const g = spawn(process.execPath, ["-e", "process.on('SIGTERM',()=>{}); setInterval(()=>{}, 1000)"], { stdio: "ignore" });
      console.log("ready " + process.pid + " " + g.pid);
      setInterval(() => {}, 1000);
    `;
    const proc = spawnManaged({
      name: "probe",
      command: process.execPath,
      args: ["-e", script],
      echo: false,
    });
    const match = await proc.waitForLine(/^ready (\d+) (\d+)$/);
    const [child, grandchild] = [Number(match[1]), Number(match[2])];
    expect(alive(child) && alive(grandchild)).toBe(true);

    await stopManaged(proc, 500);
    expect(alive(child)).toBe(false);
    expect(alive(grandchild)).toBe(false);
    expect(await proc.exited).toBe("SIGTERM");
  });

  it("rejects the wait with the child's output when it exits before getting ready", async () => {
    const proc = spawnManaged({
      name: "broken",
      command: process.execPath,
      args: ["-e", "console.error('cannot bind'); process.exit(3)"],
      echo: false,
    });
    await expect(proc.waitForLine(/^ready/)).rejects.toThrow(/broken exited \(3\)[\s\S]*cannot bind/);
  });
});
