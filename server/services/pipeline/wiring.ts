import type { Kafka } from "kafkajs";
import type { DatabaseService } from "../../db";
import type { Env } from "../../env";
import type { Logger } from "../../log";
import { createSearchClient } from "../search/client";
import { PostIndex } from "../search/post-index";
import { QueryEmbedder } from "../search/query-embedder";
import { SearchService } from "../search/search-service";
import { createKafka } from "./kafka";
import { type PipelineNames, pipelineNames } from "./names";
import { TaskProducer } from "./task-producer";

/**
 * The content pipeline's pieces for one process. Kafka and Elasticsearch are optional in the
 * environment (health reports `not_configured`): without KAFKA_BROKERS no task is produced (the
 * post's versions let the worker catch up once it is set); without ELASTICSEARCH_URL search
 * answers 503.
 */
export interface Pipeline {
  names: PipelineNames;
  kafka: Kafka | null;
  producer: TaskProducer | null;
  index: PostIndex | null;
  search: SearchService | null;
}

export function createPipeline(deps: {
  db: DatabaseService;
  log: Logger;
  env: Env;
  now?: () => Date;
}): Pipeline {
  const { env, db, log } = deps;
  const names = pipelineNames(env.PIPELINE_NAMESPACE);
  const kafka = env.KAFKA_BROKERS
    ? createKafka({ brokers: env.KAFKA_BROKERS, clientId: "conduit-app", log })
    : null;
  const producer = kafka ? new TaskProducer({ db, kafka, names, log, now: deps.now }) : null;
  const index = env.ELASTICSEARCH_URL
    ? new PostIndex(createSearchClient(env.ELASTICSEARCH_URL), names.searchIndex)
    : null;
  const search = index ? new SearchService({ index, embedder: sharedQueryEmbedder() }) : null;
  return { names, kafka, producer, index, search };
}

// One model per process, whatever the number of containers (tests build many).
const embedderKey = Symbol.for("conduit.queryEmbedder");
function sharedQueryEmbedder(): QueryEmbedder {
  const g = globalThis as typeof globalThis & { [embedderKey]?: QueryEmbedder };
  g[embedderKey] ??= new QueryEmbedder();
  return g[embedderKey];
}
