import type { IngestionResult, IngestionTask } from "../pipeline/messages";
import { RESULT_SCHEMA } from "../pipeline/messages";
import { keyConcepts } from "./concepts";
import {
  EMBEDDING_MODEL,
  embedSequences,
  type GroupRunner,
  meanVector,
  postChunks,
  tokenizerFor,
} from "./embedder";
import { namedEntities } from "./entities";
import { detectLanguage } from "./language";
import { summarize } from "./summary";

/**
 * Enriches a batch of ingestion tasks: the text analyses per task (with the post's chunks,
 * tokenised there once — see `postChunks`), then every chunk of every post embedded together
 * (sequences of similar length share a model call; `run` puts those calls on worker threads). A
 * task whose analysis throws is returned as a failure (the service dead-letters it) without
 * failing the others.
 */
export type Enrichment =
  | { ok: true; task: IngestionTask; result: IngestionResult }
  | { ok: false; task: IngestionTask; error: string };

export async function enrichBatch(tasks: IngestionTask[], run?: GroupRunner): Promise<Enrichment[]> {
  const tokenizer = await tokenizerFor(run);
  const analysed = tasks.map((task) => {
    const t0 = performance.now();
    try {
      const text = task.text;
      const summary = summarize(task.title, text);
      return {
        task,
        ok: true as const,
        summary,
        entities: namedEntities(task.title, text),
        keyConcepts: keyConcepts(task.title, text, task.tags),
        language: detectLanguage(`${task.title}\n${text}`),
        chunks: postChunks(tokenizer, task.title, summary, text),
        ms: performance.now() - t0,
      };
    } catch (error) {
      return { task, ok: false as const, error: error instanceof Error ? error.message : String(error) };
    }
  });

  const good = analysed.filter((a) => a.ok);
  const allChunks = good.flatMap((a) => a.chunks);
  const t1 = performance.now();
  const vectors = await embedSequences(
    allChunks.map((c) => c.ids),
    run,
  );
  const embedMsPerChunk = allChunks.length ? (performance.now() - t1) / allChunks.length : 0;

  let at = 0;
  const out: Enrichment[] = [];
  for (const a of analysed) {
    if (!a.ok) {
      out.push({ ok: false, task: a.task, error: a.error });
      continue;
    }
    const mine = vectors.slice(at, at + a.chunks.length);
    at += a.chunks.length;
    out.push({
      ok: true,
      task: a.task,
      result: {
        schema: RESULT_SCHEMA,
        tenantId: a.task.tenantId,
        postId: a.task.postId,
        version: a.task.version,
        summary: a.summary,
        entities: a.entities,
        keyConcepts: a.keyConcepts,
        language: a.language,
        embedding: meanVector(
          mine,
          a.chunks.map((c) => c.ids.length),
        ),
        model: EMBEDDING_MODEL,
        // This post's own share of the batch: its analyses plus its chunks' embedding time.
        tookMs: Math.round((a.ms + embedMsPerChunk * a.chunks.length) * 10) / 10,
      },
    });
  }
  return out;
}
