import { Client } from "@elastic/elasticsearch";

/**
 * The search health check through the official client, as the app reaches Elasticsearch (or the
 * embedded server): `GET /` must answer as Elasticsearch (the client's product check) and the
 * cluster must not be red. One client is kept between checks, so a check reuses its connection.
 */
export class SearchCheck {
  private client: Client | null = null;

  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  async ping(): Promise<void> {
    this.client ??= new Client({ node: this.url, requestTimeout: this.timeoutMs, maxRetries: 0 });
    await this.client.info();
    const health = await this.client.cluster.health();
    if (health.status === "red") throw new Error("the cluster is red");
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.close().catch(() => {});
  }
}
