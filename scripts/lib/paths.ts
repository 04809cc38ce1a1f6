import path from "node:path";

export const repoRoot = path.resolve(import.meta.dirname, "../..");

/** A locally installed CLI (`node_modules/.bin/<name>`), run without npx's extra process. */
export const binary = (name: string) => path.join(repoRoot, "node_modules", ".bin", name);
