import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";

// The middleware reads ROOT_DOMAIN through server/env at import time.
let middleware: typeof import("@/middleware").middleware;
beforeAll(async () => {
  process.env.ROOT_DOMAIN = "localhost:3101";
  ({ middleware } = await import("@/middleware"));
});

function request(url: string, headers: Record<string, string> = {}): NextRequest {
  const host = new URL(url).host;
  return new NextRequest(url, { headers: { host, ...headers } });
}

/** What the app will see: the rewrite target (if any) and the request headers middleware forwards. */
function outcome(res: Response) {
  const rewrite = res.headers.get("x-middleware-rewrite");
  const overridden = (res.headers.get("x-middleware-override-headers") ?? "").split(",").filter(Boolean);
  const forwarded = Object.fromEntries(
    overridden.map((name) => [name, res.headers.get(`x-middleware-request-${name}`)]),
  );
  return { rewrite: rewrite ? new URL(rewrite).pathname + new URL(rewrite).search : null, forwarded };
}

describe("middleware", () => {
  it("rewrites a tenant host to the reader tree and tells the app which tenant", () => {
    const res = middleware(request("http://ronin.localhost:3101/posts/hello?x=1"));
    const { rewrite, forwarded } = outcome(res);
    expect(rewrite).toBe("/site/ronin/posts/hello?x=1");
    expect(forwarded["x-tenant-slug"]).toBe("ronin");
  });

  it("rewrites the tenant home page", () => {
    expect(outcome(middleware(request("http://ronin.localhost:3101/"))).rewrite).toBe("/site/ronin");
  });

  it("replaces a spoofed x-tenant-slug on a tenant host with the host's tenant", () => {
    const res = middleware(request("http://ronin.localhost:3101/", { "x-tenant-slug": "victim" }));
    expect(outcome(res).forwarded["x-tenant-slug"]).toBe("ronin");
  });

  it("strips every client-sent x-tenant-* header on the root domain", () => {
    const res = middleware(
      request("http://localhost:3101/api/trpc/tenants.current", {
        "x-tenant-slug": "victim",
        "x-tenant-id": "abc",
        "x-keep-me": "yes",
      }),
    );
    const { rewrite, forwarded } = outcome(res);
    expect(rewrite).toBeNull();
    expect(Object.keys(forwarded)).not.toContain("x-tenant-slug");
    expect(Object.keys(forwarded)).not.toContain("x-tenant-id");
    expect(forwarded["x-keep-me"]).toBe("yes");
  });

  it("passes API calls on a tenant host through with the tenant header", () => {
    const res = middleware(request("http://ronin.localhost:3101/api/trpc/tenants.current"));
    const { rewrite, forwarded } = outcome(res);
    expect(rewrite).toBeNull();
    expect(forwarded["x-tenant-slug"]).toBe("ronin");
  });

  it("makes the reader tree unreachable on the root domain", () => {
    expect(outcome(middleware(request("http://localhost:3101/site/ronin"))).rewrite).toBe(
      "/__conduit/not-found",
    );
    expect(outcome(middleware(request("http://localhost:3101/site"))).rewrite).toBe("/__conduit/not-found");
  });

  it("does not let a spoofed Host cross into reserved, nested or foreign names", () => {
    for (const url of [
      "http://admin.localhost:3101/",
      "http://a.ronin.localhost:3101/",
      "http://ronin.localhost:9999/",
      "http://evil.example/",
    ]) {
      const { rewrite, forwarded } = outcome(middleware(request(url, { "x-tenant-slug": "ronin" })));
      expect(rewrite, url).toBe("/__conduit/not-found");
      expect(forwarded["x-tenant-slug"], url).toBeUndefined();
    }
  });

  it("routes the studio's tRPC calls to the API with the tenant from the URL", () => {
    const res = middleware(
      request("http://localhost:3101/studio/ronin/api/trpc/tenants.current?batch=1", {
        "x-tenant-slug": "victim",
      }),
    );
    const { rewrite, forwarded } = outcome(res);
    expect(rewrite).toBe("/api/trpc/tenants.current?batch=1");
    expect(forwarded["x-tenant-slug"]).toBe("ronin");
  });

  it("leaves the studio pages themselves alone", () => {
    const { rewrite, forwarded } = outcome(middleware(request("http://localhost:3101/studio/ronin")));
    expect(rewrite).toBeNull();
    expect(forwarded["x-tenant-slug"]).toBeUndefined();
  });
});

describe("middleware matcher", () => {
  it.each([
    ["/", true],
    ["/posts/hello", true],
    ["/studio/ronin/api/trpc/tenants.current", true],
    ["/api/trpc/tenants.current", true],
    ["/api/trpc/sitemap.map", true],
    ["/api/trpc/assets.js", true],
    ["/api/tenants", true],
    ["/api/authors", true],
    ["/api/auth/session", false],
    ["/api/auth/bridge", false],
    ["/api/health", false],
    ["/_next/static/chunk.js", false],
    ["/favicon.ico", false],
    ["/logo.svg", false],
  ])("%s → %s", async (pathname, expected) => {
    const { unstable_doesMiddlewareMatch } = await import("next/experimental/testing/server");
    const { config } = await import("@/middleware");
    expect(unstable_doesMiddlewareMatch({ config, url: `http://localhost:3101${pathname}` })).toBe(expected);
  });
});
