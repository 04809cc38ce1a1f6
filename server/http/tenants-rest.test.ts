import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "@/server/services/container";
import { dropPrefixedDatabases, testMongoUri, uniquePrefix } from "@/test/support/mongo";
import type * as Support from "@/test/support/services";

// The route handlers use the process-wide container, built from the environment when first
// imported: everything touching server/env is imported after the test's variables are set.
let createUser: typeof Support.createUser;
let POST: (req: Request) => Promise<Response>;
let GET: (req: Request) => Promise<Response>;
let services: Services;

beforeAll(async () => {
  process.env.MONGODB_URI = testMongoUri();
  process.env.MONGODB_DB_PREFIX = uniquePrefix();
  process.env.ROOT_DOMAIN = "localhost:3101";
  process.env.LOG_LEVEL = "silent";
  ({ POST, GET } = await import("@/app/api/tenants/route"));
  services = (await import("@/server/services/container")).getServices();
  ({ createUser } = await import("@/test/support/services"));
});

afterAll(async () => {
  if (services) await dropPrefixedDatabases(services.db);
});

function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return POST(
    new Request("http://localhost:3101/api/tenants", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

describe("POST /api/tenants", () => {
  it("creates a blog: 201 with the contract's body", async () => {
    const { token } = await createUser(services, "rest");
    const res = await post(
      { name: "Rest Blog", slug: "rest-blog", theme: "minimal" },
      { authorization: `Token ${token}` },
    );
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({
      name: "Rest Blog",
      slug: "rest-blog",
      theme: "minimal",
      status: "active",
      databaseName: `${process.env.MONGODB_DB_PREFIX}_tenant_${body.id}`,
      url: "http://rest-blog.localhost:3101",
    });
    expect(body.id).toMatch(/^[0-9a-f]{24}$/);
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });

  it("accepts Bearer as well as Token", async () => {
    const { token } = await createUser(services, "bearer");
    const res = await post(
      { name: "B", slug: "bearer-blog", theme: "classic" },
      { authorization: `Bearer ${token}` },
    );
    expect(res.status).toBe(201);
  });

  it("401 for anonymous and for a bad token", async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: "Token nope" },
      { authorization: "Basic abc" },
    ];
    for (const headers of attempts) {
      const res = await post({ name: "A", slug: "anon-blog", theme: "classic" }, headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { code: "UNAUTHORIZED", message: expect.any(String) } });
    }
    expect(await services.tenants.checkSlug("anon-blog")).toEqual({ available: true, reason: null });
  });

  it("400 for malformed JSON and invalid fields, with a readable message", async () => {
    const { token } = await createUser(services, "invalid");
    const auth = { authorization: `Token ${token}` };
    const cases: [unknown, string][] = [
      ["{not json", "valid JSON"],
      ["", "valid JSON"],
      [[], "expected object"],
      [{ slug: "fine-slug", theme: "classic" }, "name"],
      [{ name: "X", slug: "No Spaces", theme: "classic" }, "Use 3–63"],
      [{ name: "X", slug: "api", theme: "classic" }, "reserved"],
      [{ name: "X", slug: "good-slug", theme: "neon" }, "theme"],
    ];
    for (const [body, message] of cases) {
      const res = await post(body, auth);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const json = await res.json();
      expect(json.error.code).toBe("BAD_REQUEST");
      expect(json.error.message).toContain(message);
    }
  });

  it("409 when the slug is taken (also by a deleted blog)", async () => {
    const { token, session } = await createUser(services, "taken");
    const auth = { authorization: `Token ${token}` };
    expect((await post({ name: "T", slug: "taken-blog", theme: "classic" }, auth)).status).toBe(201);
    const again = await post({ name: "T2", slug: "taken-blog", theme: "classic" }, auth);
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: { code: "CONFLICT", message: "That address is taken" } });

    await services.tenants.delete("taken-blog", {
      userId: session.user.id,
      email: session.user.email,
      platformAdmin: false,
      ip: null,
      requestId: null,
    });
    expect((await post({ name: "T3", slug: "taken-blog", theme: "classic" }, auth)).status).toBe(409);
  });

  it("ten concurrent creates of one slug: exactly one 201, nine 409", async () => {
    const users = await Promise.all(Array.from({ length: 10 }, (_, i) => createUser(services, `conc${i}`)));
    const responses = await Promise.all(
      users.map((u) =>
        post({ name: "Same", slug: "same-slug", theme: "classic" }, { authorization: `Token ${u.token}` }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
  });
});

describe("GET /api/tenants", () => {
  it("lists the caller's blogs with their role; 401 when anonymous", async () => {
    const { token } = await createUser(services, "lister");
    const auth = { authorization: `Token ${token}` };
    await post({ name: "L1", slug: "list-one", theme: "classic" }, auth);
    const res = await GET(new Request("http://localhost:3101/api/tenants", { headers: auth }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.tenants).toEqual([
      expect.objectContaining({ slug: "list-one", role: "owner", status: "active" }),
    ]);
    expect((await GET(new Request("http://localhost:3101/api/tenants"))).status).toBe(401);
  });
});
