/**
 * Demo content for `npm run dev`: the demo login and three blogs with a couple of published
 * posts each. Goes through the real services (sign-up, tenant provisioning) so it stays in step
 * with the app, and checks before every write, so it is safe to run on every start.
 * Standalone: `npx tsx scripts/seed-demo.ts` (uses MONGODB_URI / MONGODB_DB_PREFIX).
 */
import { ObjectId } from "mongodb";
import { DatabaseService, type TenantDoc } from "../server/db";
import { env } from "../server/env";
import { isAppError } from "../server/errors";
import { log } from "../server/log";
import { createServices, type Services } from "../server/services/container";
import type { Caller } from "../server/services/tenants/tenants-service";
import { DEMO_BLOGS, DEMO_USER, type DemoBlog, tiptapDoc } from "./lib/demo-content";

const say = (line: string) => console.log(line);

async function demoCaller(services: Services): Promise<Caller> {
  let user = await services.users.findByEmail(DEMO_USER.email);
  if (!user) {
    user = await services.users.signUp(DEMO_USER);
    say(`created the demo login ${DEMO_USER.email}`);
  }
  return {
    userId: user._id.toHexString(),
    email: user.email,
    platformAdmin: user.platformAdmin,
    ip: null,
    requestId: "seed-demo",
  };
}

/** The blog as an active tenant, creating or finishing it when needed; null when not ours. */
async function ensureBlog(services: Services, blog: DemoBlog, caller: Caller): Promise<TenantDoc | null> {
  const existing = await services.db.master().tenants.findOne({ slug: blog.slug });
  if (existing && !existing.ownerId.equals(new ObjectId(caller.userId))) {
    say(`skipped ${blog.slug}: that address belongs to someone else`);
    return null;
  }
  if (existing?.status === "deleted") {
    say(`skipped ${blog.slug}: it was deleted`);
    return null;
  }
  if (!existing) {
    await services.tenants.create({ name: blog.name, slug: blog.slug, theme: blog.theme }, caller);
    say(`created the blog ${blog.slug}`);
  } else if (existing.status !== "active") {
    await services.tenants.retry(blog.slug, caller);
    say(`finished setting up the blog ${blog.slug}`);
  }
  return services.tenants.findActiveBySlug(blog.slug);
}

/**
 * Each demo post through the posts service (create, save, publish), so it carries the rendered
 * HTML, text and reading time like any post written in the editor. Existing posts are left alone,
 * except ones seeded before the renderer existed, which get their HTML now.
 */
async function ensurePosts(services: Services, tenant: TenantDoc, blog: DemoBlog, authorId: ObjectId) {
  const { posts } = services.db.forTenant(tenant);
  const actor = { userId: authorId, role: "owner" as const };
  let added = 0;
  for (const post of blog.posts) {
    const existing = await posts.findOne(
      { slug: post.slug },
      { projection: { _id: 1, html: 1, version: 1, content: 1 } },
    );
    if (existing) {
      if (existing.html === undefined) {
        await services.posts.save(tenant, actor, existing._id.toHexString(), {
          baseVersion: existing.version,
          content: existing.content,
        });
        say(`rendered ${blog.slug}/${post.slug}`);
      }
      continue;
    }
    const draft = await services.posts.create(tenant, actor, { title: post.title, content: tiptapDoc(post) });
    const saved = await services.posts.save(tenant, actor, draft.id, {
      baseVersion: draft.version,
      slug: post.slug,
      tags: post.tags,
    });
    if (!saved.ok) throw new Error(`demo post ${post.slug} changed while seeding`);
    await services.posts.publish(tenant, actor, draft.id, saved.post.version);
    // Spread the demo posts over the last days so the blog has a plausible order (not a content change).
    const at = new Date(Date.now() - post.daysAgo * 86_400_000);
    await posts.updateOne({ _id: new ObjectId(draft.id) }, { $set: { publishedAt: at, createdAt: at } });
    added++;
  }
  if (added) say(`added ${added} post(s) to ${blog.slug}`);
}

async function main(): Promise<void> {
  const db = new DatabaseService({ uri: env.MONGODB_URI, prefix: env.MONGODB_DB_PREFIX });
  const services = createServices({ db, log, env });
  try {
    await db.ensureMasterIndexes();
    const caller = await demoCaller(services);
    for (const blog of DEMO_BLOGS) {
      const tenant = await ensureBlog(services, blog, caller);
      if (tenant) await ensurePosts(services, tenant, blog, new ObjectId(caller.userId));
    }
    say("demo content is in place");
  } finally {
    await db.close();
  }
}

// Exit explicitly: publishing runs the post fan-out (feed, scheduler queues, reader purges), whose
// Redis and queue connections would otherwise keep the process alive.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    const message = isAppError(error) ? `${error.code}: ${error.message}` : String(error);
    console.error(`demo seed failed: ${message}`);
    process.exit(1);
  },
);
