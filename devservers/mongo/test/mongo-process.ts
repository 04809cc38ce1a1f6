/**
 * Runs the embedded server's CLI as a child process, as `npm run mongo` does, so a test or the
 * benchmark can kill it (-9 included) and measure it apart from itself.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { MONGO_NODE_FLAGS } from "../node-flags";

const root = path.resolve(import.meta.dirname, "../../..");
const cli = path.join(root, "devservers/mongo/cli.ts");

export interface MongoProcess {
  uri: string;
  pid: number;
  child: ChildProcess;
  /** Resolves when the process has exited, with its exit code or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines the server wrote to stderr, for failure messages. */
  stderr(): string;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function spawnMongo(
  dbpath: string,
  extraArgs: string[] = [],
  nodeFlags: string[] = [],
): Promise<MongoProcess> {
  const child = spawn(
    process.execPath,
    [
      ...MONGO_NODE_FLAGS,
      ...nodeFlags,
      "--import",
      "tsx",
      cli,
      "--port",
      "0",
      "--dbpath",
      dbpath,
      "--quiet",
      ...extraArgs,
    ],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
  const errLines: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (line) => {
    errLines.push(line);
    if (errLines.length > 50) errLines.shift();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const uri = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => {
      const m = /^ready (mongodb:\/\/\S+)$/.exec(line);
      if (m?.[1]) resolve(m[1]);
      else reject(new Error(`unexpected first stdout line from the server: ${line}`));
    });
    void exited.then(({ code, signal }) =>
      reject(
        new Error(`server exited before ready (code ${code}, signal ${signal}):\n${errLines.join("\n")}`),
      ),
    );
  });
  return {
    uri,
    pid: child.pid!,
    child,
    exited,
    stderr: () => errLines.join("\n"),
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
