import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "./errors";

describe("safeCallbackUrl", () => {
  it("keeps same-site paths", () => {
    expect(safeCallbackUrl("/studio/notes", "/studio")).toBe("/studio/notes");
    expect(safeCallbackUrl(["/new", "/other"], "/studio")).toBe("/new");
  });

  it("refuses anything that could leave the site", () => {
    for (const bad of ["https://evil.test/", "//evil.test", "/\\evil.test", "javascript:alert(1)", ""]) {
      expect(safeCallbackUrl(bad, "/studio")).toBe("/studio");
    }
    expect(safeCallbackUrl(undefined, "/new")).toBe("/new");
  });
});
