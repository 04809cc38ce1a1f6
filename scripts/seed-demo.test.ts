import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { DatabaseService } from "../server/db";
import { DEMO_BLOGS, DEMO_USER } from "./lib/demo-content";
import { binary, repoRoot } from "./lib/paths";

const prefix = `t${randomBytes(5).toString("hex")}`;
const db = new DatabaseService({ uri: inject("mongoUri"), prefix });

function runSeed() {
  return spawnSync(binary("tsx"), ["scripts/seed-demo.ts"], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, MONGODB_URI: inject("mongoUri"), MONGODB_DB_PREFIX: prefix, LOG_LEVEL: "warn" },
  });
}

afterAll(async () => {
  const { databases } = await db.client().db("admin").admin().listDatabases({ nameOnly: true });
  await Promise.all(
    databases
      .filter((d) => d.name.startsWith(`${prefix}_`))
      .map((d) => db.client().db(d.name).dropDatabase()),
  );
  await db.close();
});

// Each test runs the seed (a full process: the whole service container) two or three times.
describe("demo seed", { timeout: 240_000 }, () => {
  it("creates the demo login, three active blogs and their published posts, and is idempotent", async () => {
    const first = runSeed();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/created the demo login/);

    const second = runSeed();
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).not.toMatch(/created|added/);

    const master = db.master();
    const users = await master.users.find({ email: DEMO_USER.email }).toArray();
    expect(users).toHaveLength(1);
    const owner = users[0]!;

    for (const blog of DEMO_BLOGS) {
      const tenant = await master.tenants.findOne({ slug: blog.slug });
      expect(tenant?.status).toBe("active");
      expect(tenant?.ownerId.equals(owner._id)).toBe(true);
      const role = await master.memberships.findOne({ tenantId: tenant!._id, userId: owner._id });
      expect(role?.role).toBe("owner");

      const posts = await db.forTenant(tenant!).posts.find().toArray();
      expect(posts.map((p) => p.slug).sort()).toEqual(blog.posts.map((p) => p.slug).sort());
      for (const post of posts) {
        expect(post.status).toBe("published");
        expect(post.content).toMatchObject({ type: "doc" });
        // Written through the posts service: rendered once, ready for the reader.
        expect(post.html).toMatch(/^<p>/);
        expect(post.wordCount).toBeGreaterThan(10);
        expect(post.publishedAt).toBeInstanceOf(Date);
      }
    }
  });

  it("finishes a blog whose provisioning failed instead of skipping it", async () => {
    const tenants = db.master().tenants;
    const stuck = DEMO_BLOGS[1]!.slug;
    await tenants.updateOne(
      { slug: stuck },
      { $set: { status: "failed", failureReason: "simulated", updatedAt: new Date(0) } },
    );
    const run = runSeed();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`finished setting up the blog ${stuck}`));
    expect((await tenants.findOne({ slug: stuck }))?.status).toBe("active");
  });
});
