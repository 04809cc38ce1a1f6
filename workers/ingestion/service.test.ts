import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_POSTS } from "../../server/services/ingestion/fixtures";
import { ensurePipelineTopics } from "../../server/services/pipeline/kafka";
import { headerString, ingestionResultSchema, TASK_SCHEMA } from "../../server/services/pipeline/messages";
import { collect, testKafka, uniqueNames } from "../../server/services/pipeline/test-infra";
import { type IngestionService, startIngestionService } from "./service";

const tenantId = "0123456789abcdef01234567";
const postId = (n: number) => `aaaaaaaaaaaaaaaaaaaaaa${String(n).padStart(2, "0")}`;
const task = (
  n: number,
  version: number,
  post: { title: string; tags: readonly string[]; text: string } = SAMPLE_POSTS.cats,
) =>
  JSON.stringify({
    schema: TASK_SCHEMA,
    tenantId,
    postId: postId(n),
    version,
    title: post.title,
    tags: [...post.tags],
    text: post.text,
  });

describe("ingestion service", { timeout: 300_000 }, () => {
  let infra: Awaited<ReturnType<typeof testKafka>>;
  let service: IngestionService;
  const names = uniqueNames();

  beforeAll(async () => {
    infra = await testKafka();
    await ensurePipelineTopics(infra.kafka, names);
    service = await startIngestionService({ kafka: infra.kafka, names, log: pino({ level: "warn" }) });
  });
  afterAll(async () => {
    await service?.stop();
    await infra?.stop();
  });

  it("enriches tasks to results, forwards tombstones and dead-letters poison tasks without blocking", async () => {
    const producer = infra.kafka.producer();
    await producer.connect();
    const key = (n: number) => `${tenantId}:${postId(n)}`;
    // All on one key (one partition), in order: the poison ones sit between good ones.
    await producer.send({
      topic: names.tasksTopic,
      messages: [
        { key: key(1), value: task(1, 1) },
        { key: key(1), value: "{not json" },
        { key: key(1), value: JSON.stringify({ schema: 1, tenantId, postId: postId(1), version: "x" }) },
        { key: key(2), value: task(1, 1) }, // key does not match the task
        { key: key(1), value: task(1, 2, SAMPLE_POSTS.bread) },
        { key: key(1), value: null, headers: { version: "3" } },
        { key: `${tenantId}:*`, value: null, headers: { scope: "tenant" } },
      ],
    });
    await producer.disconnect();

    // Ends with the tenant tombstone (per partition, in the order sent).
    const results = await collect(
      infra.kafka,
      names.resultsTopic,
      (ms) =>
        ms.some((m) => String(m.key).endsWith(":*")) &&
        ms.some((m) => String(m.key) === key(1) && m.value === null),
      60_000,
    );
    const values = results
      .filter((m) => m.value)
      .map((m) => ingestionResultSchema.parse(JSON.parse(String(m.value))));
    // Version 1 may be superseded by version 2 when both arrive in one batch: newest wins.
    expect(values.map((v) => v.version).at(-1)).toBe(2);
    expect(values.every((v) => v.version === 1 || v.version === 2)).toBe(true);
    const v2 = values.find((v) => v.version === 2);
    expect(v2?.summary).toContain("sourdough");
    expect(v2?.embedding).toHaveLength(512);
    expect(v2?.keyConcepts).toContain("sourdough");
    // Per post, answers keep the tasks' order: the tombstone (v3) comes after the v2 result.
    expect(results.filter((m) => String(m.key) === key(1)).at(-1)?.value).toBeNull();
    // The two keys may sit on different partitions, so their relative order is not fixed.
    const tombstones = results.filter((m) => m.value === null);
    expect(tombstones.map((m) => String(m.key)).sort()).toEqual([key(1), `${tenantId}:*`].sort());
    const postTombstone = tombstones.find((m) => String(m.key) === key(1));
    const tenantTombstone = tombstones.find((m) => String(m.key) === `${tenantId}:*`);
    expect(headerString(postTombstone?.headers?.version)).toBe("3");
    expect(headerString(tenantTombstone?.headers?.scope)).toBe("tenant");

    const dead = await collect(infra.kafka, names.deadLetterTopic, (ms) => ms.length >= 3, 30_000);
    expect(dead).toHaveLength(3);
    // Two partitions feed the dead-letter topic: compare as a set.
    expect(dead.map((m) => headerString(m.headers?.error))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/JSON/i),
        expect.stringMatching(/version|schema|expected/i),
        expect.stringMatching(/does not match/),
      ]),
    );
    expect(dead.map((m) => String(m.value))).toContain("{not json");
    expect(service.stats.deadLettered).toBe(3);
  });

  it("enriches a (post, version) once even when the task is delivered twice", async () => {
    const before = service.stats.processed;
    const producer = infra.kafka.producer();
    await producer.connect();
    const key = `${tenantId}:${postId(7)}`;
    await producer.send({ topic: names.tasksTopic, messages: [{ key, value: task(7, 1) }] });
    await producer.send({ topic: names.tasksTopic, messages: [{ key, value: task(7, 1) }] });
    await collect(infra.kafka, names.resultsTopic, (ms) => ms.some((m) => String(m.key) === key));
    // Delivered again after its result was produced (as after a rebalance), then a new version.
    await producer.send({ topic: names.tasksTopic, messages: [{ key, value: task(7, 1) }] });
    await producer.send({ topic: names.tasksTopic, messages: [{ key, value: task(7, 2) }] });
    await producer.disconnect();
    const results = await collect(infra.kafka, names.resultsTopic, (ms) =>
      ms.some((m) => String(m.key) === key && m.value && JSON.parse(String(m.value)).version === 2),
    );
    const mine = results.filter((m) => String(m.key) === key).map((m) => JSON.parse(String(m.value)).version);
    expect(mine).toEqual([1, 2]);
    expect(service.stats.processed - before).toBe(2);
    expect(service.stats.skippedDuplicates).toBeGreaterThanOrEqual(1);
  });

  it("commits offsets only after producing: the group's committed offset reaches the end", async () => {
    const admin = infra.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(names.tasksTopic);
    const committed = await admin.fetchOffsets({ groupId: names.ingestionGroup, topics: [names.tasksTopic] });
    await admin.disconnect();
    const total = ends.reduce((s, e) => s + Number(e.high), 0);
    const done = (committed[0]?.partitions ?? []).reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
    expect(done).toBe(total);
  });
});
