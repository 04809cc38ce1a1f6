import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * The checkout's root: the nearest directory above the working directory whose package.json is
 * Conduit's. (Found from the cwd rather than `import.meta`, which Playwright's CommonJS loader
 * rejects; npm scripts and Playwright both run from the root anyway.)
 */
function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === "conduit") return dir;
    if (path.dirname(dir) === dir) throw new Error(`not inside the Conduit checkout: ${start}`);
  }
}

export const repoRoot = findRepoRoot(process.cwd());

/** A locally installed CLI (`node_modules/.bin/<name>`), run without npx's extra process. */
export const binary = (name: string) => path.join(repoRoot, "node_modules", ".bin", name);
