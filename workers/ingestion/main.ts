/**
 * `npm run ingestion`: the ingestion service as its own process (the seed's "external ingestion
 * service"). Reads KAFKA_BROKERS and PIPELINE_NAMESPACE through server/env; prints one
 * `ready <brokers>` line once it consumes; SIGINT/SIGTERM stop it cleanly (offsets of finished
 * batches are committed; an unfinished batch is redelivered to the next member).
 */
import { env } from "../../server/env";
import { log as rootLog } from "../../server/log";
import { createKafka } from "../../server/services/pipeline/kafka";
import { pipelineNames } from "../../server/services/pipeline/names";
import { startIngestionService } from "./service";

const log = rootLog.child({ service: "ingestion" });

async function main(): Promise<void> {
  if (!env.KAFKA_BROKERS) {
    // Stay up, idle: a supervisor (npm run dev) treats an exit as a crash of the whole stack.
    log.warn("KAFKA_BROKERS is not set: the ingestion service idles until it is configured and restarted");
    process.stdout.write("ready ingestion idle (no KAFKA_BROKERS)\n");
    const idle = setInterval(() => {}, 1 << 30);
    const quit = () => {
      clearInterval(idle);
      process.exit(0);
    };
    process.on("SIGINT", quit);
    process.on("SIGTERM", quit);
    return;
  }
  const names = pipelineNames(env.PIPELINE_NAMESPACE);
  const kafka = createKafka({ brokers: env.KAFKA_BROKERS, clientId: "conduit-ingestion", log });
  const started = performance.now();
  const service = await startIngestionService({ kafka, names, log });
  log.info(
    { topic: names.tasksTopic, group: names.ingestionGroup, ms: Math.round(performance.now() - started) },
    "ingestion service consuming",
  );
  process.stdout.write(`ready ${env.KAFKA_BROKERS}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, ...service.stats }, "ingestion service stopping");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await service.stop().catch(() => {});
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  service.consumer.on(service.consumer.events.CRASH, (event) => {
    // kafkajs restarts the consumer on retriable errors; a non-retriable crash ends the process
    // so the supervisor (npm run dev, systemd, k8s) restarts it.
    if (!event.payload.restart) {
      log.error({ err: String(event.payload.error) }, "ingestion consumer crashed");
      process.exit(1);
    }
  });
}

main().catch((error: unknown) => {
  log.error(
    { err: error instanceof Error ? error.stack : String(error) },
    "ingestion service failed to start",
  );
  process.exit(1);
});
