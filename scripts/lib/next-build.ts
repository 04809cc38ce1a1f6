import { existsSync } from "node:fs";
import path from "node:path";
import { binary, repoRoot } from "./paths";
import { spawnManaged } from "./processes";

export function nextDistDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(repoRoot, env.NEXT_DIST_DIR || ".next");
}

/** A production build exists in the dist dir (`next build` writes BUILD_ID last). */
export function hasProductionBuild(env: NodeJS.ProcessEnv = process.env): boolean {
  return existsSync(path.join(nextDistDir(env), "BUILD_ID"));
}

export async function nextBuild(env: NodeJS.ProcessEnv): Promise<void> {
  const proc = spawnManaged({ name: "build", command: binary("next"), args: ["build"], cwd: repoRoot, env });
  const code = await proc.exited;
  if (code !== 0) throw new Error(`next build failed (${code})`);
}
