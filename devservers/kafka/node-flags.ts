/**
 * Node flags the broker runs with wherever it is a process of its own (`npm run kafka`,
 * `npm run dev`, the tests' child brokers, the benchmark). A fixed 8 MB young generation, as the
 * Mongo server's: an idle process shrinks it to 1 MB and the next burst of produces then pays a
 * scavenge every few hundred requests, each pause landing on one request's latency.
 */
export const KAFKA_NODE_FLAGS = ["--min-semi-space-size=8", "--max-semi-space-size=8"];
