import { describe, expect, it } from "vitest";
import { reciprocalRankFusion } from "./rrf";
import { searchApiAnswer } from "./search-http";
import type { SearchService } from "./search-service";

const log = { warn: () => {} };
const params = (q: string) => new URLSearchParams(q);

describe("GET /api/search answers", () => {
  it("400 with a message for a malformed query, never a 500", async () => {
    for (const q of [
      "",
      "q=",
      "q=x&mode=fuzzy",
      "q=x&limit=500",
      "q=x&tenant=Not_A_Slug",
      `q=${"x".repeat(201)}`,
    ]) {
      const a = await searchApiAnswer(null, params(q), null, log);
      expect(a.status, q).toBe(400);
      expect(JSON.parse(a.body).error.message).toEqual(expect.any(String));
    }
  });

  it("503 when search is not configured or fails", async () => {
    expect((await searchApiAnswer(null, params("q=cats"), null, log)).status).toBe(503);
    const failing = { search: async () => Promise.reject(new Error("down")) } as unknown as SearchService;
    const a = await searchApiAnswer(failing, params("q=cats"), null, log);
    expect(a.status).toBe(503);
    expect(JSON.parse(a.body).error.code).toBe("UNAVAILABLE");
  });

  it("a blog's host pins the search to that blog whatever the parameter says", async () => {
    let seen: unknown;
    const spy = {
      search: async (input: unknown) => {
        seen = input;
        return { items: [], took: 1, mode: "hybrid", usedMode: "hybrid", embeddingMs: 0 };
      },
    } as unknown as SearchService;
    const a = await searchApiAnswer(spy, params("q=cats&tenant=other&mode=keyword"), "ada", log);
    expect(a.status).toBe(200);
    expect(seen).toMatchObject({ q: "cats", tenant: "ada", mode: "keyword", limit: 10 });
    expect(JSON.parse(a.body)).toMatchObject({ items: [], took: 1 });
  });
});

describe("reciprocal-rank fusion", () => {
  it("ranks documents found by both lists first, then by best rank", () => {
    const a = [{ id: "x" }, { id: "y" }, { id: "z" }];
    const b = [{ id: "w" }, { id: "y" }, { id: "x" }];
    const fused = reciprocalRankFusion([a, b]);
    expect(fused.map((f) => f.item.id)).toEqual(["x", "y", "w", "z"]);
    expect(fused[0]?.ranks).toEqual([1, 3]);
    expect(fused[0]?.score).toBeCloseTo(1 / 61 + 1 / 63, 10);
  });
});
