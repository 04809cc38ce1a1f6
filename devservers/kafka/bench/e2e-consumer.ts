/**
 * The benchmark's consumer group, in a process of its own (the producer's process would otherwise
 * share one core's worth of time with it). Config: argv[2] = JSON {brokers, topic, groupId,
 * from, total}. Prints `joined` once it has its partitions, then, when it has seen every message
 * (or on SIGTERM), one line of JSON: {"latencies": [ms…]} for messages with seq ≥ `from`.
 * Latency = now − the `sent` header, both from process.hrtime (CLOCK_MONOTONIC: the same clock in
 * every process of the machine).
 */
import { Kafka, logLevel } from "kafkajs";

const { brokers, topic, groupId, from, total } = JSON.parse(process.argv[2] ?? "{}") as {
  brokers: string[];
  topic: string;
  groupId: string;
  from: number;
  total: number;
};

const latencies = new Map<number, number>();
let reported = false;

function report(): void {
  if (reported) return;
  reported = true;
  const out: number[] = [];
  for (const [seq, ms] of latencies) if (seq >= from) out.push(ms);
  process.stdout.write(`${JSON.stringify({ latencies: out, received: latencies.size })}\n`, () =>
    process.exit(0),
  );
}

async function main(): Promise<void> {
  const kafka = new Kafka({ clientId: "bench-consumer", brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  consumer.on(consumer.events.GROUP_JOIN, () => process.stdout.write("joined\n"));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const at = process.hrtime.bigint();
      const sent = BigInt(message.headers!.sent!.toString());
      latencies.set(Number(message.key), Number(at - sent) / 1e6);
      if (latencies.size >= total) report();
    },
  });
}

process.on("SIGTERM", report);
main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
