import { execFileSync } from "node:child_process";
import { defineConfig, devices } from "@playwright/test";

/**
 * E2E against a production build (`npm test` runs `next build` first) served by `next start`
 * on a free port, with its own embedded Mongo and database prefix (see e2e/global-setup.ts).
 * Debian's Chromium: Playwright's own browser download is not reachable on these machines.
 */

// Chosen once by the runner; workers inherit the variable, so every process agrees on the URL.
if (!process.env.CONDUIT_E2E_PORT) {
  process.env.CONDUIT_E2E_PORT = execFileSync(process.execPath, [
    "-e",
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
  ]).toString();
}
const port = Number(process.env.CONDUIT_E2E_PORT);

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  outputDir: "test-results",
  globalSetup: "./e2e/global-setup.ts",
  // Two shared cores and one server: tests run one after another.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  use: {
    ...devices["Desktop Chrome"],
    baseURL: `http://localhost:${port}`,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
      ],
    },
  },
});
