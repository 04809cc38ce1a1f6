/**
 * Test helpers for the reader: real services on the shared test Mongo and the local Redis (own
 * key prefix), blogs and posts written through the app's code (bodies rendered by the shared
 * renderer), and a front server on a free port whose non-reader fallback answers 404.
 */
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Redis } from "ioredis";
import { ObjectId } from "mongodb";
import type { PostDoc, SettingsDoc, TenantDoc, Theme } from "@/server/db";
import { callerFrom } from "@/server/http/caller";
import { renderDocument } from "@/server/services/render";
import { uniqueRedisPrefix } from "@/test/support/mongo";
import { createTestServices, createUser, memoryLogger, TEST_ROOT_DOMAIN } from "@/test/support/services";
import { buildReaderAssets } from "./assets";
import { createFrontServer } from "./front-server";

export const text = (t: string, marks?: unknown[]) => ({
  type: "text",
  text: t,
  ...(marks ? { marks } : {}),
});
export const para = (...parts: unknown[]) => ({ type: "paragraph", content: parts });
export const heading = (level: number, t: string) => ({
  type: "heading",
  attrs: { level },
  content: [text(t)],
});
export const doc = (...content: unknown[]) => ({ type: "doc", content });

export async function readerFixture() {
  const redisPrefix = uniqueRedisPrefix();
  const redis = new Redis(process.env.REDIS_URL || "redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  const t = await createTestServices({ redis, redisPrefix });
  const owner = await createUser(t.services, "Ada");
  const caller = callerFrom(owner.session, { ip: "203.0.113.9", requestId: "req-reader" });
  const stops: (() => Promise<void>)[] = [];

  async function blog(slug: string, theme: Theme = "classic", name = `Blog ${slug}`): Promise<TenantDoc> {
    await t.services.tenants.create({ name, slug, theme }, caller);
    const tenant = await t.services.tenants.findActiveBySlug(slug);
    if (!tenant) throw new Error(`blog ${slug} not active`);
    return tenant;
  }

  async function settings(tenant: TenantDoc, patch: Partial<SettingsDoc>): Promise<void> {
    await t.db.forTenant(tenant).settings.updateOne({ _id: "blog" }, { $set: patch });
  }

  let clock = Date.UTC(2026, 0, 1);
  /** A published post written as the posts service stores it: the body rendered and sanitized. */
  async function post(
    tenant: TenantDoc,
    p: Partial<PostDoc> & { slug: string; body?: unknown },
  ): Promise<PostDoc> {
    clock += 3_600_000;
    const at = p.publishedAt ?? new Date(clock);
    const content = p.body ?? doc(para(text(`Body of ${p.slug}.`)));
    const rendered = renderDocument(content);
    const { body: _b, ...rest } = p;
    const d: PostDoc = {
      _id: new ObjectId(),
      title: `Title of ${p.slug}`,
      content,
      html: rendered.html,
      text: rendered.text,
      wordCount: rendered.wordCount,
      readingMinutes: rendered.readingMinutes,
      excerpt: `About ${p.slug}`,
      tags: [],
      status: "published",
      publishAt: null,
      publishedAt: at,
      authorIds: [owner.user._id],
      version: 1,
      syncedVersion: 0,
      createdAt: at,
      updatedAt: at,
      ...rest,
    };
    await t.db.forTenant(tenant).posts.insertOne(d);
    return d;
  }

  async function front(opts: { pageCache?: boolean } = {}) {
    const assets = await buildReaderAssets(path.resolve(import.meta.dirname, "../.."));
    const subscriber = new Redis(process.env.REDIS_URL || "redis://127.0.0.1:6379", {
      maxRetriesPerRequest: null,
    });
    const { log } = memoryLogger();
    const env = {
      ROOT_DOMAIN: TEST_ROOT_DOMAIN,
      PUBLIC_PROTOCOL: "http" as const,
      REDIS_PREFIX: redisPrefix,
    };
    const f = await createFrontServer({
      env,
      services: t.services,
      log,
      assets,
      pageCache: opts.pageCache,
      subscriber,
      fallback: (_req, res) => {
        res.writeHead(404, { "content-type": "text/plain", "x-fallback": "next" });
        res.end("fallback");
      },
    });
    await new Promise<void>((resolve) => f.server.listen(0, "127.0.0.1", resolve));
    const port = (f.server.address() as AddressInfo).port;
    stops.push(async () => {
      f.server.closeAllConnections();
      await new Promise<void>((resolve) => f.server.close(() => resolve()));
      await f.close();
      subscriber.disconnect();
    });

    /** A request as a browser on `<slug>.<root>` would send it (Node's resolver knows no *.localhost). */
    function get(
      slug: string | null,
      pathname: string,
      init: { method?: string; headers?: Record<string, string>; body?: string } = {},
    ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
      return new Promise((resolve, reject) => {
        const req = httpRequest(
          {
            host: "127.0.0.1",
            port,
            path: pathname,
            method: init.method ?? "GET",
            headers: { host: slug ? `${slug}.${TEST_ROOT_DOMAIN}` : TEST_ROOT_DOMAIN, ...init.headers },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: Buffer.concat(chunks).toString("utf8"),
              }),
            );
          },
        );
        req.on("error", reject);
        req.end(init.body);
      });
    }

    function api(slug: string, name: string, body: unknown, token?: string) {
      return get(slug, `/api/reader/${name}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent":
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126 Safari/537.36",
          ...(token ? { authorization: `Token ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    }

    return { ...f, port, get, api };
  }

  async function cleanup() {
    for (const stop of stops.splice(0)) await stop();
    const keys = await redis.keys(`${redisPrefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await t.cleanup();
  }

  return { ...t, owner, caller, redis, redisPrefix, blog, settings, post, front, cleanup };
}
