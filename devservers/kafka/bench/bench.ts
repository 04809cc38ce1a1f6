/**
 * `npm run bench:kafka`: the embedded broker as a process of its own (as `npm run kafka` runs it),
 * driven over loopback with kafkajs from this process.
 *
 *  1. End to end: one producer sends 1,000 messages/s of 2 KB (acks=-1, each its own request) to a
 *     3-partition topic for 30 s after a 3 s warm-up; one consumer group (one member, long
 *     polling) receives them. Latency = receive time − send time, per message
 *     (kafka_e2e_p50_ms / kafka_e2e_p99_ms, target p99 < 10 ms).
 *  2. Batched produce: sends of 300 × 2 KB messages, 4 in flight, acks=-1, for 10 s after a 2 s
 *     warm-up (kafka_produce_per_s, target ≥ 20,000 messages/s).
 *
 * Baseline in the same run: the disk's own write+fdatasync latency of a 2 KB append, measured
 * alongside — every acks=-1 answer waits for one, so it is the floor under the e2e figures.
 * Flags: --e2e-seconds, --produce-seconds (shorter runs for a quick look).
 */
import fs from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Kafka, logLevel } from "kafkajs";
import { spawnKafka } from "../test/kafka-process";
import { type Figure, resultLine, round, summarize, table } from "./stats";

process.env.KAFKAJS_NO_PARTITIONER_WARNING = "1";

