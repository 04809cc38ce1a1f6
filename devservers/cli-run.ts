/**
 * The shared life cycle of the embedded servers' command lines (`npm run mongo|kafka|search|s3`):
 * start, print exactly one stdout line `ready <address>` (launchers wait for it), stop cleanly on
 * SIGINT/SIGTERM, and exit non-zero with the stack on stderr when starting or stopping fails.
 */

/** `--<name> <value>` as an integer in [min, max]; exits 2 with a message otherwise. */
export function intFlag(name: string, value: string, min: number, max?: number): number;
export function intFlag(
  name: string,
  value: string | undefined,
  min: number,
  max?: number,
): number | undefined;
export function intFlag(
  name: string,
  value: string | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    process.stderr.write(`invalid --${name} ${value}\n`);
    process.exit(2);
  }
  return n;
}

export function runServer(
  name: string,
  start: () => Promise<{ address: string; stop(): Promise<void> }>,
): void {
  start().then(
    (server) => {
      process.stdout.write(`ready ${server.address}\n`);
      let stopping = false;
      for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.on(signal, () => {
          if (stopping) return;
          stopping = true;
          server.stop().then(
            () => process.exit(0),
            (err) => {
              process.stderr.write(`stop failed: ${(err as Error).stack}\n`);
              process.exit(1);
            },
          );
        });
      }
    },
    (err) => {
      process.stderr.write(`${name} failed to start: ${(err as Error).stack}\n`);
      process.exit(1);
    },
  );
}
