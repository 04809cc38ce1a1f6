import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_POSTS } from "../../server/services/ingestion/fixtures";
import { summarize } from "../../server/services/ingestion/summary";
import { ensurePipelineTopics } from "../../server/services/pipeline/kafka";
import { headerString, ingestionResultSchema, TASK_SCHEMA } from "../../server/services/pipeline/messages";
import { collect, eventually, testKafka, uniqueNames } from "../../server/services/pipeline/test-infra";
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
    // The counter moves once the service's produce is acknowledged, which may come after the
    // reader above saw the result.
    await eventually(async () => service.stats.processed - before >= 2);
    expect(service.stats.processed - before).toBe(2);
    expect(service.stats.skippedDuplicates).toBeGreaterThanOrEqual(1);
  });

  it("a burst of several posts (two versions each) across partitions: every post's newest version, in order per post", async () => {
    const producer = infra.kafka.producer();
    await producer.connect();
    const posts = [20, 21, 22, 23, 24, 25];
    const samples = [SAMPLE_POSTS.cats, SAMPLE_POSTS.bread, SAMPLE_POSTS.alps];
    // Sent in one request: the service takes them in large batches, several posts per model call.
    await producer.send({
      topic: names.tasksTopic,
      messages: posts.flatMap((n, i) => [
        { key: `${tenantId}:${postId(n)}`, value: task(n, 1, samples[i % samples.length]) },
        { key: `${tenantId}:${postId(n)}`, value: task(n, 2, samples[(i + 1) % samples.length]) },
      ]),
    });
    await producer.disconnect();
    const mine = (ms: { key: Buffer | null; value: Buffer | null }[]) =>
      ms.filter((m) => m.value && posts.some((n) => String(m.key) === `${tenantId}:${postId(n)}`));
    const results = await collect(infra.kafka, names.resultsTopic, (ms) => {
      const versions = mine(ms).map((m) => JSON.parse(String(m.value)).version);
      return versions.filter((v) => v === 2).length >= posts.length;
    });
    for (const [i, n] of posts.entries()) {
      const answers = results
        .filter((m) => String(m.key) === `${tenantId}:${postId(n)}`)
        .map((m) => ingestionResultSchema.parse(JSON.parse(String(m.value))));
      // Version 1 may be superseded within the batch; never after version 2.
      expect(answers.map((a) => a.version)).toEqual(answers.length === 1 ? [2] : [1, 2]);
      const newest = answers.at(-1);
      const sample = samples[(i + 1) % samples.length] as (typeof samples)[number];
      expect(newest?.summary).toBe(summarize(sample.title, sample.text));
      expect(newest?.embedding).toHaveLength(512);
    }
  });

  it("commits offsets only after producing: the group's committed offset reaches the end", async () => {
    const admin = infra.kafka.admin();
    await admin.connect();
    // A chunk's offsets are committed right after its results are acknowledged: the last chunk's
    // commit may land a moment after its results were read above.
    const offsets = async () => {
      const ends = await admin.fetchTopicOffsets(names.tasksTopic);
      const committed = await admin.fetchOffsets({
        groupId: names.ingestionGroup,
        topics: [names.tasksTopic],
      });
      const total = ends.reduce((s, e) => s + Number(e.high), 0);
      const done = (committed[0]?.partitions ?? []).reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
      return { total, done };
    };
    const { total, done } = await eventually(async () => {
      const o = await offsets();
      return o.done >= o.total ? o : null;
    });
    await admin.disconnect();
    expect(done).toBe(total);
  });
});
