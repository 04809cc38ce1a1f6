/**
 * Runs the broker's CLI as a child process, as `npm run kafka` does, so a test or the benchmark
 * can kill it (-9 included) and measure it apart from itself.
 *
 * `unreaped: true` starts it under a shell that then `exec`s into `sleep`: a parent that never
 * waits, so after `kill -9` the broker stays a zombie — the state a crashed server is in until its
 * parent reaps it (or forever, in a container without an init).
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { KAFKA_NODE_FLAGS } from "../node-flags";

const root = path.resolve(import.meta.dirname, "../../..");
const cli = path.join(root, "devservers/kafka/cli.ts");

export interface KafkaProcess {
  brokers: string[];
  /** The broker's own pid. */
  pid: number;
  /** The last lines it wrote to stderr, for failure messages. */
  stderr(): string;
  /** SIGKILL of the broker (it stays a zombie when started `unreaped`). */
  kill9(): void;
  /** Stops it (SIGTERM: a clean stop) and whatever runs around it. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

export async function spawnKafka(
  dir: string,
  opts: { unreaped?: boolean; args?: string[]; port?: number } = {},
): Promise<KafkaProcess> {
  const argv = [
    ...KAFKA_NODE_FLAGS,
    "--import",
    "tsx",
    cli,
    "--port",
    String(opts.port ?? 0),
    "--dir",
    dir,
    "--quiet",
    "--min-session-timeout-ms",
    "1000",
    ...(opts.args ?? []),
  ];
  const child: ChildProcess = opts.unreaped
    ? spawn(
        "sh",
        ["-c", `${[process.execPath, ...argv].map(quote).join(" ")} & echo "pid $!"; exec sleep 3600`],
        {
          cwd: root,
          stdio: ["ignore", "pipe", "pipe"],
        },
      )
    : spawn(process.execPath, argv, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  const errLines: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (line) => {
    errLines.push(line);
    if (errLines.length > 50) errLines.shift();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let pid = opts.unreaped ? 0 : child.pid!;
  const brokers = await new Promise<string[]>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const p = /^pid (\d+)$/.exec(line);
      if (p) pid = Number(p[1]);
      const m = /^ready (\S+)$/.exec(line);
      if (m) resolve([m[1]!]);
    });
    void exited.then(() => reject(new Error(`broker exited before ready:\n${errLines.join("\n")}`)));
  });
  return {
    brokers,
    pid,
    stderr: () => errLines.join("\n"),
    kill9() {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    },
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (opts.unreaped) {
        try {
          process.kill(pid, signal);
        } catch {}
        // wait for the broker to exit (or become a zombie) before ending its waiting parent
        for (let i = 0; i < 200 && isLive(pid); i++) await new Promise((r) => setTimeout(r, 25));
        child.kill("SIGKILL");
      } else if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
      }
      await exited;
    },
  };
}

/** The process state letter from /proc (R, S, Z…), or null when there is no such process. */
export function processState(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0] ?? null;
  } catch {
    return null;
  }
}

function isLive(pid: number): boolean {
  const state = processState(pid);
  return state !== null && state !== "Z";
}
