import { AssignerProtocol, type Consumer } from "kafkajs";
import { afterEach, describe, expect, it } from "vitest";
import { type ChildConsumer, spawnConsumer } from "./child";
import { collect, eventually, FAST_CONSUMER, type Received, setupKafka, uniqueName } from "./support";

const k = setupKafka();
const children: ChildConsumer[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) await c.kill();
});

/** The partitions the consumer was last given, kept current across rebalances. */
function track(consumer: Consumer): { partitions(): number[] } {
  let latest: number[] = [];
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    latest = Object.values(e.payload.memberAssignment).flat().sort();
  });
  return { partitions: () => latest };
}

async function stableWith(groupId: string, members: number): Promise<void> {
  await eventually(async () => {
    const [g] = (await k.admin.describeGroups([groupId])).groups;
    return g?.state === "Stable" && g.members.length === members;
  }, `group ${groupId} stable with ${members} member(s)`);
}

async function produce(topic: string, count: number, prefix: string): Promise<void> {
  const producer = await k.producer();
  await producer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: count }, (_, i) => ({ key: `${prefix}-${i}`, value: `${prefix}-${i}` })),
  });
}

describe("consumer groups", () => {
  it("shares the partitions between two members and delivers each message once", async () => {
    const topic = await k.topic(4);
    const groupId = uniqueName("group");
    const a = await k.consumer({ groupId });
    const b = await k.consumer({ groupId });
    const ta = track(a);
    const tb = track(b);
    const gotA = await collect(a, topic);
    const gotB = await collect(b, topic);
    await stableWith(groupId, 2);
    await eventually(() => ta.partitions().length + tb.partitions().length === 4, "both assigned");
    expect([...ta.partitions(), ...tb.partitions()].sort()).toEqual([0, 1, 2, 3]);
    expect(ta.partitions().length).toBe(2);

    await produce(topic, 200, "m");
    await eventually(() => gotA.length + gotB.length >= 200, "200 messages");
    const values = [...gotA, ...gotB].map((m) => m.value).sort();
    expect(values).toEqual(Array.from({ length: 200 }, (_, i) => `m-${i}`).sort());
    expect(gotA.every((m) => ta.partitions().includes(m.partition))).toBe(true);
    expect(gotB.every((m) => tb.partitions().includes(m.partition))).toBe(true);
  });

  it("gives every partition to the remaining member when the other leaves", async () => {
    const topic = await k.topic(4);
    const groupId = uniqueName("group");
    const a = await k.consumer({ groupId });
    const b = await k.consumer({ groupId });
    const ta = track(a);
    const gotA = await collect(a, topic);
    await collect(b, topic);
    await stableWith(groupId, 2);
    await eventually(() => ta.partitions().length === 2, "a has half");

    await b.disconnect(); // LeaveGroup
    await eventually(() => ta.partitions().length === 4, "a has every partition");
    await stableWith(groupId, 1);
    await produce(topic, 40, "after-leave");
    await eventually(
      () => gotA.filter((m) => m.value?.startsWith("after-leave")).length === 40,
      "40 messages",
    );
    expect(new Set(gotA.map((m) => m.partition)).size).toBe(4);
  });

  it("rebalances after a member is killed, once its session expires", async () => {
    const topic = await k.topic(4);
    const groupId = uniqueName("group");
    const a = await k.consumer({ groupId });
    const ta = track(a);
    const gotA = await collect(a, topic);
    await stableWith(groupId, 1);
    const child = spawnConsumer({
      brokers: k.brokers,
      groupId,
      topic,
      sessionTimeout: 3000,
      heartbeatInterval: 200,
    });
    children.push(child);
    await stableWith(groupId, 2);
    await eventually(
      () => (child.assignment()?.[topic]?.length ?? 0) === 2 && ta.partitions().length === 2,
      "split",
    );

    await child.kill(); // no LeaveGroup: only the session timeout tells the coordinator
    await eventually(() => ta.partitions().length === 4, "a has every partition", 20_000);
    await stableWith(groupId, 1);
    await produce(topic, 40, "after-kill");
    await eventually(
      () => gotA.filter((m) => m.value?.startsWith("after-kill")).length === 40,
      "40 messages",
    );
  });

  it("redelivers what a crashed consumer received but did not commit", async () => {
    const topic = await k.topic(1);
    const groupId = uniqueName("group");
    await produce(topic, 10, "job");
    const child = spawnConsumer({
      brokers: k.brokers,
      groupId,
      topic,
      commitBelow: 4,
      sessionTimeout: 3000,
      heartbeatInterval: 200,
    });
    children.push(child);
    await eventually(() => child.messages().length === 10, "the child received all 10");
    await child.kill();

    const [committed] = await k.admin.fetchOffsets({ groupId, topics: [topic] });
    expect(committed!.partitions).toEqual([{ partition: 0, offset: "4", metadata: null }]);

    const again = await k.consumer({ groupId });
    const got = await collect(again, topic);
    await eventually(() => got.length === 6, "offsets 4..9 again", 20_000);
    expect(got.map((m) => m.offset)).toEqual([4, 5, 6, 7, 8, 9]);
  });
});

