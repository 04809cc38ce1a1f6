import type { Env } from "../../env";
import type { Logger } from "../../log";
import type { Services } from "../container";
import { startPipelineWorker } from "./worker";

/**
 * The pipeline's module of the worker process (`workers/modules`): the result consumer and the
 * re-drive loop. Typed structurally so it fits the worker's `WorkerModule` without importing it.
 * Idle, with one warning, while KAFKA_BROKERS or ELASTICSEARCH_URL is unset.
 */
export function pipelineModule(): {
  name: string;
  start(runtime: { env: Env; log: Logger; services: Services }): Promise<void>;
  stop(): Promise<void>;
} {
  let running: Awaited<ReturnType<typeof startPipelineWorker>> | null = null;
  return {
    name: "pipeline",
    async start({ env, log, services }) {
      const { kafka, index, producer, names } = services.pipeline;
      if (!kafka || !index || !producer) {
        log.warn("pipeline module idle: KAFKA_BROKERS and ELASTICSEARCH_URL must both be set");
        return;
      }
      running = await startPipelineWorker({
        db: services.db,
        kafka,
        index,
        producer,
        names,
        log,
        rootDomain: env.ROOT_DOMAIN,
        protocol: env.PUBLIC_PROTOCOL,
        // Post pages show the related posts stored here: their cached copies go.
        onIndexed: (tenant) => services.readerPurger.purgeTenant(tenant, "pipeline-enriched"),
      });
    },
    async stop() {
      await running?.stop();
      running = null;
    },
  };
}
