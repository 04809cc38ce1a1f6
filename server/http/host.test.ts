import { describe, expect, it } from "vitest";
import { parseHost } from "./host";

describe("parseHost", () => {
  const root = "localhost:3000";

  it.each([
    ["localhost:3000", { kind: "root" }],
    ["LOCALHOST:3000", { kind: "root" }],
    ["www.localhost:3000", { kind: "root" }],
    ["127.0.0.1:3000", { kind: "root" }],
    ["[::1]:3000", { kind: "root" }],
    ["demo.localhost:3000", { kind: "tenant", slug: "demo" }],
    ["Demo.LocalHost:3000", { kind: "tenant", slug: "demo" }],
    ["my-blog-2.localhost:3000", { kind: "tenant", slug: "my-blog-2" }],
    ["demo.localhost.:3000", { kind: "tenant", slug: "demo" }],
  ])("%s → %o", (host, expected) => {
    expect(parseHost(host, root)).toEqual(expected);
  });

  it.each([
    ["demo.localhost:3001", "another port"],
    ["demo.localhost", "no port when the root has one"],
    ["localhost", "root without its port"],
    ["a.b.localhost:3000", "nested subdomain"],
    ["admin.localhost:3000", "reserved name"],
    ["api.localhost:3000", "reserved name"],
    ["ab.localhost:3000", "too short for a slug"],
    ["-x-.localhost:3000", "hyphens at the ends"],
    ["under_score.localhost:3000", "not a slug character"],
    ["evil.com", "foreign host"],
    ["demo.localhost:3000.evil.com", "root as a prefix of a foreign host"],
    ["demolocalhost:3000", "suffix without the dot"],
    ["", "empty"],
  ])("%s is unknown (%s)", (host) => {
    expect(parseHost(host, root)).toEqual({ kind: "unknown" });
  });

  it("handles a root domain without a port (production)", () => {
    const prod = "conduit.blog";
    expect(parseHost("conduit.blog", prod)).toEqual({ kind: "root" });
    expect(parseHost("conduit.blog:443", prod)).toEqual({ kind: "root" });
    expect(parseHost("ronin.conduit.blog", prod)).toEqual({ kind: "tenant", slug: "ronin" });
    expect(parseHost("ronin.conduit.blog:8443", prod)).toEqual({ kind: "unknown" });
    expect(parseHost("ronin.notconduit.blog", prod)).toEqual({ kind: "unknown" });
  });

  it("treats a missing Host as unknown", () => {
    expect(parseHost(null, root)).toEqual({ kind: "unknown" });
    expect(parseHost(undefined, root)).toEqual({ kind: "unknown" });
  });
});
