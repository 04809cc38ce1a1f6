import net from "node:net";
import { CompressionCodecs, CompressionTypes, type Kafka } from "kafkajs";
import { describe, expect, it } from "vitest";
import { collect, embeddedOnly, eventually, setupKafka, uniqueName } from "./support";

const k = setupKafka();

/** A client that gives up at once (errors the tests expect should not be retried for seconds). */
function noRetry(): Kafka {
  return k.client({ retry: { retries: 0 } });
}

async function errorOf(
  work: Promise<unknown>,
): Promise<{ type?: string; message: string; errors?: unknown[] }> {
  try {
    await work;
  } catch (err) {
    const e = err as {
      type?: string;
      message: string;
      errors?: Array<{ type?: string }>;
      cause?: { type?: string };
    };
    return { ...e, type: e.type ?? e.errors?.[0]?.type ?? e.cause?.type, message: e.message };
  }
  throw new Error("expected the broker to refuse");
}

describe("topics", () => {
  it("creates, lists, describes and deletes topics", async () => {
    const name = uniqueName("admin");
    expect(await k.admin.createTopics({ topics: [{ topic: name, numPartitions: 3 }] })).toBe(true);
    expect(await k.admin.createTopics({ topics: [{ topic: name, numPartitions: 3 }] })).toBe(false);
    expect(await k.admin.listTopics()).toContain(name);
    const { topics } = await k.admin.fetchTopicMetadata({ topics: [name] });
    expect(topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
    expect(topics[0]!.partitions[0]).toMatchObject({ partitionErrorCode: 0, replicas: [expect.any(Number)] });
    const cluster = await k.admin.describeCluster();
    expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
    expect(cluster.clusterId).toEqual(expect.any(String));

    await k.admin.deleteTopics({ topics: [name] });
    await eventually(async () => !(await k.admin.listTopics()).includes(name), "topic gone");
  });

  it("checks names, partitions, replication factors and configs as Kafka does", async () => {
    const admin = noRetry().admin();
    await admin.connect();
    try {
      const create = (topic: Record<string, unknown>) => admin.createTopics({ topics: [topic as never] });
      expect((await errorOf(create({ topic: "bad name!" }))).type).toBe("INVALID_TOPIC_EXCEPTION");
      expect((await errorOf(create({ topic: "x".repeat(250) }))).type).toBe("INVALID_TOPIC_EXCEPTION");
      expect((await errorOf(create({ topic: uniqueName("rf"), replicationFactor: 3 }))).type).toBe(
        "INVALID_REPLICATION_FACTOR",
      );
      expect((await errorOf(create({ topic: uniqueName("np"), numPartitions: 0 }))).type).toBe(
        "INVALID_PARTITIONS",
      );
      const unknownConfig = {
        topic: uniqueName("cfg"),
        configEntries: [{ name: "no.such.config", value: "1" }],
      };
      expect((await errorOf(create(unknownConfig))).type).toBe("INVALID_CONFIG");

      const checked = uniqueName("validate");
      await admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic: checked }] });
      expect(await admin.listTopics()).not.toContain(checked);
    } finally {
      await admin.disconnect();
    }
  });

  it("adds partitions, never removes them", async () => {
    const topic = await k.topic(2);
    await k.admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] });
    const { topics } = await k.admin.fetchTopicMetadata({ topics: [topic] });
    expect(topics[0]!.partitions).toHaveLength(4);
    const admin = noRetry().admin();
    await admin.connect();
    try {
      const e = await errorOf(admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] }));
      expect(e.type).toBe("INVALID_PARTITIONS");
    } finally {
      await admin.disconnect();
    }
  });

  it("creates a topic on first use when auto-creation is allowed, and only then", async () => {
    const auto = uniqueName("auto");
    const producer = await k.producer();
    await producer.send({ topic: auto, acks: -1, messages: [{ value: "created on the fly" }] });
    expect(await k.admin.listTopics()).toContain(auto);

    const strict = noRetry().producer({ allowAutoTopicCreation: false });
    await strict.connect();
    try {
      const missing = uniqueName("missing");
      const e = await errorOf(strict.send({ topic: missing, messages: [{ value: "nowhere" }] }));
      expect(e.type ?? e.message).toMatch(/UNKNOWN_TOPIC_OR_PARTITION|does not host this topic-partition/);
      expect(await k.admin.listTopics()).not.toContain(missing);
    } finally {
      await strict.disconnect();
    }
    await k.admin.deleteTopics({ topics: [auto] });
  });

  it("deletes old segments once a partition exceeds retention.bytes", async () => {
    const topic = await k.topic(1, [
      { name: "retention.bytes", value: "20000" },
      { name: "segment.bytes", value: "10000" },
    ]);
    const producer = await k.producer();
    for (let i = 0; i < 60; i++) {
      await producer.send({ topic, acks: -1, messages: [{ value: `${i}:${"r".repeat(1000)}` }] });
    }
    // Kafka checks retention every log.retention.check.interval.ms; this broker also on each roll.
    await eventually(
      async () => Number((await k.admin.fetchTopicOffsets(topic))[0]!.low) > 0,
      "old segments deleted",
    );
    const { low, high } = (await k.admin.fetchTopicOffsets(topic))[0]!;
    expect(high).toBe("60");
    // retention.bytes (~19 records of ~1 KB) plus at most the active segment and one more are left
    expect(60 - Number(low)).toBeGreaterThanOrEqual(18);
    expect(60 - Number(low)).toBeLessThanOrEqual(40);
    const consumer = await k.consumer();
    const got = await collect(consumer, topic);
    await eventually(() => got.length === 60 - Number(low), "the retained messages");
    expect(got[0]!.offset).toBe(Number(low));
  });
});

