import "vitest";

declare module "vitest" {
  /** Values handed from `vitest.global-setup.ts` to tests via `inject(...)`. */
  export interface ProvidedContext {
    /** The run's shared MongoDB (embedded, or `MONGODB_TEST_URI`). Use a unique db prefix per test. */
    mongoUri: string;
    /** The run's Kafka (`host:port`), for the pipeline suites; unique topic and group names per test. */
    kafkaBrokers: string;
    /** The run's Elasticsearch-compatible server, for the pipeline suites; unique index names per test. */
    searchUrl: string;
  }
}
