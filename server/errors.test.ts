import { describe, expect, it, vi } from "vitest";

describe("isAppError", () => {
  it("recognises an AppError thrown by another loaded copy of the module (dev bundler chunks)", async () => {
    const first = await import("./errors");
    vi.resetModules();
    const second = await import("./errors");
    expect(second.AppError).not.toBe(first.AppError); // two copies, as Next dev can produce

    const fromOtherCopy = new second.AppError("CONFLICT", "That address is taken");
    expect(first.isAppError(fromOtherCopy)).toBe(true);
    expect(first.httpStatusOf(fromOtherCopy.code)).toBe(409);
  });

  it("does not take plain errors or look-alikes for AppErrors", async () => {
    const { isAppError } = await import("./errors");
    expect(isAppError(new Error("boom"))).toBe(false);
    expect(isAppError({ name: "AppError", code: "CONFLICT", message: "x" })).toBe(false);
    expect(isAppError(null)).toBe(false);
  });
});
