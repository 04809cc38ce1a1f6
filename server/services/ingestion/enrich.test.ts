import http from "node:http";
import https from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IngestionTask, TASK_SCHEMA } from "../pipeline/messages";
import { conceptSlug, keyConcepts } from "./concepts";
import { EmbeddingThreads } from "./embed-threads";
import {
  cosine,
  EMBEDDING_DIMS,
  embedSequences,
  embedTexts,
  groupByLength,
  loadEmbeddingModel,
  loadTokenizer,
  MAX_BODY_CHUNKS,
  MAX_CHUNKS,
  MODEL_MAX_TOKENS,
  meanVector,
  normalize,
  postChunks,
} from "./embedder";
import { enrichBatch } from "./enrich";
import { namedEntities } from "./entities";
import { SAMPLE_POSTS } from "./fixtures";
import { detectLanguage } from "./language";
import { SUMMARY_MAX_WORDS, summarize } from "./summary";

const task = (key: keyof typeof SAMPLE_POSTS, version = 1): IngestionTask => ({
  schema: TASK_SCHEMA,
  tenantId: "a".repeat(24),
  postId: `${"b".repeat(23)}${Object.keys(SAMPLE_POSTS).indexOf(key)}`,
  version,
  title: SAMPLE_POSTS[key].title,
  tags: [...SAMPLE_POSTS[key].tags],
  text: SAMPLE_POSTS[key].text,
});

describe("embedding model", () => {
  const saved = { fetch: globalThis.fetch, http: http.request, https: https.request, get: http.get };
  const attempts: string[] = [];
  beforeAll(() => {
    // Any network use while the model loads is recorded and refused.
    globalThis.fetch = (async (input: unknown) => {
      attempts.push(String(input));
      throw new Error("network refused in test");
    }) as typeof fetch;
    const refuse = ((...args: unknown[]) => {
      attempts.push(String(args[0]));
      throw new Error("network refused in test");
    }) as unknown as typeof http.request;
    http.request = refuse;
    https.request = refuse;
    http.get = refuse;
  });
  afterAll(() => {
    globalThis.fetch = saved.fetch;
    http.request = saved.http;
    https.request = saved.https;
    http.get = saved.get;
  });

  it("loads from the npm package with no network and gives unit 512-d vectors", async () => {
    await loadEmbeddingModel();
    const [v] = await embedTexts(["hello world"]);
    expect(attempts).toEqual([]);
    expect(v).toHaveLength(EMBEDDING_DIMS);
    expect(Math.hypot(...(v ?? []))).toBeCloseTo(1, 4);
  });

  it("groups by length and on worker threads gives the library's own vectors, in the texts' order", async () => {
    const model = await loadEmbeddingModel();
    const chunks = Object.values(SAMPLE_POSTS).flatMap((p) =>
      postChunks(model.tokenizer, p.title, summarize(p.title, p.text), p.text),
    );
    const texts = [
      "hello",
      ...chunks.map((c) => c.text),
      // Longer than the model reads: the tokens past MODEL_MAX_TOKENS are never sent.
      "word ".repeat(MODEL_MAX_TOKENS * 2),
      "feline companions",
    ];
    const reference = (await model.embed(texts)).map(normalize);
    const maxDiff = (vs: number[][]) =>
      Math.max(...vs.map((v, i) => Math.max(...v.map((x, j) => Math.abs(x - (reference[i]?.[j] ?? 9))))));
    expect(maxDiff(await embedTexts(texts))).toBeLessThan(1e-5);
    // A post's chunks go to the model as the tokens postChunks made: the same vectors as their text's.
    const fromIds = await embedSequences(chunks.map((c) => c.ids));
    fromIds.forEach((v, i) => {
      expect(cosine(v, reference[i + 1] ?? [])).toBeGreaterThan(0.99999);
    });
    const threads = new EmbeddingThreads(2);
    try {
      await threads.ready();
      expect(maxDiff(await embedTexts(texts, threads.run))).toBeLessThan(1e-5);
      // Enrichment on the threads: the same results as in process.
      const here = await enrichBatch([task("cats"), task("bread")]);
      const there = await enrichBatch([task("cats"), task("bread")], threads.run);
      there.forEach((r, i) => {
        const h = here[i];
        if (!r.ok || !h?.ok) throw new Error("not enriched");
        expect(r.result.summary).toBe(h.result.summary);
        expect(cosine(r.result.embedding, h.result.embedding)).toBeGreaterThan(0.99999);
      });
    } finally {
      await threads.stop();
    }
  });

  it("groups sequences of similar length (≤ 25 % padding), longest first, each index once", () => {
    const lengths = [5, 128, 100, 120, 6, 60, 97];
    const groups = groupByLength(lengths);
    expect(groups.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const g of groups) {
      const ls = g.map((i) => lengths[i] as number);
      expect(Math.min(...ls)).toBeGreaterThanOrEqual(Math.max(...ls) * 0.75);
    }
    expect(groups[0]).toEqual([1, 3, 2, 6]);
    expect(groupByLength(new Array(40).fill(10), 32).map((g) => g.length)).toEqual([32, 8]);
  });

  it("relevance: 'feline companions' is nearest the cat post though it shares no word with it", async () => {
    const keys = Object.keys(SAMPLE_POSTS) as (keyof typeof SAMPLE_POSTS)[];
    const results = await enrichBatch(keys.map((k) => task(k)));
    const [query] = await embedTexts(["feline companions"]);
    const scores = results.map((r, i) => {
      if (!r.ok) throw new Error(r.error);
      return { key: keys[i], score: cosine(query ?? [], r.result.embedding) };
    });
    scores.sort((a, b) => b.score - a.score);
    expect(scores[0]?.key).toBe("cats");
    expect((scores[0]?.score ?? 0) - (scores[1]?.score ?? 0)).toBeGreaterThan(0.05);
    // …and the keyword path has nothing to match on.
    const text = `${SAMPLE_POSTS.cats.title} ${SAMPLE_POSTS.cats.text}`.toLowerCase();
    expect(text).not.toMatch(/feline|companion/);
  });
});

