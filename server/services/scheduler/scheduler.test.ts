import { ObjectId } from "mongodb";
import { afterEach, describe, expect, it } from "vitest";
import type { TenantDoc } from "@/server/db";
import { deleteRedisPrefix, type FeedTestbed, feedTestbed } from "../feed/test-kit";
import type { PostActor } from "../posts/permissions";
import { publishJobId, SCHEDULER_QUEUE } from "./queues";
import {
  mongoTarget,
  spawnWorkerProcess,
  startInProcessWorker,
  startSlowProxy,
  until,
  workerEnv,
} from "./worker-kit";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const t = await feedTestbed();
  cleanups.push(t.cleanup);
  const tenant = await t.blog(`sch-${Math.random().toString(36).slice(2, 8)}`);
  const actor: PostActor = { userId: t.owner.user._id, role: "owner" };
  return { ...t, tenant, actor };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** A draft written through the studio's service, then scheduled `inMs` from now. */
async function scheduled(t: Setup, title: string, inMs: number) {
  const draft = await t.services.posts.create(t.tenant, t.actor, { title });
  const state = await t.services.posts.schedule(t.tenant, t.actor, draft.id, new Date(Date.now() + inMs));
  return { id: draft.id, version: state.version, publishAt: state.publishAt as Date };
}

const post = (t: Setup, id: string) => t.db.forTenant(t.tenant).posts.findOne({ _id: new ObjectId(id) });

const feedRow = (t: FeedTestbed, tenant: TenantDoc, id: string) =>
  t.db
    .master()
    .globalFeed.findOne({ tenantId: tenant._id, postId: new ObjectId(id), removedAt: { $exists: false } });

const publishRevisions = (t: Setup, id: string) =>
  t.db.forTenant(t.tenant).revisions.countDocuments({ postId: new ObjectId(id), reason: "publish" });

