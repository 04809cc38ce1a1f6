import "vitest";

declare module "vitest" {
  /** Values handed from `vitest.global-setup.ts` to tests via `inject(...)`. */
  export interface ProvidedContext {
    /** The run's shared MongoDB (embedded, or `MONGODB_TEST_URI`). Use a unique db prefix per test. */
    mongoUri: string;
  }
}
