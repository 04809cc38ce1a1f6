import type { DatabaseService, PostDoc, TenantDoc } from "../../db";
import type { Logger } from "../../log";
import { postPlainText } from "../extract";
import { enrichBatch } from "../ingestion/enrich";
import type { PostIndex } from "../search/post-index";
import { type IngestionTask, TASK_SCHEMA } from "./messages";
import type { ResultApplier } from "./result-consumer";
import { isSearchable } from "./task-producer";

const BATCH = 16;

/**
 * Rebuilds the search index from the tenant databases (`npm run reindex`): drops the index (all
 * blogs) or one blog's documents, enriches every published post in this process with the ingestion
 * service's code (batched), applies each result as the worker does (patch, index), then recomputes
 * related posts once the whole network is in. Kafka is not involved.
 */
export async function reindex(deps: {
  db: DatabaseService;
  index: PostIndex;
  applier: ResultApplier;
  log: Pick<Logger, "warn">;
  tenantSlug?: string;
  keep?: boolean;
  onTenant?: (slug: string, count: number) => void;
}): Promise<{ posts: number; tenants: number }> {
  const { db, index, applier } = deps;
  if (!deps.keep && !deps.tenantSlug) await index.drop();
  await index.ensure();
  const tenants = await db
    .master()
    .tenants.find(deps.tenantSlug ? { slug: deps.tenantSlug, status: "active" } : { status: "active" })
    .toArray();
  let indexed = 0;
  const done: { tenant: TenantDoc; post: PostDoc }[] = [];
  for (const tenant of tenants) {
    if (deps.tenantSlug) await index.removeTenant(tenant._id.toHexString());
    const before = indexed;
    let batch: PostDoc[] = [];
    const flush = async () => {
      const tasks: IngestionTask[] = batch.map((p) => ({
        schema: TASK_SCHEMA,
        tenantId: tenant._id.toHexString(),
        postId: p._id.toHexString(),
        version: p.version,
        title: p.title ?? "",
        tags: p.tags ?? [],
        text: postPlainText(p),
      }));
      for (const e of await enrichBatch(tasks)) {
        if (!e.ok) {
          deps.log.warn({ postId: e.task.postId, err: e.error }, "reindex: post not enriched");
          continue;
        }
        if ((await applier.applyResult(e.result, { force: true })) !== "enriched") continue;
        indexed += 1;
        const post = batch.find((p) => p._id.toHexString() === e.result.postId);
        if (post) done.push({ tenant, post });
      }
      batch = [];
    };
    const cursor = db.forTenant(tenant).posts.find({ status: "published" }, { projection: { html: 0 } });
    for await (const post of cursor) {
      if (!isSearchable(post)) continue;
      batch.push(post);
      if (batch.length >= BATCH) await flush();
    }
    if (batch.length) await flush();
    deps.onTenant?.(tenant.slug, indexed - before);
  }
  // Related posts only mean something once every post is in the index.
  for (const { tenant, post } of done) await applier.refreshRelated(tenant, post._id);
  return { posts: indexed, tenants: tenants.length };
}