const { values } = parseArgs({
  options: {
    "e2e-seconds": { type: "string", default: "30" },
    "produce-seconds": { type: "string", default: "10" },
  },
});
const E2E_SECONDS = Number(values["e2e-seconds"]);
const PRODUCE_SECONDS = Number(values["produce-seconds"]);
const RATE = 1000;
const VALUE = Buffer.alloc(2048, "k");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "conduit-kafka-bench-"));
  const broker = await spawnKafka(dir);
  const kafka = new Kafka({ clientId: "bench", brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const started = performance.now();
  try {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: "bench-e2e", numPartitions: 3 },
        { topic: "bench-produce", numPartitions: 3 },
      ],
    });
    await admin.disconnect();

    const e2e = await endToEnd(kafka);
    const fsyncFloor = e2e.fsync;
    const produced = await batchedProduce(kafka);

    const lat = summarize(e2e.latencies);
    console.log(
      `\n${table([
        ["figure", "value", "note"],
        ["e2e messages measured", String(lat.count), `${RATE}/s × 2 KB, ${E2E_SECONDS} s, acks=-1`],
        ["e2e lost / late", `${e2e.missing}`, "sent in the window but never received"],
        ["e2e p50", `${round(lat.p50)} ms`, "send → eachMessage"],
        ["e2e p99", `${round(lat.p99)} ms`, ""],
        ["e2e max", `${round(lat.max)} ms`, ""],
        ["baseline: disk 2 KB write+fdatasync p50", `${round(fsyncFloor.p50)} ms`, "same run, same disk"],
        ["baseline: disk 2 KB write+fdatasync p99", `${round(fsyncFloor.p99)} ms`, ""],
        ["e2e p99 / fdatasync p99", `${round(lat.p99 / fsyncFloor.p99)}`, ""],
        [
          "batched produce",
          `${round(produced.perSecond)} msg/s`,
          `300 × 2 KB per send, 4 in flight, acks=-1`,
        ],
        ["batched produce", `${round((produced.perSecond * 2048) / 1e6)} MB/s`, ""],
      ])}`,
    );
    const load = os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ");
    console.log(`\ntotal ${round((performance.now() - started) / 1000)} s, machine load average ${load}\n`);
    const figures: Figure[] = [
      { name: "kafka_e2e_p50_ms", value: lat.p50, unit: "ms", op: "<", target: 10 },
      { name: "kafka_e2e_p99_ms", value: lat.p99, unit: "ms", op: "<", target: 10 },
      { name: "kafka_produce_per_s", value: produced.perSecond, unit: "msg/s", op: ">=", target: 20000 },
    ];
    for (const f of figures) console.log(resultLine(f));
  } finally {
    await broker.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function endToEnd(kafka: Kafka) {
  const consumer = kafka.consumer({ groupId: "bench-e2e", sessionTimeout: 10_000, heartbeatInterval: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topic: "bench-e2e", fromBeginning: true });
  const received = new Map<number, number>();
  let joinedResolve: () => void = () => {};
  const joined = new Promise<void>((r) => {
    joinedResolve = r;
  });
  consumer.on(consumer.events.GROUP_JOIN, () => joinedResolve());
  await consumer.run({
    eachMessage: async ({ message }) => {
      const at = now();
      const seq = Number(message.key);
      const sent = Number(message.headers?.sent?.toString());
      received.set(seq, at - sent);
    },
  });
  await joined;

  const producer = kafka.producer();
  await producer.connect();
  const warmup = 3;
  const total = (warmup + E2E_SECONDS) * RATE;
  const fsync = fsyncProbe(); // the disk's latency, sampled during the same seconds
  const begin = now();
  const inFlight: Array<Promise<unknown>> = [];
  let failures = 0;
  for (let seq = 0; seq < total; ) {
    const due = Math.min(total, Math.floor(((now() - begin) * RATE) / 1000) + 1);
    for (; seq < due; seq++) {
      const sent = now();
      inFlight.push(
        producer
          .send({
            topic: "bench-e2e",
            acks: -1,
            messages: [{ key: String(seq), value: VALUE, headers: { sent: String(sent) } }],
          })
          .catch(() => {
            failures++;
          }),
      );
    }
    if (inFlight.length > 5000) await Promise.all(inFlight.splice(0));
    await sleep(1);
  }
  await Promise.all(inFlight);
  const deadline = Date.now() + 10_000;
  while (received.size < total && Date.now() < deadline) await sleep(50);
  const floor = await fsync.stop();
  await producer.disconnect();
  await consumer.disconnect();
  const latencies: number[] = [];
  let missing = 0;
  for (let seq = warmup * RATE; seq < total; seq++) {
    const l = received.get(seq);
    if (l === undefined) missing++;
    else latencies.push(l);
  }
  if (failures) console.log(`${failures} sends failed`);
  return { latencies, missing, fsync: floor };
}

async function batchedProduce(kafka: Kafka) {
  const producer = kafka.producer();
  await producer.connect();
  const messages = Array.from({ length: 300 }, (_, i) => ({ key: String(i), value: VALUE }));
  let counting = false;
  let count = 0;
  let stop = false;
  const worker = async () => {
    while (!stop) {
      await producer.send({ topic: "bench-produce", acks: -1, messages });
      if (counting) count += messages.length;
    }
  };
  const workers = Array.from({ length: 4 }, worker);
  await sleep(2000);
  counting = true;
  const t0 = performance.now();
  await sleep(PRODUCE_SECONDS * 1000);
  const elapsed = (performance.now() - t0) / 1000;
  const measured = count;
  stop = true;
  await Promise.all(workers);
  await producer.disconnect();
  return { perSecond: measured / elapsed };
}

/** 2 KB append + fdatasync to a file in the data directory's file system, every 20 ms. */
function fsyncProbe() {
  const file = path.join(os.tmpdir(), `conduit-kafka-bench-fsync-${process.pid}`);
  const fd = fs.openSync(file, "w");
  const samples: number[] = [];
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const t = performance.now();
      fs.writeSync(fd, VALUE);
      await new Promise<void>((resolve, reject) => fs.fdatasync(fd, (e) => (e ? reject(e) : resolve())));
      samples.push(performance.now() - t);
      await sleep(20);
    }
  })();
  return {
    async stop() {
      stop = true;
      await loop;
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
      return summarize(samples);
    },
  };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
