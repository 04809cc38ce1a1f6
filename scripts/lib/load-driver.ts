/**
 * Load for the HTTP benchmarks, from a process of its own so the load generator never shares an
 * event loop with what it measures: `runLoad` spawns this file, which runs autocannon over the
 * targets in turn and prints one JSON line with the figures.
 */
import { spawn } from "node:child_process";
import { repoRoot } from "./paths";

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
}

/** One request of the rotation: its path, and a Host (a blog's subdomain) and headers when set. */
export interface LoadTarget {
  path: string;
  host?: string;
  headers?: Record<string, string>;
}

export interface LoadOptions {
  url: string;
  targets: LoadTarget[];
  connections: number;
  seconds: number;
}

export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  return new Promise<LoadResult>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", import.meta.filename, "--driver", JSON.stringify(opts)],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`load driver exited ${code}`));
      resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as LoadResult);
    });
  });
}

async function driver(opts: LoadOptions): Promise<void> {
  const { default: autocannon } = await import("autocannon");
  let i = 0;
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.seconds,
    requests: [
      {
        setupRequest: (req: { path: string; headers: Record<string, string> }) => {
          const t = opts.targets[i++ % opts.targets.length] as LoadTarget;
          req.path = t.path;
          if (t.host || t.headers)
            req.headers = { ...req.headers, ...(t.host ? { host: t.host } : {}), ...t.headers };
          return req;
        },
      },
    ],
  });
  const out: LoadResult = {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (process.argv[1] === import.meta.filename && process.argv.includes("--driver")) {
  driver(JSON.parse(process.argv[process.argv.indexOf("--driver") + 1] ?? "{}") as LoadOptions).catch(
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
