/**
 * The worker's pipeline module alone in a process (result consumer + re-drive), for the crash
 * tests: `node --import tsx server/services/pipeline/worker-child.ts` with the app's environment.
 * The real worker (`npm run worker`) runs the same module next to its others.
 */
import { DatabaseService } from "../../db";
import { env } from "../../env";
import { log } from "../../log";
import { createServices } from "../container";
import { pipelineModule } from "./worker-module";

async function main(): Promise<void> {
  const db = new DatabaseService({ uri: env.MONGODB_URI, prefix: env.MONGODB_DB_PREFIX });
  const services = createServices({ db, log, env });
  const module = pipelineModule();
  await module.start({ env, log, services });
  process.stdout.write("ready pipeline worker\n");
  const stop = () => void module.stop().finally(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  log.error({ err: error instanceof Error ? error.stack : String(error) }, "pipeline worker failed");
  process.exit(1);
});
