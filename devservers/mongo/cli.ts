/**
 * `npm run mongo -- --port 27017 --dbpath .data/mongo [--host 127.0.0.1]`
 * Prints exactly one stdout line `ready mongodb://127.0.0.1:<port>`; logs go to stderr.
 */
import { parseArgs } from "node:util";
import { intFlag, runServer } from "../cli-run";
import { startMongo } from "./index";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "27017" },
    host: { type: "string", default: "127.0.0.1" },
    dbpath: { type: "string", default: ".data/mongo" },
    quiet: { type: "boolean", default: false },
  },
});

const port = intFlag("port", values.port, 0, 65535);

runServer("mongo", async () => {
  const mongo = await startMongo({ port, host: values.host, dbpath: values.dbpath, quiet: values.quiet });
  return { address: mongo.uri, stop: () => mongo.stop() };
});
