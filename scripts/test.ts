/**
 * `npm test`: every check the project has, in order, with one closing line
 * `N passed, N failed` summed over all of them (CI reads that line).
 * Lint, typecheck and build count as one check each; Vitest and Playwright
 * contribute their own test counts from their JSON reporters.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { randomAuthSecrets } from "./lib/auth-secret";

const root = path.resolve(import.meta.dirname, "..");
const out = path.join(root, ".data", "test-results");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

let passed = 0;
let failed = 0;
const summary: string[] = [];

function run(label: string, cmd: string, args: string[], env: Record<string, string> = {}): boolean {
  console.log(`\n=== ${label}: ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  return r.status === 0;
}

function check(label: string, cmd: string, args: string[], env: Record<string, string> = {}): boolean {
  const ok = run(label, cmd, args, env);
  if (ok) passed++;
  else failed++;
  summary.push(`${label}: ${ok ? "ok" : "FAILED"}`);
  return ok;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

const only = process.argv.slice(2); // e.g. `npm test -- unit e2e`
const want = (stage: string) => only.length === 0 || only.includes(stage);

if (want("lint")) check("lint", "npx", ["biome", "check", "."]);
if (want("typecheck")) check("typecheck", "npx", ["tsc", "--noEmit", "-p", "tsconfig.json"]);

if (want("unit")) {
  const file = path.join(out, "vitest.json");
  const ok = run("vitest", "npx", [
    "vitest",
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${file}`,
  ]);
  const r = readJson(file) as { numPassedTests?: number; numFailedTests?: number } | undefined;
  const p = r?.numPassedTests ?? 0;
  let f = r?.numFailedTests ?? 0;
  if (!ok && f === 0) f = 1; // the run itself failed (a suite crashed, or no report)
  passed += p;
  failed += f;
  summary.push(`vitest: ${p} passed, ${f} failed`);
}

let built = true;
// Production mode insists on AUTH_SECRETS, also while pages are collected at build time; a
// throwaway one keeps the build self-contained (the e2e server gets its own at start).
if (want("build") || want("e2e")) {
  built = check("next build", "npx", ["next", "build"], {
    AUTH_SECRETS: process.env.AUTH_SECRETS || randomAuthSecrets(),
    NEXT_TELEMETRY_DISABLED: "1",
  });
}

if (want("e2e")) {
  if (!existsSync(path.join(root, "playwright.config.ts"))) {
    summary.push("e2e: no playwright.config.ts");
  } else if (!built) {
    failed++;
    summary.push("e2e: skipped because the build failed");
  } else {
    const file = path.join(out, "playwright.json");
    const ok = run("playwright", "npx", ["playwright", "test", "--reporter=list,json"], {
      PLAYWRIGHT_JSON_OUTPUT_NAME: file,
    });
    const r = readJson(file) as
      | { stats?: { expected?: number; unexpected?: number; flaky?: number } }
      | undefined;
    const p = (r?.stats?.expected ?? 0) + (r?.stats?.flaky ?? 0);
    let f = r?.stats?.unexpected ?? 0;
    if (!ok && f === 0) f = 1;
    passed += p;
    failed += f;
    summary.push(`playwright: ${p} passed, ${f} failed`);
  }
}

console.log(`\n${summary.join("\n")}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
