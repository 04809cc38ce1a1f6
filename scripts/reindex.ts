/**
 * `npm run reindex`: rebuilds the search index from the tenant databases (see
 * server/services/pipeline/reindex.ts). Needs MONGODB_URI and ELASTICSEARCH_URL (PIPELINE_NAMESPACE
 * names the index); Kafka is not involved, so it works while the pipeline is down.
 * Flags: --keep (do not drop the index first), --tenant <slug> (one blog only).
 */
import { parseArgs } from "node:util";
import { DatabaseService } from "../server/db";
import { env } from "../server/env";
import { log } from "../server/log";
import { pipelineNames } from "../server/services/pipeline/names";
import { reindex } from "../server/services/pipeline/reindex";
import { ResultApplier } from "../server/services/pipeline/result-consumer";
import { createSearchClient } from "../server/services/search/client";
import { PostIndex } from "../server/services/search/post-index";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { keep: { type: "boolean", default: false }, tenant: { type: "string" } },
  });
  if (!env.ELASTICSEARCH_URL) throw new Error("ELASTICSEARCH_URL is not set");
  const started = performance.now();
  const names = pipelineNames(env.PIPELINE_NAMESPACE);
  const db = new DatabaseService({ uri: env.MONGODB_URI, prefix: env.MONGODB_DB_PREFIX });
  const index = new PostIndex(createSearchClient(env.ELASTICSEARCH_URL), names.searchIndex);
  const applier = new ResultApplier({
    db,
    index,
    names,
    log,
    rootDomain: env.ROOT_DOMAIN,
    protocol: env.PUBLIC_PROTOCOL,
  });
  const result = await reindex({
    db,
    index,
    applier,
    log,
    tenantSlug: values.tenant,
    keep: values.keep,
    onTenant: (slug, count) => process.stdout.write(`${slug}: ${count} posts\n`),
  });
  process.stdout.write(
    `reindex: ${result.posts} posts of ${result.tenants} blogs into ${names.searchIndex} in ${Math.round(performance.now() - started)} ms\n`,
  );
  await db.close();
}

main().catch((error: unknown) => {
  log.error({ err: error instanceof Error ? error.stack : String(error) }, "reindex failed");
  process.exit(1);
});
