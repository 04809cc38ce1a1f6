/**
 * Durability of the broker as a process of its own: acknowledged (acks=-1) messages survive
 * `kill -9` in the middle of a produce storm, committed offsets survive restarts, a torn tail is
 * cut off, and a restart right after the kill works while the dead broker is still an unreaped
 * zombie. Needs a broker it can kill, so it always runs the embedded CLI.
 */
import fs from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Admin, Kafka, logLevel, Partitioners, type Producer } from "kafkajs";
import { afterAll, afterEach, expect, it } from "vitest";
import { type KafkaProcess, processState, spawnKafka } from "./kafka-process";
import { collect, embeddedOnly, eventually, FAST_CONSUMER, type Received, uniqueName } from "./support";

const running: KafkaProcess[] = [];
const dirs: string[] = [];
const disconnect: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const d of disconnect.splice(0)) await d().catch(() => {});
  for (const p of running.splice(0)) await p.stop("SIGKILL");
});

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), "conduit-kafka-durability-"));
  dirs.push(d);
  return d;
}

async function start(dir: string, unreaped = false): Promise<KafkaProcess> {
  const p = await spawnKafka(dir, { unreaped });
  running.push(p);
  return p;
}

/** Retries 0 for the storm's producers: a send to a dead broker must fail, not wait for the next one. */
function client(brokers: string[], retries = 5): Kafka {
  return new Kafka({
    clientId: "durability",
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries, initialRetryTime: 100 },
    connectionTimeout: 1000,
  });
}

async function adminOf(brokers: string[]): Promise<Admin> {
  const admin = client(brokers).admin();
  await admin.connect();
  disconnect.push(() => admin.disconnect());
  return admin;
}

async function readAll(brokers: string[], topic: string, expectAtLeast: number): Promise<Received[]> {
  const consumer = client(brokers).consumer({ ...FAST_CONSUMER, groupId: uniqueName("verify") });
  await consumer.connect();
  disconnect.push(() => consumer.disconnect());
  const got = await collect(consumer, topic);
  const admin = await adminOf(brokers);
  const total = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  expect(total).toBeGreaterThanOrEqual(expectAtLeast);
  await eventually(() => got.length >= total, `all ${total} messages back`);
  return got;
}

