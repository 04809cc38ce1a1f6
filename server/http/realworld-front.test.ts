import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "@/server/services/container";
import { dropPrefixedDatabases, testMongoUri, uniquePrefix, uniqueRedisPrefix } from "@/test/support/mongo";

/**
 * The front server's RealWorld route (`scripts/serve.ts` mounts it ahead of Next): it answers the
 * API's reads with the same router as Next's route files, and leaves everything else to Next.
 */

const ROOT = "localhost:3102";
let services: Services;
let server: Server;
let port = 0;
const fellThrough: string[] = [];

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(method: string, path: string, host: string, headers: Record<string, string> = {}) {
  return new Promise<Answer>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers: { host, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  Object.assign(process.env, {
    MONGODB_URI: testMongoUri(),
    MONGODB_DB_PREFIX: uniquePrefix(),
    REDIS_PREFIX: uniqueRedisPrefix(),
    ROOT_DOMAIN: ROOT,
    AUTH_SECRETS: `rwfront:${"b".repeat(40)}`,
    LOG_LEVEL: "silent",
  });
  const { env } = await import("@/server/env");
  const { log } = await import("@/server/log");
  const { getServices } = await import("@/server/services/container");
  const { realWorldFrontRoute } = await import("./realworld-front");
  services = getServices();
  await services.db.ensureMasterIndexes();
  const route = realWorldFrontRoute({ services: getServices, env, log });
  server = createServer((req, res) => {
    void route(req, res).then((handled) => {
      if (handled) return;
      fellThrough.push(`${req.method} ${req.headers.host} ${req.url}`);
      res.writeHead(299, { "content-type": "text/plain" });
      res.end("next");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (!services) return;
  await services.queues.dispose({ deleteKeys: true }).catch(() => undefined);
  await dropPrefixedDatabases(services.db);
});

describe("realWorldFrontRoute", () => {
  it("answers the API's reads on the root domain and blog hosts, with the router's shapes, codes and CORS", async () => {
    const list = await call("GET", "/api/articles?limit=5", ROOT);
    expect(list.status).toBe(200);
    expect(JSON.parse(list.body)).toEqual({ articles: [], articlesCount: 0 });
    expect(list.headers["access-control-allow-origin"]).toBe("*");
    expect(list.headers["content-type"]).toMatch(/application\/json/);
    expect(Number(list.headers["content-length"])).toBe(Buffer.byteLength(list.body));

    const head = await call("HEAD", "/api/articles", ROOT);
    expect(head.status).toBe(200);
    expect(head.body).toBe("");

    const bad = await call("GET", "/api/articles?limit=0", ROOT);
    expect(bad.status).toBe(422);
    expect(JSON.parse(bad.body)).toEqual({ errors: { limit: ["must be at least 1"] } });
    const missing = await call("GET", "/api/articles/nobody~nothing", ROOT);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toEqual({ errors: { article: ["not found"] } });
    const noBlog = await call("GET", "/api/articles", `no-such-blog.${ROOT}`);
    expect(noBlog.status).toBe(404);
    expect(JSON.parse(noBlog.body)).toEqual({ errors: { blog: ["not found"] } });
    const badToken = await call("GET", "/api/articles", ROOT, { authorization: "Token not.a.token" });
    expect(badToken.status).toBe(401);
    expect((await call("GET", "/api/articles/feed", ROOT)).status).toBe(401);
    expect((await call("GET", "/api/tags", ROOT)).status).toBe(200);

    const preflight = await call("OPTIONS", "/api/articles", ROOT, {
      origin: "https://front.example",
      "access-control-request-method": "POST",
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-methods"]).toContain("POST");
    expect(fellThrough).toEqual([]);
  });

  it("leaves writes, sign-in, the current user, other paths and other hosts to Next", async () => {
    fellThrough.length = 0;
    for (const [method, path, host] of [
      ["POST", "/api/articles", ROOT],
      ["DELETE", "/api/articles/a~b", ROOT],
      ["GET", "/api/user", ROOT],
      ["POST", "/api/users/login", ROOT],
      ["GET", "/api/feed", ROOT],
      ["GET", "/api/trpc/x", ROOT],
      ["GET", "/articles", ROOT],
      ["GET", "/api/articles", "elsewhere.example"],
    ] as const) {
      const res = await call(method, path, host);
      expect(res.status, `${method} ${host}${path}`).toBe(299);
    }
    expect(fellThrough).toHaveLength(8);
  });
});
