import { describe, expect, it } from "vitest";
import { slugify, slugProblem } from "./slug";

describe("slugify", () => {
  it("turns a blog name into an address", () => {
    expect(slugify("Field Notes")).toBe("field-notes");
    expect(slugify("  Café   Crème — Daily!  ")).toBe("cafe-creme-daily");
    expect(slugify("Ünïcödé 2026")).toBe("unicode-2026");
  });

  it("never yields leading/trailing hyphens or more than 63 characters", () => {
    const long = slugify(`${"word ".repeat(30)}end`);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).not.toMatch(/^-|-$/);
    expect(slugify("---")).toBe("");
  });

  it("suggests slugs the server's rules accept for ordinary names", () => {
    for (const name of ["My Travel Blog", "Notes from the Field", "Recipes 2026"]) {
      expect(slugProblem(slugify(name))).toBeNull();
    }
  });
});
