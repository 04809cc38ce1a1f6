/**
 * Harness of the compatibility suite. Tests talk to the server only through the official
 * `@elastic/elasticsearch` client, so the same files run unchanged against a real
 * Elasticsearch 9: `ELASTICSEARCH_TEST_URL=http://host:9200 npx vitest run devservers/search/test`.
 * Without that variable each test file starts one embedded server of its own.
 */
import { randomBytes } from "node:crypto";
import { Client, errors } from "@elastic/elasticsearch";
import { afterAll, beforeAll } from "vitest";

export const externalUrl = process.env.ELASTICSEARCH_TEST_URL || undefined;
/** True when the suite runs against the embedded server (tests of its own behaviour use it). */
export const embedded = !externalUrl;

export interface SearchContext {
  readonly url: string;
  readonly client: Client;
  /** A unique index name, deleted after the file. */
  indexName(prefix?: string): string;
}

export function setupSearch(): SearchContext {
  let url = "";
  let client: Client | undefined;
  let stop: (() => Promise<void>) | undefined;
  const created: string[] = [];

  beforeAll(async () => {
    if (externalUrl) {
      url = externalUrl;
    } else {
      const { startSearch } = await import("../index");
      const server = await startSearch({ quiet: true });
      url = server.url;
      stop = () => server.stop();
    }
    client = new Client({ node: url, requestTimeout: 30_000 });
  });

  afterAll(async () => {
    if (client && created.length > 0) {
      await client.indices.delete({ index: created.join(","), ignore_unavailable: true }).catch(() => {});
    }
    await client?.close();
    await stop?.();
  });

  return {
    get url() {
      return url;
    },
    get client() {
      if (!client) throw new Error("setupSearch(): the client exists only inside tests");
      return client;
    },
    indexName(prefix = "t") {
      const name = `${prefix}-${randomBytes(5).toString("hex")}`;
      created.push(name);
      return name;
    },
  };
}

/** Awaits an operation the server must reject; returns its status and error body. */
export async function rejected(operation: Promise<unknown>): Promise<{
  status: number;
  body: { error: { type: string; reason: string; root_cause: { type: string }[] } };
}> {
  try {
    await operation;
  } catch (err) {
    if (err instanceof errors.ResponseError) {
      return { status: err.meta.statusCode ?? 0, body: err.meta.body as never };
    }
    throw err;
  }
  throw new Error("expected the server to reject the request, but it succeeded");
}

/**
 * Elasticsearch's BM25, written out for hand computations: LegacyBM25Similarity, i.e.
 * boost × (k1 + 1) × idf × tf / (tf + k1 × (1 − b + b × dl / avgdl)), k1 = 1.2, b = 0.75,
 * idf = ln(1 + (N − n + 0.5) / (n + 0.5)). `dl` is the field length as Lucene stores it:
 * exact below 24 tokens, otherwise rounded down to 4 significant bits (41 → 40).
 */
export function bm25(p: {
  tf: number;
  dl: number;
  avgdl: number;
  N: number;
  n: number;
  boost?: number;
}): number {
  const idf = Math.log(1 + (p.N - p.n + 0.5) / (p.n + 0.5));
  return (p.boost ?? 1) * 2.2 * idf * (p.tf / (p.tf + 1.2 * (0.25 + (0.75 * p.dl) / p.avgdl)));
}

/** Ids of a search response's hits, in order. */
export function ids(res: { hits: { hits: { _id?: string | null }[] } }): string[] {
  return res.hits.hits.map((h) => h._id ?? "");
}

export function scoreOf(
  res: { hits: { hits: { _id?: string | null; _score?: number | null }[] } },
  id: string,
): number {
  const hit = res.hits.hits.find((h) => h._id === id);
  if (!hit) throw new Error(`no hit ${id} in ${ids(res).join(",")}`);
  return hit._score ?? Number.NaN;
}