describe("scheduler: exact publishing", () => {
  it("publishes a scheduled post by its delayed job at publishAt — not before, with no sweep", async () => {
    const t = await setup();
    const worker = await startInProcessWorker(t);
    cleanups.push(worker.stop);
    const s = await scheduled(t, "Exactly on time", 1_500);
    // The job waits in Redis under the id of this post version; the master index has the entry.
    const job = await t.queues.queue(SCHEDULER_QUEUE).getJob(publishJobId(t.tenant._id, s.id, s.version));
    expect(await job?.getState()).toBe("delayed");
    expect(await t.db.master().scheduledPosts.countDocuments({ postId: (await post(t, s.id))!._id })).toBe(1);

    const row = await until(() => feedRow(t, t.tenant, s.id));
    await until(async () => ((await post(t, s.id))?.syncedVersion ?? 0) >= s.version + 1);
    const doc = await post(t, s.id);
    expect(doc).toMatchObject({ status: "published", version: s.version + 1, syncedVersion: s.version + 1 });
    expect(row.version).toBe(s.version + 1);
    // Never early: the publish (and so the feed row) comes at or after the scheduled time.
    expect(doc!.publishedAt!.getTime()).toBeGreaterThanOrEqual(s.publishAt.getTime());
    expect(row.updatedAt.getTime()).toBeGreaterThanOrEqual(s.publishAt.getTime());
    expect(await t.db.master().scheduledPosts.countDocuments({})).toBe(0);
    const published = worker.logLines().filter((l) => l.msg === "scheduler: published");
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ postId: s.id, version: s.version + 1 });
  });

  it("a reschedule replaces the job; a cancel removes it; the old job publishes nothing", async () => {
    const t = await setup();
    const later = await scheduled(t, "Moved earlier", 3_600_000);
    const queue = t.queues.queue(SCHEDULER_QUEUE);
    const oldJob = publishJobId(t.tenant._id, later.id, later.version);
    expect(await queue.getJob(oldJob)).toBeTruthy();

    const moved = await t.services.posts.schedule(t.tenant, t.actor, later.id, new Date(Date.now() + 1_200));
    expect(await queue.getJob(oldJob)).toBeFalsy();
    expect(await (await queue.getJob(publishJobId(t.tenant._id, later.id, moved.version)))?.getState()).toBe(
      "delayed",
    );

    const cancelled = await scheduled(t, "Called off", 1_000);
    await t.services.posts.cancelSchedule(t.tenant, t.actor, cancelled.id);
    expect(await queue.getJob(publishJobId(t.tenant._id, cancelled.id, cancelled.version))).toBeFalsy();

    // Even a job left behind (e.g. removal failed) finds its version outdated and does nothing.
    await t.scheduler.enqueuePublish(
      t.tenant._id,
      (await post(t, cancelled.id))!._id,
      cancelled.version,
      new Date(),
    );
    const worker = await startInProcessWorker(t);
    cleanups.push(worker.stop);
    await until(() => feedRow(t, t.tenant, later.id));
    await until(
      async () =>
        (await queue.getJobState(publishJobId(t.tenant._id, cancelled.id, cancelled.version))) ===
        "completed",
    );
    expect(await post(t, cancelled.id)).toMatchObject({ status: "draft" });
    expect(await feedRow(t, t.tenant, cancelled.id)).toBeNull();
    expect(await post(t, later.id)).toMatchObject({ status: "published", version: moved.version + 1 });
    expect(await publishRevisions(t, later.id)).toBe(1);
  });

  it("two workers, their jobs and concurrent sweeps publish each post exactly once, one feed row each", async () => {
    const t = await setup();
    const posts = await Promise.all(Array.from({ length: 8 }, (_, i) => scheduled(t, `Race ${i}`, 800)));
    const a = await startInProcessWorker(t);
    const b = await startInProcessWorker(t);
    cleanups.push(a.stop, b.stop);
    await new Promise((r) => setTimeout(r, 900));
    // Both processes also sweep at the same moment the jobs fire.
    await Promise.all([
      a.runtime.services.scheduler.sweep({ horizonMs: 0 }),
      b.runtime.services.scheduler.sweep({ horizonMs: 0 }),
      a.runtime.services.scheduler.sweep({ horizonMs: 0 }),
    ]);
    for (const p of posts) await until(() => feedRow(t, t.tenant, p.id));
    for (const p of posts) {
      expect(await post(t, p.id)).toMatchObject({ status: "published", version: p.version + 1 });
      expect(await publishRevisions(t, p.id)).toBe(1);
      expect(await t.db.master().globalFeed.countDocuments({ postId: (await post(t, p.id))!._id })).toBe(1);
    }
  });

  it("Redis flushed mid-way: the sweep publishes what is due and re-adds the jobs of what is not", async () => {
    const t = await setup();
    const due = await Promise.all([scheduled(t, "Due one", 300), scheduled(t, "Due two", 300)]);
    const soon = await scheduled(t, "Soon", 4_000);
    // Every job (and the queue itself) is gone, as after a Redis restart without persistence.
    await deleteRedisPrefix(t.redis, t.redisPrefix);
    expect(await t.queues.queue(SCHEDULER_QUEUE).getJobCounts("delayed")).toMatchObject({ delayed: 0 });
    await new Promise((r) => setTimeout(r, 400));

    // The worker's start-up sweep reads the master index.
    const worker = await startInProcessWorker(t);
    cleanups.push(worker.stop);
    for (const p of due) await until(() => feedRow(t, t.tenant, p.id));
    // The future post got its exact job back (the next periodic sweep is 10 minutes away).
    const job = await until(() =>
      t.queues.queue(SCHEDULER_QUEUE).getJob(publishJobId(t.tenant._id, soon.id, soon.version)),
    );
    expect(["delayed", "active", "completed"]).toContain(await job.getState());
    const row = await until(() => feedRow(t, t.tenant, soon.id));
    expect(row.updatedAt.getTime()).toBeGreaterThanOrEqual(soon.publishAt.getTime());
    for (const p of [...due, soon]) expect(await publishRevisions(t, p.id)).toBe(1);
  });

  it("the deep pass finds a scheduled post missing from the index and a published post whose feed sync was lost", async () => {
    const t = await setup();
    const lost = await t.insertPost(t.tenant, {
      slug: "never-indexed",
      status: "scheduled",
      publishAt: new Date(Date.now() - 60_000),
      publishedAt: null,
      version: 4,
      syncedVersion: 3,
    });
    const unsynced = await t.insertPost(t.tenant, { slug: "fanout-crashed", version: 2, syncedVersion: 1 });
    const future = await t.insertPost(t.tenant, {
      slug: "future-unindexed",
      status: "scheduled",
      publishAt: new Date(Date.now() + 3_600_000),
      publishedAt: null,
      version: 2,
      syncedVersion: 2,
    });
    expect(await t.scheduler.sweep({ horizonMs: 0 })).toEqual({ published: 0, requeued: 0 });

    const result = await t.scheduler.deepPassPage(null, { pageSize: 50 });
    expect(result.posts).toBe(3);
    expect(await t.db.forTenant(t.tenant).posts.findOne({ _id: lost._id })).toMatchObject({
      status: "published",
      version: 5,
      syncedVersion: 5,
    });
    expect(await feedRow(t, t.tenant, lost._id.toHexString())).toMatchObject({ slug: "never-indexed" });
    expect(await feedRow(t, t.tenant, unsynced._id.toHexString())).toMatchObject({ version: 2 });
    // The future post is back in the index and has its job.
    expect(await t.db.master().scheduledPosts.findOne({ postId: future._id })).toMatchObject({ version: 2 });
    expect(
      await t.queues.queue(SCHEDULER_QUEUE).getJob(publishJobId(t.tenant._id, future._id, 2)),
    ).toBeTruthy();
    // Nothing is behind any more: a second pass has nothing to do.
    expect((await t.scheduler.deepPassPage(null, { pageSize: 50 })).posts).toBe(1);
  });
});

