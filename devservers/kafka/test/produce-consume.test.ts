import { CompressionTypes } from "kafkajs";
import { describe, expect, it } from "vitest";
import { collect, eventually, joined, setupKafka } from "./support";

const k = setupKafka();

describe("produce and consume", () => {
  it("round-trips keys, values, headers, null keys and tombstones", async () => {
    const topic = await k.topic(1);
    const producer = await k.producer();
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: "k1", value: "plain", headers: { trace: "abc", multi: ["x", "y"] } },
        { key: null, value: "no key" },
        { key: "k2", value: null },
        { key: "ünïcødé", value: Buffer.from([0, 1, 2, 255]).toString("latin1"), headers: { empty: "" } },
      ],
    });
    const consumer = await k.consumer();
    const got = await collect(consumer, topic);
    await eventually(() => got.length === 4, "4 messages");
    expect(got.map((m) => [m.offset, m.key, m.value])).toEqual([
      [0, "k1", "plain"],
      [1, null, "no key"],
      [2, "k2", null],
      [3, "ünïcødé", Buffer.from([0, 1, 2, 255]).toString("latin1")],
    ]);
    expect(got[0]!.headers).toEqual({ trace: "abc", multi: ["x", "y"] });
    expect(got[3]!.headers).toEqual({ empty: "" });
  });

  it("keeps per-partition order across sends and keys on the same partition", async () => {
    const topic = await k.topic(3);
    const producer = await k.producer();
    for (let round = 0; round < 10; round++) {
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: 30 }, (_, i) => ({ key: `key-${i % 6}`, value: `${round}:${i}` })),
      });
    }
    const consumer = await k.consumer();
    const got = await collect(consumer, topic);
    await eventually(() => got.length === 300, "300 messages");
    const partitionOfKey = new Map<string, number>();
    for (let p = 0; p < 3; p++) {
      const inPartition = got.filter((m) => m.partition === p);
      // offsets 0..n-1 in order, and within a key the values in production order
      expect(inPartition.map((m) => m.offset)).toEqual(inPartition.map((_, i) => i));
      for (const m of inPartition) {
        expect(partitionOfKey.get(m.key!) ?? p).toBe(p);
        partitionOfKey.set(m.key!, p);
      }
    }
    for (let key = 0; key < 6; key++) {
      const values = got.filter((m) => m.key === `key-${key}`).map((m) => m.value!);
      const expected = Array.from({ length: 10 }, (_, round) =>
        Array.from({ length: 30 }, (_, i) => i)
          .filter((i) => i % 6 === key)
          .map((i) => `${round}:${i}`),
      ).flat();
      expect(values).toEqual(expected);
    }
    expect(new Set(partitionOfKey.values()).size).toBeGreaterThan(1);
  });

  it("stores gzip batches and acks 0, 1 and -1 alike", async () => {
    const topic = await k.topic(1);
    const producer = await k.producer();
    await producer.send({
      topic,
      compression: CompressionTypes.GZIP,
      messages: Array.from({ length: 50 }, (_, i) => ({ key: `g${i}`, value: "z".repeat(500) + i })),
    });
    await producer.send({ topic, acks: 1, messages: [{ value: "acks=1" }] });
    await producer.send({ topic, acks: 0, messages: [{ value: "acks=0" }] });
    await producer.send({ topic, acks: -1, messages: [{ value: "acks=-1" }] });
    const consumer = await k.consumer();
    const got = await collect(consumer, topic);
    await eventually(() => got.length === 53, "53 messages");
    expect(got.slice(0, 50).map((m) => m.value)).toEqual(
      Array.from({ length: 50 }, (_, i) => "z".repeat(500) + i),
    );
    expect(got.slice(50).map((m) => [m.offset, m.value])).toEqual([
      [50, "acks=1"],
      [51, "acks=0"],
      [52, "acks=-1"],
    ]);
  });

  it("answers a waiting fetch as soon as a message arrives (long poll)", async () => {
    const topic = await k.topic(1);
    const producer = await k.producer();
    // maxWaitTime far above the test timeout: only the broker waking the fetch lets this pass.
    const consumer = await k.consumer({ maxWaitTimeInMs: 600_000 });
    const assigned = joined(consumer);
    const fetching = new Promise<void>((resolve) => {
      const off = consumer.on(consumer.events.FETCH_START, () => {
        off();
        resolve();
      });
    });
    const got = await collect(consumer, topic, false);
    await assigned;
    // The first fetch, from the latest offset (resolved before it starts), is parked on the broker.
    await fetching;
    await new Promise((r) => setTimeout(r, 300));
    await producer.send({ topic, acks: -1, messages: [{ value: "wake up" }] });
    await eventually(() => got.length === 1, "the produced message");
    expect(got[0]!.value).toBe("wake up");
    // The consumer's next fetch is parked for up to 600 s and disconnect waits for it: stop the
    // consumer first (no fetch starts after that), then wake the parked one with one more message.
    const closing = consumer.disconnect();
    await producer.send({ topic, acks: -1, messages: [{ value: "good night" }] });
    await closing;
  });

  it("works with the idempotent producer", async () => {
    const topic = await k.topic(2);
    const producer = await k.producer({ idempotent: true, maxInFlightRequests: 1 });
    for (let i = 0; i < 5; i++) {
      await producer.send({
        topic,
        acks: -1,
        messages: [
          { key: `a${i}`, value: `v${i}` },
          { key: `b${i}`, value: `w${i}` },
        ],
      });
    }
    const consumer = await k.consumer();
    const got = await collect(consumer, topic);
    await eventually(() => got.length === 10, "10 messages");
    expect(got.map((m) => m.value).sort()).toEqual(
      [...Array.from({ length: 5 }, (_, i) => [`v${i}`, `w${i}`]).flat()].sort(),
    );
  });

  it("consumes a batch larger than maxBytesPerPartition whole (the first batch always comes back)", async () => {
    const topic = await k.topic(1);
    const producer = await k.producer();
    const big = "b".repeat(200_000);
    await producer.send({ topic, messages: [{ value: big }, { value: big }, { value: "after" }] });
    const consumer = await k.consumer({ maxBytesPerPartition: 1024, maxBytes: 2048 });
    const got = await collect(consumer, topic);
    await eventually(() => got.length === 3, "3 messages");
    expect(got.map((m) => m.value!.length)).toEqual([200_000, 200_000, 5]);
  });

  it("refuses a batch over max.message.bytes with MESSAGE_TOO_LARGE", async () => {
    const topic = await k.topic(1, [{ name: "max.message.bytes", value: "10000" }]);
    const producer = await k.producer({ retry: { retries: 0 } });
    const err = await producer.send({ topic, messages: [{ value: "x".repeat(20_000) }] }).catch((e) => e);
    expect(err.type ?? err.cause?.type).toBe("MESSAGE_TOO_LARGE");
    await producer.send({ topic, messages: [{ value: "small" }] });
    const offsets = await k.admin.fetchTopicOffsets(topic);
    expect(offsets[0]!.high).toBe("1");
  });
});