describe("group administration (lag, description, deletion)", () => {
  it("reports committed offsets, topic offsets, members and assignments", async () => {
    const topic = await k.topic(2);
    const groupId = uniqueName("group");
    await produce(topic, 20, "lag");
    const consumer = await k.consumer({ groupId });
    const got: Received[] = await collect(consumer, topic);
    await eventually(() => got.length === 20, "20 messages");
    await stableWith(groupId, 1);
    await eventually(async () => {
      const [o] = await k.admin.fetchOffsets({ groupId, topics: [topic] });
      return o!.partitions.reduce((n, p) => n + Number(p.offset), 0) === 20;
    }, "auto-commit of 20 offsets");

    const high = await k.admin.fetchTopicOffsets(topic);
    expect(high.reduce((n, p) => n + Number(p.high), 0)).toBe(20);
    expect(high.every((p) => p.low === "0")).toBe(true);

    // all committed offsets of the group, without naming topics
    const all = await k.admin.fetchOffsets({ groupId });
    expect(all.map((t) => t.topic)).toEqual([topic]);

    const { groups } = await k.admin.describeGroups([groupId]);
    expect(groups[0]).toMatchObject({ groupId, state: "Stable", protocolType: "consumer", errorCode: 0 });
    expect(groups[0]!.protocol).toBe("RoundRobinAssigner");
    const member = groups[0]!.members[0]!;
    expect(member.clientId).toBe("conduit-test");
    const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
    expect(assignment?.assignment[topic]?.sort()).toEqual([0, 1]);
    const metadata = AssignerProtocol.MemberMetadata.decode(member.memberMetadata);
    expect(metadata?.topics).toEqual([topic]);

    const listed = await k.admin.listGroups();
    expect(listed.groups).toContainEqual({ groupId, protocolType: "consumer" });

    // an unknown group is "Dead" with no members
    const unknown = (await k.admin.describeGroups([uniqueName("nobody")])).groups[0]!;
    expect(unknown).toMatchObject({ state: "Dead", members: [], protocol: "", protocolType: "" });
  });

  it("deletes only empty groups, with their offsets", async () => {
    const topic = await k.topic(1);
    const groupId = uniqueName("group");
    await produce(topic, 3, "d");
    const consumer = await k.consumer({ groupId });
    const got = await collect(consumer, topic);
    await eventually(() => got.length === 3, "3 messages");
    await stableWith(groupId, 1);

    const busy = await k.admin.deleteGroups([groupId]).catch((e) => e);
    expect(busy.groups?.[0]?.error?.type).toBe("NON_EMPTY_GROUP");

    await consumer.disconnect();
    await eventually(
      async () => (await k.admin.describeGroups([groupId])).groups[0]!.state === "Empty",
      "empty",
    );
    expect(await k.admin.deleteGroups([groupId])).toEqual([{ groupId, errorCode: 0 }]);
    const [after] = await k.admin.fetchOffsets({ groupId, topics: [topic] });
    expect(after!.partitions).toEqual([{ partition: 0, offset: "-1", metadata: null }]);
    const again = await k.admin.deleteGroups([groupId]).catch((e) => e);
    expect(again.groups?.[0]?.error?.type).toBe("GROUP_ID_NOT_FOUND");
  });

  it("setOffsets on an empty group moves where the group starts", async () => {
    const topic = await k.topic(1);
    const groupId = uniqueName("group");
    await produce(topic, 10, "s");
    await k.admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: "7" }] });
    const [set] = await k.admin.fetchOffsets({ groupId, topics: [topic] });
    expect(set!.partitions[0]!.offset).toBe("7");

    const consumer = await k.consumer({ groupId });
    const got = await collect(consumer, topic);
    await eventually(() => got.length === 3, "offsets 7..9");
    expect(got.map((m) => m.offset)).toEqual([7, 8, 9]);
  });

  it("refuses a session timeout below group.min.session.timeout.ms", async () => {
    const topic = await k.topic(1);
    const consumer = k.kafka.consumer({
      ...FAST_CONSUMER,
      groupId: uniqueName("group"),
      sessionTimeout: 500,
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic });
      const crashed = new Promise<unknown>((resolve) =>
        consumer.on(consumer.events.CRASH, (e) => resolve(e.payload.error)),
      );
      await consumer.run({ eachMessage: async () => {} });
      const error = (await crashed) as { type?: string };
      expect(error.type).toBe("INVALID_SESSION_TIMEOUT");
    } finally {
      await consumer.disconnect();
    }
  });
});