describe("a post's chunks", () => {
  const tokens = (ids: number[][]) => ids.reduce((n, s) => n + s.length, 0);
  const sentence = (i: number) =>
    `Paragraph ${i} of the essay wanders through kettles, ferries, orchards and the history of maps.`;
  // Paragraphs of five sentences.
  const longText = Array.from({ length: 2_000 }, (_, i) => sentence(i) + (i % 5 === 4 ? "\n\n" : " ")).join(
    "",
  );

  it("never exceed the model's window, and hold exactly the tokens of their text", async () => {
    const tokenizer = await loadTokenizer();
    const posts = [
      ...Object.values(SAMPLE_POSTS).map((p) => ({ title: p.title, text: p.text })),
      { title: "A very long essay", text: longText },
      // Long words, digits and punctuation: many tokens per word.
      { title: "Identifiers", text: "x9f3k2-qq7_zz8.v0.1.2-rc4+build5 ".repeat(80) },
    ];
    for (const p of posts) {
      const chunks = postChunks(tokenizer, p.title, summarize(p.title, p.text), p.text);
      for (const c of chunks) {
        expect(c.ids.length).toBeGreaterThan(0);
        expect(c.ids.length).toBeLessThanOrEqual(MODEL_MAX_TOKENS);
        // Nothing of a chunk's text is cut: the model reads all of it.
        expect(tokenizer.encode(c.text)).toEqual(c.ids);
      }
      // The body chunks follow each other with nothing left out between them.
      const body = chunks.filter((c) => c.kind === "body").map((c) => c.text);
      const opening = `${p.title}. ${p.text.replace(/\s+/g, " ").trim()}`;
      expect(opening.startsWith(body.join(" "))).toBe(true);
    }
    // A short post is embedded whole (it used to lose the tail of a 600-character chunk).
    const cats = postChunks(tokenizer, SAMPLE_POSTS.cats.title, "", SAMPLE_POSTS.cats.text);
    expect(cats.map((c) => c.text).join(" ")).toBe(`${SAMPLE_POSTS.cats.title}. ${SAMPLE_POSTS.cats.text}`);
    // A single "word" longer than the window is split between chunks, not cut.
    const blob = "ab".repeat(400);
    const split = postChunks(tokenizer, "Blob", "", blob);
    expect(split.every((c) => c.ids.length <= MODEL_MAX_TOKENS)).toBe(true);
    expect(split.flatMap((c) => c.ids)).toEqual(
      tokenizer.encode(`Blob. ${blob}`).slice(0, tokens(split.map((c) => c.ids))),
    );
  });

  it("put the title at the head of the first chunk", async () => {
    const tokenizer = await loadTokenizer();
    for (const p of Object.values(SAMPLE_POSTS)) {
      const [first] = postChunks(tokenizer, p.title, summarize(p.title, p.text), p.text);
      expect(first?.kind).toBe("body");
      expect(first?.text.startsWith(`${p.title}. `)).toBe(true);
    }
    const [first] = postChunks(tokenizer, "Is it done?", "", longText);
    expect(first?.text.startsWith("Is it done? Paragraph 0")).toBe(true);
    expect(postChunks(tokenizer, "Only a title", "", "")).toEqual([
      { kind: "body", text: "Only a title", ids: tokenizer.encode("Only a title") },
    ]);
  });

  it("embed a summary that is in the body once, and a different summary as its own chunk", async () => {
    const tokenizer = await loadTokenizer();
    for (const p of Object.values(SAMPLE_POSTS)) {
      // The extractive summary of a short post is its opening: not embedded a second time.
      const summary = summarize(p.title, p.text);
      expect(summary.length).toBeGreaterThan(0);
      const chunks = postChunks(tokenizer, p.title, summary, p.text);
      expect(chunks.every((c) => c.kind === "body")).toBe(true);
      expect(
        chunks
          .map((c) => c.text)
          .join(" ")
          .split(summary),
      ).toHaveLength(2);
    }
    // An abstractive summary adds words the body does not have: its own chunk.
    const abstract = "Indoor cats spend most of the day asleep and play at night.";
    const cats = postChunks(tokenizer, SAMPLE_POSTS.cats.title, abstract, SAMPLE_POSTS.cats.text);
    expect(cats.filter((c) => c.kind === "summary")).toEqual([
      { kind: "summary", text: abstract, ids: tokenizer.encode(abstract) },
    ]);
    // A summary picked from a long post's later paragraphs is not in the embedded opening either;
    // one from its opening is.
    const late = `${sentence(1_500)} ${sentence(1_800)}`;
    const long = postChunks(tokenizer, "A very long essay", late, longText);
    expect(long.map((c) => c.kind)).toEqual(["body", "body", "summary"]);
    expect(long[2]?.text).toBe(late);
    const early = postChunks(tokenizer, "A very long essay", `${sentence(0)} ${sentence(1)}`, longText);
    expect(early.map((c) => c.kind)).toEqual(["body", "body"]);
    // A summary cut with an ellipsis is still recognised as the body's opening.
    const cut = postChunks(tokenizer, "A very long essay", "Paragraph 0 of the essay wanders…", longText);
    expect(cut.map((c) => c.kind)).toEqual(["body", "body"]);
  });

  it("are averaged by their tokens, so a short closing chunk does not weigh like a full one", async () => {
    expect(
      meanVector(
        [
          [1, 0],
          [0, 1],
        ],
        [3, 1],
      ),
    ).toEqual(normalize([3, 1]));
    const tokenizer = await loadTokenizer();
    const p = { title: "A very long essay", text: longText };
    const chunks = postChunks(tokenizer, p.title, summarize(p.title, p.text), p.text);
    const [r] = await enrichBatch([{ ...task("cats"), ...p }]);
    if (!r?.ok) throw new Error("not enriched");
    const vectors = await embedSequences(chunks.map((c) => c.ids));
    const expected = meanVector(
      vectors,
      chunks.map((c) => c.ids.length),
    );
    expect(cosine(r.result.embedding, expected)).toBeGreaterThan(0.99999);
  });

  it("are bounded for a very long post, whatever its summary", async () => {
    const tokenizer = await loadTokenizer();
    const huge = Array.from({ length: 20_000 }, (_, i) => sentence(i)).join(" ");
    const summaries = [
      "",
      summarize("A very long essay", huge),
      "Maps and ferries, briefly.",
      huge.slice(-5_000),
    ];
    for (const summary of summaries) {
      const chunks = postChunks(tokenizer, "A very long essay", summary, huge);
      expect(chunks.length).toBeLessThanOrEqual(MAX_CHUNKS);
      expect(chunks.filter((c) => c.kind === "body").length).toBeGreaterThanOrEqual(1);
      expect(chunks.filter((c) => c.kind === "body").length).toBeLessThanOrEqual(MAX_BODY_CHUNKS);
      expect(tokens(chunks.map((c) => c.ids))).toBeLessThanOrEqual(MAX_CHUNKS * MODEL_MAX_TOKENS);
    }
    // A summary longer than a window takes two of the three slots; the body keeps the first.
    const wordy = postChunks(tokenizer, "A very long essay", huge.slice(-5_000), huge);
    expect(wordy.map((c) => c.kind)).toEqual(["body", "summary", "summary"]);
  });
});

