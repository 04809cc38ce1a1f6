import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Engine } from "./src/engine";
import { listen } from "./src/http/server";
import { buildServer } from "./src/server";

export interface StartSearchOptions {
  /** 0 or absent: a free port. */
  port?: number;
  host?: string;
  /** Absent: a fresh temporary directory, removed on stop. */
  dir?: string;
  quiet?: boolean;
}

export interface RunningSearch {
  /** `http://127.0.0.1:<port>`, what `ELASTICSEARCH_URL` and the client's `node` take. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts the embedded Elasticsearch-compatible server (see README.md). */
export async function startSearch(opts: StartSearchOptions = {}): Promise<RunningSearch> {
  const host = opts.host ?? "127.0.0.1";
  const temp = opts.dir ? undefined : await mkdtemp(path.join(tmpdir(), "conduit-search-"));
  const dir = opts.dir ?? temp!;
  const engine = Engine.open(dir);
  const log = opts.quiet ? undefined : (msg: string) => process.stderr.write(`[search] ${msg}\n`);
  const server = buildServer(engine, log);
  let port: number;
  try {
    port = await listen(server, opts.port ?? 0, host);
  } catch (err) {
    await engine.close();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    stop() {
      stopping ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await engine.close();
        if (temp) await rm(temp, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
