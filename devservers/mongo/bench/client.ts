/**
 * One measured phase of `npm run bench:mongo`, run in a process of its own (started by bench.ts
 * for each phase): a fresh heap that holds nothing but the load generator, so the latencies are
 * not stretched by the orchestrator's garbage (100k generated documents) or its other clients.
 * Usage: client.ts <phase> <uri>; prints the phase result as one JSON line.
 */
import { type Phase, runPhase } from "./workload";

const [phase, uri] = process.argv.slice(2) as [Phase, string];
runPhase(uri, phase).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (err: unknown) => {
    process.stderr.write(`bench client ${phase}: ${(err as Error).stack}\n`);
    process.exit(1);
  },
);