describe("consumer controls", () => {
  it("delivers batches to eachBatch, and seek and pause/resume move and hold a partition", async () => {
    const topic = await k.topic(1);
    const producer = await k.producer();
    await producer.send({ topic, messages: Array.from({ length: 6 }, (_, i) => ({ value: `m${i}` })) });
    const consumer = await k.consumer();
    const seen: string[] = [];
    let batches = 0;
    let sought = false;
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        batches++;
        for (const m of batch.messages) {
          seen.push(m.value!.toString());
          resolveOffset(m.offset);
        }
        await heartbeat();
        if (!sought && seen.length >= 6) {
          sought = true;
          consumer.seek({ topic, partition: 0, offset: "4" }); // read m4, m5 again
        }
      },
    });
    await eventually(() => seen.length === 8, "6 messages, then 2 again after the seek");
    expect(seen).toEqual(["m0", "m1", "m2", "m3", "m4", "m5", "m4", "m5"]);
    expect(batches).toBeGreaterThanOrEqual(2);

    consumer.pause([{ topic }]);
    await producer.send({ topic, messages: [{ value: "while paused" }] });
    await new Promise((r) => setTimeout(r, 500));
    expect(seen).toHaveLength(8);
    consumer.resume([{ topic }]);
    await eventually(() => seen.length === 9, "the message after resume");
    expect(seen[8]).toBe("while paused");
  });
});

describe("offsets by time and position", () => {
  it("finds the first offset at or after a timestamp, and earliest/latest", async () => {
    const topic = await k.topic(1);
    const producer = await k.producer();
    const base = Date.now() - 60_000;
    await producer.send({
      topic,
      messages: [0, 10, 20, 30].map((d, i) => ({ value: `m${i}`, timestamp: String(base + d * 1000) })),
    });
    const at = async (ts: number) => (await k.admin.fetchTopicOffsetsByTimestamp(topic, ts))[0]!.offset;
    expect(await at(base - 1000)).toBe("0");
    expect(await at(base + 15_000)).toBe("2");
    expect(await at(base + 30_000)).toBe("3");
    // after the newest record: the latest offset
    expect(await at(base + 45_000)).toBe("4");
    expect(await k.admin.fetchTopicOffsets(topic)).toEqual([
      { partition: 0, offset: "4", high: "4", low: "0" },
    ]);
  });
});
