/**
 * Node flags the server process runs with, wherever it is started as a process of its own
 * (`npm run mongo`, `npm run dev`, the tests' child servers, the benchmarks).
 *
 * A fixed 16 MB young generation: when the server idles, V8 shrinks it to 1 MB, and a stream of
 * requests then triggers a scavenge every few dozen requests. Each pause (0.5–1 ms) lands on one
 * request, which made the GC the largest share of the indexed-find p99. 16 MB is what V8 grows it
 * to under load anyway, so the peak memory is unchanged.
 */
export const MONGO_NODE_FLAGS = ["--min-semi-space-size=16", "--max-semi-space-size=16"];
