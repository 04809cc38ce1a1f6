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
import { spawn } from "node:child_process";
import fs from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
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

    const cpu0 = process.cpuUsage();
    const b0 = processCpuMs(broker.pid);
    const t0 = performance.now();
    const e2e = await endToEnd(kafka, broker.brokers);
    const cpu1 = process.cpuUsage(cpu0);
    const e2eCpu = {
      wall: (performance.now() - t0) / 1000,
      producer: (cpu1.user + cpu1.system) / 1e6,
      broker: (processCpuMs(broker.pid) - b0) / 1000,
    };
    const fsyncFloor = e2e.fsync;
    const pc0 = process.cpuUsage();
    const pb0 = processCpuMs(broker.pid);
    const pt0 = performance.now();
    const produced = await batchedProduce(kafka);
    const pc1 = process.cpuUsage(pc0);
    const produceCpu = {
      wall: (performance.now() - pt0) / 1000,
      producer: (pc1.user + pc1.system) / 1e6,
      broker: (processCpuMs(broker.pid) - pb0) / 1000,
    };

    const lat = summarize(e2e.latencies);
    console.log(
      `\n${table([
        ["figure", "value", "note"],
        ["e2e messages measured", String(lat.count), `${RATE}/s × 2 KB, ${E2E_SECONDS} s, acks=-1`],
        ["e2e lost / late", `${e2e.missing}`, "sent in the window but never received"],
        ["e2e p50", `${round(lat.p50)} ms`, "send → eachMessage"],
        ["e2e p99", `${round(lat.p99)} ms`, ""],
        ["e2e max", `${round(lat.max)} ms`, ""],
        [
          "e2e phase cpu (producer / broker)",
          `${round(e2eCpu.producer)} / ${round(e2eCpu.broker)} s`,
          `in ${round(e2eCpu.wall)} s of wall time`,
        ],
        [
          "broker cpu per e2e message",
          `${round((e2eCpu.broker * 1e6) / ((3 + E2E_SECONDS) * RATE))} µs`,
          "its produce, fetch and offset commit",
        ],
        ["baseline: disk 2 KB write+fdatasync p50", `${round(fsyncFloor.p50)} ms`, "same run, same disk"],
        ["baseline: disk 2 KB write+fdatasync p99", `${round(fsyncFloor.p99)} ms`, ""],
        ["e2e p99 / fdatasync p99", `${round(lat.p99 / fsyncFloor.p99)}`, ""],
        [
          "baseline: a 20 ms timer fires late by, p50 / p99",
          `${round(fsyncFloor.timerLate.p50)} / ${round(fsyncFloor.timerLate.p99)} ms`,
          "an idle process: how long the machine keeps a runnable one waiting",
        ],
        [
          "batched produce",
          `${round(produced.perSecond)} msg/s`,
          `300 × 2 KB per send, 4 in flight, acks=-1`,
        ],
        ["batched produce", `${round((produced.perSecond * 2048) / 1e6)} MB/s`, ""],
        [
          "produce phase cpu (producer / broker)",
          `${round(produceCpu.producer)} / ${round(produceCpu.broker)} s`,
          `in ${round(produceCpu.wall)} s of wall time`,
        ],
        ["broker cpu per batched message", `${round((produceCpu.broker * 1e6) / produced.sent)} µs`, ""],
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

async function endToEnd(kafka: Kafka, brokers: string[]) {
  const warmup = 3;
  const total = (warmup + E2E_SECONDS) * RATE;
  const consumer = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(import.meta.dirname, "e2e-consumer.ts"),
      JSON.stringify({ brokers, topic: "bench-e2e", groupId: "bench-e2e", from: warmup * RATE, total }),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: consumer.stdout! });
  const output: string[] = [];
  let onLine: () => void = () => {};
  lines.on("line", (l) => {
    output.push(l);
    onLine();
  });
  const nextLine = () =>
    new Promise<string>((resolve) => {
      if (output.length) return resolve(output.shift()!);
      onLine = () => {
        onLine = () => {};
        resolve(output.shift()!);
      };
    });
  if ((await nextLine()) !== "joined") throw new Error("the benchmark consumer did not join");

  const producer = kafka.producer();
  await producer.connect();
  const fsync = fsyncProbe(); // the disk's latency, sampled during the same seconds
  const begin = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  let failures = 0;
  for (let seq = 0; seq < total; ) {
    const due = Math.min(total, Math.floor(((performance.now() - begin) * RATE) / 1000) + 1);
    for (; seq < due; seq++) {
      const sent = process.hrtime.bigint();
      const p: Promise<unknown> = producer
        .send({
          topic: "bench-e2e",
          acks: -1,
          messages: [{ key: String(seq), value: VALUE, headers: { sent: String(sent) } }],
        })
        .catch(() => {
          failures++;
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await sleep(1);
  }
  await Promise.all(inFlight);
  const timer = setTimeout(() => consumer.kill("SIGTERM"), 15_000);
  const result = JSON.parse(await nextLine()) as { latencies: number[]; received: number };
  clearTimeout(timer);
  const floor = await fsync.stop();
  await producer.disconnect();
  if (failures) console.log(`${failures} sends failed`);
  return { latencies: result.latencies, missing: E2E_SECONDS * RATE - result.latencies.length, fsync: floor };
}

async function batchedProduce(kafka: Kafka) {
  const producer = kafka.producer();
  await producer.connect();
  const messages = Array.from({ length: 300 }, (_, i) => ({ key: String(i), value: VALUE }));
  let counting = false;
  let count = 0;
  let sent = 0;
  let stop = false;
  const worker = async () => {
    while (!stop) {
      await producer.send({ topic: "bench-produce", acks: -1, messages });
      sent += messages.length;
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
  return { perSecond: measured / elapsed, sent };
}

/**
 * The disk's own latency in the same seconds: a process of its own appends 2 KB and fdatasyncs,
 * every 20 ms, in the temporary directory's file system (where the broker's data is).
 */
function fsyncProbe() {
  const file = path.join(os.tmpdir(), `conduit-kafka-bench-fsync-${process.pid}`);
  const code = `
    const fs = require("node:fs");
    const fd = fs.openSync(${JSON.stringify(file)}, "w");
    const buf = Buffer.alloc(2048, 1);
    const samples = [];
    const late = [];
    let stop = false;
    process.on("SIGTERM", () => { stop = true; });
    (async () => {
      while (!stop) {
        const t = performance.now();
        fs.writeSync(fd, buf);
        fs.fdatasyncSync(fd);
        samples.push(performance.now() - t);
        const due = performance.now() + 20;
        await new Promise((r) => setTimeout(r, 20));
        late.push(performance.now() - due);
      }
      fs.closeSync(fd);
      fs.rmSync(${JSON.stringify(file)}, { force: true });
      process.stdout.write(JSON.stringify({ samples, late }));
    })();`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    async stop() {
      child.kill("SIGTERM");
      await exited;
      const { samples, late } = JSON.parse(out || '{"samples":[],"late":[]}') as {
        samples: number[];
        late: number[];
      };
      return { ...summarize(samples), timerLate: summarize(late) };
    },
  };
}

/** CPU time (user + system) of a process, from /proc (0 where there is none). */
function processCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
