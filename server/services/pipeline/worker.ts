import type { Kafka } from "kafkajs";
import type { DatabaseService } from "../../db";
import type { Logger } from "../../log";
import type { PostIndex } from "../search/post-index";
import type { PipelineNames } from "./names";
import { startResultConsumer } from "./result-consumer";
import type { TaskProducer } from "./task-producer";

/** How often the worker looks for posts whose ingestion task or tombstone is behind. */
export const REDRIVE_EVERY_MS = 5_000;

/**
 * The pipeline's part of the worker process (`npm run worker`): the result consumer (results topic
 * → tenant post + search index + related posts) and the re-drive loop of the task producer.
 */
export async function startPipelineWorker(deps: {
  db: DatabaseService;
  kafka: Kafka;
  index: PostIndex;
  producer: TaskProducer;
  names: PipelineNames;
  log: Logger;
  rootDomain: string;
  protocol: string;
  redriveEveryMs?: number;
  onIndexed?: (tenant: import("../../db").TenantDoc) => Promise<void> | void;
}): Promise<{ stop(): Promise<void>; redriveNow(): Promise<void> }> {
  const log = deps.log.child({ component: "pipeline" });
  const consumer = await startResultConsumer({ ...deps, log });

  let running: Promise<void> | null = null;
  const redriveNow = () => {
    running ??= deps.producer
      .redrive()
      .then(({ driven, tenantsRemoved }) => {
        if (driven || tenantsRemoved)
          log.info({ driven, tenantsRemoved }, "pipeline re-drive sent what was behind");
      })
      .catch((error: unknown) =>
        log.warn({ err: String(error) }, "pipeline re-drive failed; next round retries"),
      )
      .finally(() => {
        running = null;
      });
    return running;
  };
  void redriveNow();
  const timer = setInterval(() => void redriveNow(), deps.redriveEveryMs ?? REDRIVE_EVERY_MS);
  timer.unref();

  return {
    redriveNow,
    async stop() {
      clearInterval(timer);
      await running;
      await consumer.stop();
      await deps.producer.close();
    },
  };
}
