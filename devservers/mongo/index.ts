import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { WireServer } from "./src/server";
import { StorageEngine } from "./src/storage/engine";
import { startTtlMonitor } from "./src/storage/ttl-monitor";

export interface StartMongoOptions {
  /** 0 or absent: a free port. */
  port?: number;
  host?: string;
  /** Absent: a fresh temporary directory, removed on stop. */
  dbpath?: string;
  quiet?: boolean;
}

export interface RunningMongo {
  uri: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts the embedded MongoDB-wire-protocol server (see README.md). */
export async function startMongo(opts: StartMongoOptions = {}): Promise<RunningMongo> {
  const host = opts.host ?? "127.0.0.1";
  const temp = opts.dbpath ? undefined : await mkdtemp(path.join(tmpdir(), "conduit-mongo-"));
  const dbpath = opts.dbpath ?? temp!;
  const engine = StorageEngine.open(dbpath);
  const log = opts.quiet ? undefined : (msg: string) => process.stderr.write(`[mongo] ${msg}\n`);
  const server = new WireServer({ engine, log });
  let port: number;
  try {
    port = await server.listen(opts.port ?? 0, host);
  } catch (err) {
    await engine.close();
    throw err;
  }
  const stopTtl = startTtlMonitor(engine, log);
  let stopping: Promise<void> | undefined;
  return {
    uri: `mongodb://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    stop() {
      stopping ??= (async () => {
        stopTtl();
        await server.close();
        await engine.close();
        if (temp) await rm(temp, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
