/**
 * `npm run worker` (also started by `npm run dev`): the background worker on BullMQ — exact
 * publishing of scheduled posts, the sweep and deep pass, fan-out re-drives, hot scores, author
 * refresh, deleted-blog purge. JSON logs on stdout; prints `ready worker <modules>` once it takes
 * jobs. SIGTERM/SIGINT stop it gracefully: running jobs finish, queued ones stay for the next
 * worker; a second signal (or 30 s) exits at once, and a job cut short then runs again elsewhere
 * once its lock (WORKER_LOCK_MS) expires.
 */
import { env } from "../server/env";
import { log as rootLog } from "../server/log";
import { defaultModules } from "./modules";
import { startWorker } from "./runtime";

const log = rootLog.child({ process: "worker" });

async function main(): Promise<void> {
  const worker = await startWorker({ env, log, modules: defaultModules() });
  const names = worker.runtime.services.queues;
  log.info({ id: worker.id, prefix: names.prefix }, "worker ready");
  process.stdout.write(
    `ready worker ${defaultModules()
      .map((m) => m.name)
      .join(",")}\n`,
  );

  let signals = 0;
  const stop = (signal: string) => {
    signals += 1;
    if (signals > 1) {
      log.warn({ signal }, "worker: second signal, exiting now");
      process.exit(1);
    }
    log.info({ signal }, "worker stopping: finishing running jobs");
    const force = setTimeout(() => {
      log.error("worker: jobs did not finish within 30 s, exiting");
      process.exit(1);
    }, 30_000);
    force.unref();
    worker.stop().then(
      () => {
        log.info("worker stopped");
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: String(error) }, "worker stop failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  log.error({ err: error instanceof Error ? error.stack : String(error) }, "worker failed to start");
  process.exit(1);
});