describe("enrichment of a task", () => {
  it("produces the result contract: summary, entities, concepts, language, embedding, model, time", async () => {
    const [r] = await enrichBatch([task("alps", 3)]);
    expect(r?.ok).toBe(true);
    if (!r?.ok) return;
    expect(r.result).toMatchObject({ schema: 1, version: 3, language: "en", model: expect.any(String) });
    expect(r.result.embedding).toHaveLength(EMBEDDING_DIMS);
    expect(r.result.tookMs).toBeGreaterThan(0);
    expect(r.result.entities.map((e) => e.text)).toEqual(expect.arrayContaining(["Chamonix", "Zermatt"]));
    expect(r.result.keyConcepts.length).toBeGreaterThan(2);
  });
});

describe("summary", () => {
  it("is extractive and never longer than 60 words", () => {
    const long = Array.from(
      { length: 30 },
      (_, i) => `Sentence ${i} talks about sourdough starters and oven spring in a home kitchen.`,
    ).join(" ");
    const s = summarize("Sourdough", long);
    expect(s.split(/\s+/).length).toBeLessThanOrEqual(SUMMARY_MAX_WORDS);
    expect(long).toContain(s.split(" ").slice(0, 6).join(" "));
  });

  it("cuts a single endless sentence at 60 words with an ellipsis", () => {
    const s = summarize("x", Array.from({ length: 200 }, (_, i) => `word${i}`).join(" "));
    expect(s.split(/\s+/)).toHaveLength(SUMMARY_MAX_WORDS);
    expect(s.endsWith("…")).toBe(true);
  });

  it("prefers the sentences that carry the post's subject", () => {
    const s = summarize(
      "Baking sourdough",
      "Hello there. The weather was nice. Sourdough baking needs a lively starter and a hot oven. A good sourdough loaf has an open crumb. I also like tea.",
      20,
    );
    expect(s).toContain("Sourdough baking needs a lively starter");
  });
});

