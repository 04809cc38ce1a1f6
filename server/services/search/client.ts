import { Client } from "@elastic/elasticsearch";

/** The Elasticsearch client for `ELASTICSEARCH_URL` (real Elasticsearch or devservers/search). */
export function createSearchClient(url: string): Client {
  return new Client({
    node: url,
    requestTimeout: 10_000,
    maxRetries: 2,
    // Short-lived dev servers come and go; don't sniff a cluster that isn't one.
    sniffOnStart: false,
  });
}