embeddedOnly("what the embedded broker refuses", () => {
  it("refuses log compaction and other behaviour it does not have (INVALID_CONFIG)", async () => {
    const admin = noRetry().admin();
    await admin.connect();
    try {
      for (const [name, value] of [
        ["cleanup.policy", "compact"],
        ["message.timestamp.type", "LogAppendTime"],
        ["compression.type", "zstd"],
      ]) {
        const e = await errorOf(
          admin.createTopics({
            topics: [{ topic: uniqueName("r"), configEntries: [{ name: name!, value: value! }] }],
          }),
        );
        expect(e.type, `${name}=${value}`).toBe("INVALID_CONFIG");
      }
    } finally {
      await admin.disconnect();
    }
  });

  it("refuses transactions: no transaction coordinator is found", async () => {
    // The broker answers FindCoordinator(type=transaction) with INVALID_REQUEST; kafkajs reports
    // that as "Failed to find group coordinator".
    const producer = k.client({ retry: { retries: 1 } }).producer({
      transactionalId: uniqueName("tx"),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      const e = await errorOf(producer.transaction());
      expect(e.message).toMatch(/Failed to find group coordinator/);
    } finally {
      await producer.disconnect();
    }
  });

  it("refuses snappy, lz4 and zstd batches (UNSUPPORTED_COMPRESSION_TYPE)", async () => {
    const topic = await k.topic(1);
    // A pass-through "codec": the broker refuses on the batch's codec bits before inflating.
    const passThrough = () => ({
      compress: async (e: { buffer: Buffer }) => e.buffer,
      decompress: async (b: Buffer) => b,
    });
    const codecs = CompressionCodecs as Record<number, unknown>;
    codecs[CompressionTypes.Snappy] = passThrough;
    const producer = noRetry().producer();
    await producer.connect();
    try {
      const e = await errorOf(
        producer.send({ topic, compression: CompressionTypes.Snappy, messages: [{ value: "s" }] }),
      );
      expect(e.type).toBe("UNSUPPORTED_COMPRESSION_TYPE");
    } finally {
      await producer.disconnect();
      delete codecs[CompressionTypes.Snappy];
    }
  });

  it("does not advertise the APIs it does not implement, so kafkajs refuses them before sending", async () => {
    const admin = noRetry().admin();
    await admin.connect();
    try {
      const e = await errorOf(
        admin.describeConfigs({ resources: [{ type: 2, name: "x" }], includeSynonyms: false }),
      );
      expect(e.message).toMatch(/does not support the requested API version/);
    } finally {
      await admin.disconnect();
    }
  });

  it("answers ApiVersions above v2 with UNSUPPORTED_VERSION and closes on other unsupported requests", async () => {
    const [host, port] = k.brokers[0]!.split(":") as [string, string];
    const request = (apiKey: number, version: number) => {
      const clientId = Buffer.from("raw");
      const frame = Buffer.alloc(4 + 2 + 2 + 4 + 2 + clientId.length + 1);
      frame.writeInt32BE(frame.length - 4, 0);
      frame.writeInt16BE(apiKey, 4);
      frame.writeInt16BE(version, 6);
      frame.writeInt32BE(42, 8);
      frame.writeInt16BE(clientId.length, 12);
      clientId.copy(frame, 14);
      return frame; // (the trailing 0 is an empty tagged-field section for flexible headers)
    };
    const exchange = (frame: Buffer) =>
      new Promise<Buffer | "closed">((resolve, reject) => {
        const socket = net.connect(Number(port), host, () => socket.write(frame));
        let data = Buffer.alloc(0);
        socket.on("data", (d) => {
          data = Buffer.concat([data, d]);
          if (data.length >= 4 && data.length >= 4 + data.readInt32BE(0)) {
            socket.destroy();
            resolve(data);
          }
        });
        socket.on("close", () => resolve("closed"));
        socket.on("error", reject);
      });

    const answer = await exchange(request(18, 3));
    expect(answer).not.toBe("closed");
    const body = answer as Buffer;
    expect(body.readInt32BE(4)).toBe(42); // correlation id
    expect(body.readInt16BE(8)).toBe(35); // UNSUPPORTED_VERSION
    const count = body.readInt32BE(10);
    const ranges = Array.from({ length: count }, (_, i) => [
      body.readInt16BE(14 + i * 6),
      body.readInt16BE(16 + i * 6),
      body.readInt16BE(18 + i * 6),
    ]);
    expect(ranges).toContainEqual([18, 0, 2]);
    expect(ranges).toContainEqual([0, 7, 7]);

    expect(await exchange(request(0, 9))).toBe("closed"); // Produce v9 (flexible): not supported
    expect(await exchange(request(57, 0))).toBe("closed"); // an API key it does not serve
  });
});