describe("named entities", () => {
  it("finds people, places and organisations", () => {
    const entities = namedEntities(
      "Ada Lovelace and the engine",
      "Ada Lovelace met Charles Babbage in London in 1833. The Royal Society discussed the Analytical Engine. Later, Microsoft built on the idea in California.",
    );
    const byType = (type: string) => entities.filter((e) => e.type === type).map((e) => e.text);
    expect(byType("person")).toEqual(expect.arrayContaining(["Ada Lovelace", "Charles Babbage"]));
    expect(byType("place")).toEqual(expect.arrayContaining(["London", "California"]));
    expect(byType("organization")).toEqual(expect.arrayContaining(["Microsoft"]));
    expect(entities[0]?.text).toBe("Ada Lovelace"); // named twice: ranked first
  });

  it("returns nothing for text without names", () => {
    expect(namedEntities("notes", "just some lower case notes about nothing in particular.")).toEqual([]);
  });
});

describe("key concepts", () => {
  it("ranks recurring phrases and the writer's tags first", () => {
    const concepts = keyConcepts(SAMPLE_POSTS.bread.title, SAMPLE_POSTS.bread.text, ["baking"]);
    expect(concepts.slice(0, 3)).toContain("sourdough");
    expect(concepts).toContain("baking");
    expect(concepts.length).toBeLessThanOrEqual(8);
    expect(concepts.every((c) => c === c.toLowerCase())).toBe(true);
  });

  it("slugs concepts for URLs", () => {
    expect(conceptSlug("Crème brûlée recipes")).toBe("creme-brulee-recipes");
  });
});

describe("language", () => {
  it("detects common languages and says 'und' when unsure", () => {
    expect(detectLanguage("The cat sat on the mat and it was happy with the sun.")).toBe("en");
    expect(detectLanguage("El gato se sienta en la alfombra y es feliz con el sol de la mañana.")).toBe("es");
    expect(detectLanguage("Le chat est assis sur le tapis et il est content avec le soleil.")).toBe("fr");
    expect(detectLanguage("Der Hund und die Katze sind nicht in dem Haus mit der Tür.")).toBe("de");
    expect(detectLanguage("x y z")).toBe("und");
  });
});
