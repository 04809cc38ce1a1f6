import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { build, transform } from "esbuild";
import type { ReaderAssets } from "@/components/reader/html/types";

export interface Asset {
  body: Buffer;
  contentType: string;
}

export interface BuiltAssets {
  urls: ReaderAssets;
  byPath: Map<string, Asset>;
}

const hash = (b: Buffer | string) => createHash("sha256").update(b).digest("hex").slice(0, 12);

/**
 * The reader sites' script and stylesheet, built once at start (esbuild: bundled, minified) and
 * served from memory under content-hashed names, so browsers cache them for a year.
 */
export async function buildReaderAssets(repoRoot: string): Promise<BuiltAssets> {
  const [js, cssSource] = await Promise.all([
    build({
      entryPoints: [path.join(repoRoot, "components/reader/client/reader.ts")],
      bundle: true,
      minify: true,
      format: "iife",
      target: "es2019",
      write: false,
      logLevel: "silent",
    }),
    readFile(path.join(repoRoot, "components/reader/styles/reader.css"), "utf8"),
  ]);
  const css = await transform(cssSource, { loader: "css", minify: true });
  const jsBody = Buffer.from(js.outputFiles[0]?.text ?? "");
  const cssBody = Buffer.from(css.code);
  const jsPath = `/assets/reader-${hash(jsBody)}.js`;
  const cssPath = `/assets/reader-${hash(cssBody)}.css`;
  return {
    urls: { js: jsPath, css: cssPath },
    byPath: new Map([
      [jsPath, { body: jsBody, contentType: "text/javascript; charset=utf-8" }],
      [cssPath, { body: cssBody, contentType: "text/css; charset=utf-8" }],
    ]),
  };
}
