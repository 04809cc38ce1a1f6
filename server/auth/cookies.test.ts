import { describe, expect, it } from "vitest";
import { readCookie, sessionCookieDomain, sessionCookieName } from "./cookies";

describe("session cookie scope", () => {
  it("is the root domain without port, so blog subdomains share it", () => {
    expect(sessionCookieDomain({ ROOT_DOMAIN: "conduit.example.com" })).toBe("conduit.example.com");
    expect(sessionCookieDomain({ ROOT_DOMAIN: "blogs.example.test:3102" })).toBe("blogs.example.test");
  });

  it("is host-only on localhost, IP addresses and single-label hosts", () => {
    expect(sessionCookieDomain({ ROOT_DOMAIN: "localhost:3000" })).toBeUndefined();
    expect(sessionCookieDomain({ ROOT_DOMAIN: "127.0.0.1:3000" })).toBeUndefined();
    expect(sessionCookieDomain({ ROOT_DOMAIN: "intranet" })).toBeUndefined();
  });

  it("uses the __Secure- name only over https", () => {
    expect(sessionCookieName({ PUBLIC_PROTOCOL: "http" })).toBe("next-auth.session-token");
    expect(sessionCookieName({ PUBLIC_PROTOCOL: "https" })).toBe("__Secure-next-auth.session-token");
  });

  it("reads one cookie out of a Cookie header", () => {
    const header = "a=1; next-auth.session-token=x.y.z; b=%20two";
    expect(readCookie(header, "next-auth.session-token")).toBe("x.y.z");
    expect(readCookie(header, "b")).toBe(" two");
    expect(readCookie(header, "session-token")).toBeUndefined();
    expect(readCookie(null, "a")).toBeUndefined();
  });
});