embeddedOnly("durability", () => {
  it("keeps every acknowledged message through kill -9 in a produce storm, restarting at once over a zombie", async () => {
    const dir = await tempDir();
    let broker = await start(dir, true);
    const topic = uniqueName("storm");
    await (await adminOf(broker.brokers)).createTopics({ topics: [{ topic, numPartitions: 3 }] });
    /** value → the offset the broker acknowledged it at, per partition */
    const acked = new Map<string, { partition: number; offset: number }>();

    for (let round = 0; round < 2; round++) {
      const producers: Producer[] = [];
      for (let i = 0; i < 4; i++) {
        const p = client(broker.brokers, 0).producer();
        await p.connect();
        producers.push(p);
      }
      let stop = false;
      const storm = producers.map(async (p, w) => {
        for (let seq = 0; !stop; seq++) {
          const messages = Array.from({ length: 1 + (seq % 20) }, (_, i) => ({
            key: `w${w}-${i % 5}`,
            value: `r${round}-w${w}-s${seq}-m${i}`,
          }));
          try {
            const meta = await p.send({ topic, acks: -1, messages });
            // kafkajs groups a send per partition: map the acknowledged base offsets back to messages
            for (const m of meta) {
              const mine = messages.filter((msg) => partitionOf(msg.key, 3) === m.partition);
              for (const [i, msg] of mine.entries()) {
                acked.set(msg.value, { partition: m.partition, offset: Number(m.baseOffset) + i });
              }
            }
          } catch {
            return; // the broker is gone: anything unacknowledged may or may not be there
          }
        }
      });
      // Kill at a random moment once the round has had a good number of acknowledgements.
      const before = acked.size;
      await eventually(() => acked.size >= before + 150, "150 acknowledged messages this round", 60_000);
      await new Promise((r) => setTimeout(r, Math.random() * 300));
      const dead = broker;
      dead.kill9();
      stop = true;
      await Promise.all(storm);
      for (const p of producers) await p.disconnect().catch(() => {});
      // The killed broker is a zombie now: its lock names a pid that still "exists".
      await eventually(() => processState(dead.pid) !== "R" && processState(dead.pid) !== "S", "broker dead");
      if (fs.existsSync("/proc/self/stat")) expect(processState(dead.pid)).toBe("Z");
      broker = await start(dir, true); // at once, on the same data directory
      await dead.stop();
    }

    expect(acked.size).toBeGreaterThanOrEqual(300);
    const got = await readAll(broker.brokers, topic, acked.size);
    const at = new Map(got.map((m) => [`${m.partition}:${m.offset}`, m.value]));
    for (const [value, { partition, offset }] of acked) {
      expect(at.get(`${partition}:${offset}`), `${value} at ${partition}:${offset}`).toBe(value);
    }
    for (let p = 0; p < 3; p++) {
      const offsets = got.filter((m) => m.partition === p).map((m) => m.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i)); // no gap, no duplicate offset
    }
  }, 180_000); // three broker starts and two storms: slow on a busy machine

  it("keeps committed group offsets through a clean restart and through kill -9", async () => {
    const dir = await tempDir();
    let broker = await start(dir);
    const topic = uniqueName("offsets");
    const groupId = uniqueName("group");
    const kafka = client(broker.brokers);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}` })),
    });
    await producer.disconnect();
    const consumer = kafka.consumer({ ...FAST_CONSUMER, groupId });
    await consumer.connect();
    const got = [] as number[];
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        got.push(Number(message.offset));
        if (message.offset === "5") await consumer.commitOffsets([{ topic, partition, offset: "6" }]);
      },
    });
    await eventually(() => got.length === 10, "10 messages");
    await consumer.disconnect();

    for (const how of ["SIGTERM", "SIGKILL"] as const) {
      if (how === "SIGKILL") broker.kill9();
      await broker.stop(how);
      running.splice(running.indexOf(broker), 1);
      broker = await start(dir);
      const admin = await adminOf(broker.brokers);
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      expect(offsets!.partitions).toEqual([{ partition: 0, offset: "6", metadata: null }]);
    }

    const again = client(broker.brokers).consumer({ ...FAST_CONSUMER, groupId });
    await again.connect();
    disconnect.push(() => again.disconnect());
    const resumed = await collect(again, topic);
    await eventually(() => resumed.length === 4, "offsets 6..9");
    expect(resumed.map((m) => m.offset)).toEqual([6, 7, 8, 9]);
  });

  it("cuts a torn batch off the end of the log and continues at the next offset", async () => {
    const dir = await tempDir();
    let broker = await start(dir);
    const topic = uniqueName("torn");
    const producer = client(broker.brokers).producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ value: "one" }, { value: "two" }] });
    await producer.send({ topic, acks: -1, messages: [{ value: "three" }] });
    await producer.disconnect();
    await broker.stop();
    running.splice(running.indexOf(broker), 1);

    // Half of a batch at the end of the segment, as a crash in the middle of a write leaves it.
    const segment = path.join(dir, "logs", `${topic}-0`, `${"0".repeat(20)}.log`);
    const bytes = fs.readFileSync(segment);
    fs.appendFileSync(segment, bytes.subarray(0, 40));
    broker = await start(dir);
    expect(fs.statSync(segment).size).toBe(bytes.length);

    const p2 = client(broker.brokers).producer();
    await p2.connect();
    disconnect.push(() => p2.disconnect());
    const [meta] = await p2.send({ topic, acks: -1, messages: [{ value: "four" }] });
    expect(meta!.baseOffset).toBe("3");
    const got = await readAll(broker.brokers, topic, 4);
    expect(got.map((m) => [m.offset, m.value])).toEqual([
      [0, "one"],
      [1, "two"],
      [2, "three"],
      [3, "four"],
    ]);
  });

  it("refuses a data directory a live broker holds", async () => {
    const dir = await tempDir();
    await start(dir);
    await expect(spawnKafka(dir)).rejects.toThrow(/in use by another broker/);
  });
});

/** kafkajs's default partitioner (murmur2 of the key, as Java's), to know where a key went. */
function partitionOf(key: string, partitions: number): number {
  const partitioner = Partitioners.DefaultPartitioner();
  return partitioner({
    topic: "",
    partitionMetadata: Array.from({ length: partitions }, (_, i) => ({
      partitionId: i,
      leader: 1,
      partitionErrorCode: 0,
      replicas: [1],
      isr: [1],
    })),
    message: { key, value: null },
  });
}
