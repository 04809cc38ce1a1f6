import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SESSION_COOKIE } from "@/server/auth/cookies";
import { handleTrpcRequest } from "@/server/http/trpc-handler";
import { createCaller } from "@/server/routers";
import {
  contextFor,
  createTestServices,
  createUser,
  TEST_ROOT_DOMAIN,
  type TestServices,
} from "@/test/support/services";
import { trpcFrontRoute, trpcTarget } from "./trpc-route";

describe("trpcTarget: the tenant of a tRPC call, as middleware.ts derives it", () => {
  const root = TEST_ROOT_DOMAIN;
  it("binds a blog's host to that blog", () => {
    expect(trpcTarget("tides.localhost:3101", "/api/trpc/posts.save", root)).toEqual({
      slug: "tides",
      endpoint: "/api/trpc",
    });
    expect(trpcTarget("TIDES.localhost:3101", "/api/trpc", root)?.slug).toBe("tides");
  });
  it("binds the studio path on the root domain to the slug in the path, lower-cased", () => {
    expect(trpcTarget("localhost:3101", "/studio/Tides/api/trpc/posts.save", root)).toEqual({
      slug: "tides",
      endpoint: "/studio/Tides/api/trpc",
    });
    expect(trpcTarget("localhost:3101", "/api/trpc/tenants.mine", root)).toEqual({
      slug: null,
      endpoint: "/api/trpc",
    });
  });
  it("leaves everything else to Next", () => {
    // Not tRPC, a studio path on a blog's host (a reader path there), malformed slugs, other hosts.
    expect(trpcTarget("localhost:3101", "/api/trpcx/a", root)).toBeNull();
    expect(trpcTarget("localhost:3101", "/studio/tides/posts", root)).toBeNull();
    expect(trpcTarget("tides.localhost:3101", "/studio/tides/api/trpc/posts.save", root)).toBeNull();
    expect(trpcTarget("localhost:3101", "/studio/no%20pe/api/trpc/x", root)).toBeNull();
    expect(trpcTarget("localhost:3101", "/studio/%E0%A4%A/api/trpc/x", root)).toBeNull();
    expect(trpcTarget("evil.example:3101", "/api/trpc/x", root)).toBeNull();
    expect(trpcTarget("localhost:9999", "/api/trpc/x", root)).toBeNull();
    expect(trpcTarget(undefined, "/api/trpc/x", root)).toBeNull();
  });
});

let t: TestServices;
let server: Server;
let port: number;
let owner: Awaited<ReturnType<typeof createUser>>;
let stranger: Awaited<ReturnType<typeof createUser>>;

