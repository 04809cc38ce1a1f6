/**
 * `npm run search -- --port 9200 --dir .data/search [--host 127.0.0.1] [--quiet]`
 * Prints exactly one stdout line `ready http://127.0.0.1:<port>`; logs go to stderr.
 */
import { parseArgs } from "node:util";
import { intFlag, runServer } from "../cli-run";
import { startSearch } from "./index";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "9200" },
    host: { type: "string", default: "127.0.0.1" },
    dir: { type: "string", default: ".data/search" },
    quiet: { type: "boolean", default: false },
  },
});

const port = intFlag("port", values.port, 0, 65535);

runServer("search", async () => {
  const search = await startSearch({ port, host: values.host, dir: values.dir, quiet: values.quiet });
  return { address: search.url, stop: () => search.stop() };
});
