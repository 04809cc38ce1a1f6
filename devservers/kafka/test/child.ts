import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";

const root = path.resolve(import.meta.dirname, "../../..");

export interface ChildConsumer {
  pid: number;
  events: Array<Record<string, unknown>>;
  /** The latest assignment it reported. */
  assignment(): Record<string, number[]> | undefined;
  messages(): Array<{ partition: number; offset: number; value: string | null }>;
  kill(): Promise<void>;
}

/** Starts `consumer-child.ts` in its own process (see there). */
export function spawnConsumer(config: {
  brokers: string[];
  groupId: string;
  topic: string;
  commitBelow?: number;
  sessionTimeout: number;
  heartbeatInterval: number;
}): ChildConsumer {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", path.join(import.meta.dirname, "consumer-child.ts")],
    {
      cwd: root,
      env: { ...process.env, CONSUMER_CHILD: JSON.stringify(config) },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const events: Array<Record<string, unknown>> = [];
  createInterface({ input: child.stdout! }).on("line", (line) => events.push(JSON.parse(line)));
  let stderr = "";
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    pid: child.pid!,
    events,
    assignment() {
      const joins = events.filter((e) => e.event === "join");
      return joins[joins.length - 1]?.assignment as Record<string, number[]> | undefined;
    },
    messages() {
      if (stderr) throw new Error(`consumer child failed: ${stderr}`);
      return events.filter((e) => e.event === "message") as never;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
