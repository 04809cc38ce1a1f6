import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getRateLimiter } from "@/server/auth/rate-limit";
import { createCallerFactory } from "@/server/trpc";
import { contextFor, createTestServices, createUser, type TestServices } from "@/test/support/services";
import { authRouter } from "./index";

const createCaller = createCallerFactory(authRouter);
/** Rate-limit keys are per ip + e-mail under the default Redis prefix: a fresh ip per run. */
const ip = (n: number) =>
  `2001:db8:${randomBytes(2).toString("hex")}:${randomBytes(2).toString("hex")}::${n}`;
let t: TestServices;

beforeAll(async () => {
  t = await createTestServices({ adminEmails: ["boss@example.test"] });
});

afterAll(async () => {
  await t.cleanup();
  await getRateLimiter().close();
});

describe("auth router", () => {
  it("signUp creates the account and returns the session user; me reflects the token", async () => {
    const anonymous = createCaller(await contextFor(t.services, { ip: ip(1) }));
    const user = await anonymous.signUp({
      email: "Boss@Example.test",
      username: "Boss",
      password: "password1",
      name: "B",
    });
    expect(user).toMatchObject({
      email: "boss@example.test",
      username: "boss",
      name: "B",
      platformAdmin: true,
    });
    expect(await anonymous.me()).toBeNull();

    const { token, session } = await createUser(t.services, "reader");
    expect(await createCaller(await contextFor(t.services, { token })).me()).toEqual(session.user);
  });

  it("maps a taken e-mail to CONFLICT and invalid input to BAD_REQUEST", async () => {
    const caller = createCaller(await contextFor(t.services, { ip: ip(2) }));
    await caller.signUp({ email: "dup@example.test", username: "dup", password: "password1" });
    await expect(
      caller.signUp({ email: "dup@example.test", username: "dup2", password: "password1" }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: "That email is already registered",
    });
    await expect(
      caller.signUp({ email: "x@example.test", username: "x", password: "password1" }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("throttles repeated sign-ups for one ip + e-mail", async () => {
    const caller = createCaller(await contextFor(t.services, { ip: ip(3) }));
    const codes: string[] = [];
    for (let i = 0; i < 11; i++) {
      // Same e-mail, so after the first success every try is a conflict until the limit trips.
      await caller
        .signUp({ email: "spam@example.test", username: `spam${i}`, password: "password1" })
        .then(() => codes.push("OK"))
        .catch((e: { code: string }) => codes.push(e.code));
    }
    expect(codes).toEqual(["OK", ...Array(9).fill("CONFLICT"), "TOO_MANY_REQUESTS"]);
  });
});
