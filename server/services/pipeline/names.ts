/**
 * Every name the pipeline puts on shared infrastructure, derived from one namespace so tests and
 * environments never collide (`PIPELINE_NAMESPACE`, default `conduit`): with the default, the
 * topics are exactly `conduit.ingestion.tasks` / `conduit.ingestion.results` (issue 21).
 */
export interface PipelineNames {
  namespace: string;
  tasksTopic: string;
  resultsTopic: string;
  deadLetterTopic: string;
  /** Consumer group of the ingestion service (tasks → results). */
  ingestionGroup: string;
  /** Consumer group of the worker's result consumer (results → Mongo + search index). */
  enrichmentGroup: string;
  /** Elasticsearch index of published posts (an alias-free concrete index). */
  searchIndex: string;
}

export function pipelineNames(namespace = "conduit"): PipelineNames {
  if (!/^[a-z][a-z0-9-]{0,40}$/.test(namespace)) {
    throw new Error(`pipeline namespace "${namespace}": lower-case letters, digits and dashes`);
  }
  return {
    namespace,
    tasksTopic: `${namespace}.ingestion.tasks`,
    resultsTopic: `${namespace}.ingestion.results`,
    deadLetterTopic: `${namespace}.ingestion.dead-letter`,
    ingestionGroup: `${namespace}.ingestion-service`,
    enrichmentGroup: `${namespace}.enrichment`,
    searchIndex: `${namespace}-posts`,
  };
}