beforeAll(async () => {
  t = await createTestServices();
  [owner, stranger] = await Promise.all([
    createUser(t.services, "owner"),
    createUser(t.services, "stranger"),
  ]);
  const ownerApi = createCaller(await contextFor(t.services, { token: owner.token }));
  await ownerApi.tenants.create({ name: "Tides", slug: "tides", theme: "classic" });
  const strangerApi = createCaller(await contextFor(t.services, { token: stranger.token }));
  await strangerApi.tenants.create({ name: "Other", slug: "other", theme: "classic" });

  const route = trpcFrontRoute({
    rootDomain: TEST_ROOT_DOMAIN,
    handle: (req, endpoint) => handleTrpcRequest(req, endpoint, t.services),
  });
  server = createServer((req, res) => {
    void route(req, res).then((handled) => {
      if (handled) return;
      res.writeHead(404, { "x-fallback": "next" });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server?.close();
  await t?.cleanup();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(
  host: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        path,
        method: opts.method ?? (body ? "POST" : "GET"),
        headers: { host, ...(body ? { "content-type": "application/json" } : {}), ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const auth = (token: string) => ({ authorization: `Token ${token}` });
const batch = (input: unknown) => ({ 0: { json: input } });
const query = (input: unknown) => `?batch=1&input=${encodeURIComponent(JSON.stringify(batch(input)))}`;

function result(answer: Answer): { data?: unknown; code?: string } {
  const first = (
    JSON.parse(answer.body) as {
      result?: { data: { json: unknown } };
      error?: { json: { data: { code: string } } };
    }[]
  )[0];
  return first?.result ? { data: first.result.data.json } : { code: first?.error?.json.data.code };
}

const doc = (s: string) => ({
  type: "doc",
  content: [{ type: "paragraph", content: [{ type: "text", text: s }] }],
});

describe("front server: tRPC without Next", () => {
  it("autosaves through the studio path, bound to the blog in the path", async () => {
    const created = await call("localhost:3101", "/studio/tides/api/trpc/posts.create?batch=1", {
      headers: auth(owner.token),
      body: batch({ type: "post", title: "Straight through" }),
    });
    expect(created.status).toBe(200);
    expect(created.headers["x-request-id"]).toBeTruthy();
    const post = result(created).data as { id: string; version: number };

    const saved = await call("localhost:3101", "/studio/TIDES/api/trpc/posts.save?batch=1", {
      headers: auth(owner.token),
      body: batch({ id: post.id, baseVersion: post.version, content: doc("Hello") }),
    });
    expect(saved.status).toBe(200);
    expect(result(saved).data).toMatchObject({ ok: true, post: { version: post.version + 1 } });

    // A stale tab gets the conflict, never an overwrite.
    const stale = await call("localhost:3101", "/studio/tides/api/trpc/posts.save?batch=1", {
      headers: auth(owner.token),
      body: batch({ id: post.id, baseVersion: post.version, content: doc("Stale") }),
    });
    expect(result(stale).data).toMatchObject({ ok: false, conflict: { html: "<p>Hello</p>" } });

    // The blog's own host reaches the same blog; the session cookie works like the header.
    const listed = await call("tides.localhost:3101", `/api/trpc/posts.list${query({})}`, {
      headers: { cookie: `${SESSION_COOKIE}=${owner.token}` },
    });
    expect(listed.status).toBe(200);
    expect((result(listed).data as { items: { id: string }[] }).items.map((p) => p.id)).toEqual([post.id]);
  });

  it("refuses a non-member, a signed-out caller and a blog named only in a header", async () => {
    const stranger403 = await call("localhost:3101", `/studio/tides/api/trpc/posts.list${query({})}`, {
      headers: auth(stranger.token),
    });
    expect(stranger403.status).toBe(403);
    expect(result(stranger403).code).toBe("FORBIDDEN");

    const signedOut = await call("localhost:3101", `/studio/tides/api/trpc/posts.list${query({})}`);
    expect(signedOut.status).toBe(401);

    // A client's x-tenant-slug is dropped: on the root domain's /api/trpc there is no blog…
    const spoofRoot = await call("localhost:3101", `/api/trpc/posts.list${query({})}`, {
      headers: { ...auth(owner.token), "x-tenant-slug": "tides" },
    });
    expect(result(spoofRoot).code).toBe("NOT_FOUND");
    // …and on a blog's host or in the studio path the host/path wins over the header.
    for (const [host, path] of [
      ["other.localhost:3101", "/api/trpc/posts.list"],
      ["localhost:3101", "/studio/other/api/trpc/posts.list"],
    ] as const) {
      const spoof = await call(host, `${path}${query({})}`, {
        headers: { ...auth(owner.token), "x-tenant-slug": "tides", "x-tenant-id": "x" },
      });
      expect(spoof.status, host + path).toBe(403);
    }

    // A form post (no JSON content type) is not a tRPC call.
    const form = await call("localhost:3101", "/studio/tides/api/trpc/posts.create?batch=1", {
      method: "POST",
      headers: { ...auth(owner.token), "content-type": "text/plain" },
    });
    expect(form.status).not.toBe(200);
  });

  it("hands other paths, hosts and methods to Next", async () => {
    for (const [host, path, method] of [
      ["localhost:3101", "/studio/tides/posts", "GET"],
      ["tides.localhost:3101", "/studio/tides/api/trpc/posts.list", "GET"],
      ["unknown.example", "/api/trpc/posts.list", "GET"],
      ["localhost:3101", "/studio/not%20a%20slug/api/trpc/posts.list", "GET"],
      ["localhost:3101", "/api/trpc/posts.list", "OPTIONS"],
    ] as const) {
      const answer = await call(host, path, { method });
      expect(answer.headers["x-fallback"], `${method} ${host}${path}`).toBe("next");
    }
  });
});
