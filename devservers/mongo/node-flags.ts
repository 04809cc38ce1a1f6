/**
 * Node flags the server process runs with, wherever it is started as a process of its own
 * (`npm run mongo`, `npm run dev`, the tests' child servers, the benchmarks).
 *
 * A fixed young generation (semi-spaces of 8 MB): when the server idles, V8 shrinks it to 1 MB,
 * and a stream of requests then triggers a scavenge every ≈100 finds. Each pause (0.5–1 ms) lands
 * on one request, which made the GC the largest share of the indexed-find p99. At 8 MB a scavenge
 * comes every ≈850 finds (≈0.1 % of them); 16 MB halved that again but cost ≈25 MB of resident
 * memory for no measurable gain in p99.
 */
export const MONGO_NODE_FLAGS = ["--min-semi-space-size=8", "--max-semi-space-size=8"];