describe("worker process", () => {
  it("killed with SIGKILL mid-job: another worker takes the job over and the post is published once", async () => {
    const t = await setup();
    const proxy = await startSlowProxy(mongoTarget(), 0);
    cleanups.push(proxy.close);
    const child = await spawnWorkerProcess(workerEnv(t, { MONGODB_URI: proxy.uri }));
    proxy.setDelay(60);
    cleanups.push(async () => {
      child.child.kill("SIGKILL");
      await child.exited;
    });
    const s = await scheduled(t, "Survives a crash", 1_000);
    const id = (await post(t, s.id))!._id;

    // Killed between the publish and the feed upsert: the post says published, the feed has nothing.
    await until(async () => {
      const doc = await t.db.forTenant(t.tenant).posts.findOne({ _id: id });
      return doc?.status === "published" && (doc.syncedVersion ?? 0) < doc.version;
    }, 5);
    child.child.kill("SIGKILL");
    expect(await child.exited).toBe("SIGKILL");
    expect(await feedRow(t, t.tenant, s.id)).toBeNull();

    const worker = await startInProcessWorker(t);
    cleanups.push(worker.stop);
    await until(() => feedRow(t, t.tenant, s.id));
    await until(async () => ((await post(t, s.id))?.syncedVersion ?? 0) === s.version + 1);
    // Published once: one version step, one feed row.
    expect(await post(t, s.id)).toMatchObject({ status: "published", version: s.version + 1 });
    expect(await t.db.master().globalFeed.countDocuments({ postId: id })).toBe(1);
  });

  it("SIGTERM: the running job finishes before the process exits 0", async () => {
    const t = await setup();
    const proxy = await startSlowProxy(mongoTarget(), 0);
    cleanups.push(proxy.close);
    const child = await spawnWorkerProcess(workerEnv(t, { MONGODB_URI: proxy.uri }));
    proxy.setDelay(60);
    cleanups.push(async () => {
      child.child.kill("SIGKILL");
      await child.exited;
    });
    const s = await scheduled(t, "Finished on shutdown", 800);
    const job = publishJobId(t.tenant._id, s.id, s.version);
    await until(async () => (await t.queues.queue(SCHEDULER_QUEUE).getJobState(job)) === "active", 5);
    child.child.kill("SIGTERM");
    expect(await child.exited).toBe(0);
    // No other worker ran: the one that stopped finished the job itself.
    expect(await feedRow(t, t.tenant, s.id)).toMatchObject({ version: s.version + 1 });
    expect(await t.queues.queue(SCHEDULER_QUEUE).getJobState(job)).toBe("completed");
    expect(child.output.some((l) => l.includes("worker stopped"))).toBe(true);
  });
});
