/**
 * `npm run mongo -- --port 27017 --dbpath .data/mongo [--host 127.0.0.1]`
 * Prints exactly one stdout line `ready mongodb://127.0.0.1:<port>`; logs go to stderr.
 */
import { parseArgs } from "node:util";
import { startMongo } from "./index";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "27017" },
    host: { type: "string", default: "127.0.0.1" },
    dbpath: { type: "string", default: ".data/mongo" },
    quiet: { type: "boolean", default: false },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`invalid --port ${values.port}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const mongo = await startMongo({ port, host: values.host, dbpath: values.dbpath, quiet: values.quiet });
  process.stdout.write(`ready ${mongo.uri}\n`);

  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      mongo.stop().then(
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
  process.stderr.write(`mongo failed to start: ${(err as Error).stack}\n`);
  process.exit(1);
});
