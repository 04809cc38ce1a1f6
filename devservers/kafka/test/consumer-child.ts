/**
 * A consumer in a process of its own, so a test can kill it (-9: no LeaveGroup, no commit) like a
 * crashed worker. Config in the CONSUMER_CHILD environment variable (JSON); reports on stdout, one
 * JSON object per line: {"event":"join","assignment":{…}} and {"event":"message",…}.
 * Offsets are committed only for messages below `commitBelow` (per partition), right after each.
 */
import { Kafka, logLevel } from "kafkajs";

const config = JSON.parse(process.env.CONSUMER_CHILD ?? "{}") as {
  brokers: string[];
  groupId: string;
  topic: string;
  commitBelow?: number;
  sessionTimeout: number;
  heartbeatInterval: number;
};

const say = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

async function main(): Promise<void> {
  const kafka = new Kafka({ clientId: "child", brokers: config.brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({
    groupId: config.groupId,
    sessionTimeout: config.sessionTimeout,
    rebalanceTimeout: config.sessionTimeout * 2,
    heartbeatInterval: config.heartbeatInterval,
    maxWaitTimeInMs: 100,
  });
  consumer.on(consumer.events.GROUP_JOIN, (e) =>
    say({ event: "join", assignment: e.payload.memberAssignment }),
  );
  await consumer.connect();
  await consumer.subscribe({ topic: config.topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      const offset = Number(message.offset);
      if (config.commitBelow !== undefined && offset < config.commitBelow) {
        await consumer.commitOffsets([{ topic: config.topic, partition, offset: String(offset + 1) }]);
      }
      say({ event: "message", partition, offset, value: message.value?.toString() ?? null });
    },
  });
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
