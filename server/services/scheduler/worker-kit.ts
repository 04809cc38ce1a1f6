/**
 * Test fixtures for the worker: the real worker modules in this process, the real worker process
 * (`workers/main.ts`) as a child, and a TCP proxy that slows a child's MongoDB traffic so a test
 * can stop it in the middle of a job. Not imported by the app.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { connect, createServer, type Server, type Socket } from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import { type Env, parseEnv } from "@/server/env";
import { testMongoUri } from "@/test/support/mongo";
import { memoryLogger } from "@/test/support/services";
import { metricsModule } from "@/workers/modules/metrics";
import { schedulerModule } from "@/workers/modules/scheduler";
import { type RunningWorker, startWorker } from "@/workers/runtime";
import { TEST_REDIS_URL } from "../feed/test-kit";

const repoRoot = path.resolve(import.meta.dirname, "../../..");

export function workerEnv(
  t: { prefix: string; redisPrefix: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    MONGODB_URI: testMongoUri(),
    MONGODB_DB_PREFIX: t.prefix,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: t.redisPrefix,
    ROOT_DOMAIN: "localhost:3101",
    NODE_ENV: "test",
    // Exact jobs only: the periodic sweep and deep pass stay out of the way unless a test runs them.
    SCHEDULER_SWEEP_MS: "600000",
    SCHEDULER_DEEP_PASS_MS: "600000",
    WORKER_LOCK_MS: "2000",
    ...extra,
  };
}

/** The worker's modules in this process, on their own connections (a second "process" for races). */
export async function startInProcessWorker(
  t: { prefix: string; redisPrefix: string },
  extra: Record<string, string> = {},
  modules: ("scheduler" | "metrics")[] = ["scheduler"],
): Promise<RunningWorker & { env: Env; logLines: () => Record<string, unknown>[] }> {
  const env = parseEnv(workerEnv(t, extra));
  const { log, lines } = memoryLogger();
  const worker = await startWorker({
    env,
    log,
    modules: modules.map((m) => (m === "scheduler" ? schedulerModule() : metricsModule())),
  });
  return { ...worker, env, logLines: lines };
}

export interface ChildWorker {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | string>;
}

/** `workers/main.ts` as a child process; resolves once it prints `ready worker …`. */
export async function spawnWorkerProcess(env: Record<string, string>): Promise<ChildWorker> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "workers/main.ts")], {
    cwd: repoRoot,
    env: { ...process.env, ...env, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  const ready = new Promise<void>((resolve, reject) => {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on("line", (line) => {
        output.push(line);
        if (line.startsWith("ready worker")) resolve();
      });
    }
    void exited.then((code) =>
      reject(new Error(`worker exited (${code}) before ready:\n${output.join("\n")}`)),
    );
  });
  await ready;
  return { child, output, exited };
}

/**
 * A TCP proxy in front of MongoDB that holds every chunk for `delayMs` in each direction: every
 * round trip of a process behind it takes at least twice that, so a job's steps become slow
 * enough to observe (and to interrupt) one by one.
 */
export async function startSlowProxy(
  target: { host: string; port: number },
  initialDelayMs: number,
): Promise<{ uri: string; setDelay(ms: number): void; close(): Promise<void> }> {
  let delayMs = initialDelayMs;
  const sockets = new Set<Socket>();
  const lastAt = new WeakMap<Socket, number>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    const relay = (from: Socket, to: Socket) =>
      from.on("data", (chunk) => {
        // Chunks keep their order: each waits at least as long as the one before it.
        const at = Math.max(Date.now() + delayMs, (lastAt.get(from) ?? 0) + 0);
        lastAt.set(from, at);
        setTimeout(() => {
          if (!to.destroyed) to.write(chunk);
        }, at - Date.now());
      });
    relay(client, upstream);
    relay(upstream, client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    uri: `mongodb://127.0.0.1:${port}`,
    setDelay: (ms) => {
      delayMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export function mongoTarget(): { host: string; port: number } {
  const url = new URL(testMongoUri().replace(/^mongodb:/, "http:"));
  return { host: url.hostname, port: Number(url.port || 27017) };
}

/** Polls `check` until it returns a value (not null/undefined/false). */
export async function until<T>(check: () => Promise<T | null | undefined | false>, everyMs = 25): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== null && value !== undefined && value !== false) return value;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
