/**
 * `npm run search -- --port 9200 --dir .data/search [--host 127.0.0.1] [--quiet]`
 * Prints exactly one stdout line `ready http://127.0.0.1:<port>`; logs go to stderr.
 */
import { parseArgs } from "node:util";
import { startSearch } from "./index";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "9200" },
    host: { type: "string", default: "127.0.0.1" },
    dir: { type: "string", default: ".data/search" },
    quiet: { type: "boolean", default: false },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`invalid --port ${values.port}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const search = await startSearch({ port, host: values.host, dir: values.dir, quiet: values.quiet });
  process.stdout.write(`ready ${search.url}\n`);
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      search.stop().then(
        () => process.exit(0),
        (err) => {
          process.stderr.write(`stop failed: ${(err as Error).stack}\n`);
          process.exit(1);
        },
      );
    });
  }
}

main().catch((err) => {
  process.stderr.write(`search failed to start: ${(err as Error).stack}\n`);
  process.exit(1);
});
