import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { DEMO_USER } from "../scripts/lib/demo-content";
import { binary, repoRoot } from "../scripts/lib/paths";
import { freePort } from "../scripts/lib/ports";
import { spawnManaged } from "../scripts/lib/processes";

/** Every process below `pid` (children, grandchildren, …), from one `ps` snapshot. */
function descendants(pid: number): number[] {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const [child, ppid] of rows) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test("npm start brings up the platform with demo content, and Ctrl-C leaves no process", async ({ page }) => {
  test.setTimeout(240_000);
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(tmpdir(), "conduit-start-"));
  // `npm start` itself is `tsx scripts/dev.ts --production`; the build of this test run is reused.
  const start = spawnManaged({
    name: "start",
    command: binary("tsx"),
    args: [
      "scripts/dev.ts",
      "--production",
      "--port",
      String(port),
      "--mongo-port",
      "0",
      "--data-dir",
      dataDir,
    ],
    cwd: repoRoot,
    env: { ...process.env, ROOT_DOMAIN: "", MONGODB_URI: "", PORT: "" },
    echo: false,
  });
  try {
    await start.waitForLine(/Conduit is running/, 180_000);

    await page.goto(`http://demo.localhost:${port}/`);
    await expect(page.getByRole("banner").getByText("The Conduit Demo")).toBeVisible();

    await page.goto(`http://localhost:${port}/signin`);
    await page.getByLabel("E-mail").fill(DEMO_USER.email);
    await page.getByLabel("Password").fill(DEMO_USER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).not.toHaveURL(/\/signin/);
    await page.goto(`http://localhost:${port}/studio/grace`);
    await expect(page.getByText("Compilers and Other Adventures").first()).toBeVisible();

    // Ctrl-C in a terminal signals the whole foreground process group.
    const family = descendants(start.child.pid!);
    expect(family.length).toBeGreaterThan(2); // mongo, next and their helpers
    process.kill(-start.child.pid!, "SIGINT");
    expect(await start.exited).toBe(130);
    expect(family.filter(alive)).toEqual([]);
  } finally {
    if (start.child.pid && alive(start.child.pid)) process.kill(-start.child.pid, "SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  }
});
