import { type Admin, Kafka, logLevel } from "kafkajs";

/**
 * The Kafka health check through kafkajs, as the app reaches Kafka. One admin connection is kept
 * between checks (connecting costs an ApiVersions and a Metadata round trip and a new TCP
 * connection each time), so a check is one Metadata request. A failed check drops the connection
 * and the next one connects afresh (e.g. after a broker restart).
 */
export class KafkaCheck {
  private admin: Admin | null = null;
  private connecting: Promise<Admin> | null = null;

  constructor(
    private readonly brokers: string,
    private readonly timeoutMs: number,
  ) {}

  async ping(): Promise<void> {
    try {
      const admin = await this.connected();
      const { brokers } = await admin.describeCluster();
      if (brokers.length === 0) throw new Error("the cluster reports no brokers");
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    this.connecting = null;
    await admin?.disconnect().catch(() => {});
  }

  private connected(): Promise<Admin> {
    this.connecting ??= (async () => {
      const kafka = new Kafka({
        clientId: "conduit-health",
        brokers: this.brokers
          .split(",")
          .map((b) => b.trim())
          .filter(Boolean),
        logLevel: logLevel.NOTHING,
        connectionTimeout: Math.min(this.timeoutMs, 1_000),
        requestTimeout: this.timeoutMs,
        retry: { retries: 0 },
      });
      const admin = kafka.admin({ retry: { retries: 0 } });
      this.admin = admin;
      await admin.connect();
      return admin;
    })();
    return this.connecting;
  }
}
