/**
 * Runs the embedded server's CLI as a child process, as `npm run search` does, so a test or the
 * benchmark can kill it (-9 included) and measure it apart from itself.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";

const root = path.resolve(import.meta.dirname, "../../..");
const cli = path.join(root, "devservers/search/cli.ts");

export interface SearchProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function spawnSearch(dir: string, nodeFlags: string[] = []): Promise<SearchProcess> {
  const child = spawn(
    process.execPath,
    [...nodeFlags, "--import", "tsx", cli, "--port", "0", "--dir", dir, "--quiet"],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const errLines: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (line) => {
    errLines.push(line);
    if (errLines.length > 50) errLines.shift();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", (line) => {
      const m = /^ready (http:\/\/\S+)$/.exec(line);
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
    url,
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
