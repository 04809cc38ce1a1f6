import { describe, expect, it } from "vitest";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "./password";

describe("password hashing", () => {
  it("hashes with argon2id, salted, and verifies only the right password", async () => {
    const hash = await hashPassword("correct horse battery");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await hashPassword("correct horse battery")).not.toBe(hash);
    expect(await verifyPassword(hash, "correct horse battery")).toBe(true);
    expect(await verifyPassword(hash, "correct horse batterY")).toBe(false);
  });

  it("treats a non-argon2 hash as a failed check, and the dummy path always fails", async () => {
    expect(await verifyPassword("plain-text", "plain-text")).toBe(false);
    expect(await verifyAgainstDummy("conduit-dummy-password-for-timing")).toBe(false);
  });
});
