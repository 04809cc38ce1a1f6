/**
 * The benchmark's corpus, deterministic: blog posts of about 1,000 words drawn from a Zipf
 * distribution over a 20,000-word vocabulary (so term frequencies look like real text: a few
 * very common words, a long tail), with the keyword, date and score fields of the app's posts
 * index and a 512-dimension embedding near one of 64 topic centres.
 */
export const DIMS = 512;
const VOCABULARY = 20_000;
const TOPICS = 64;

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const syllables = "ka ri to ne mu sa lo vi de pa zu fe ho bi gra tel mon ston ver lin dor quen shi".split(
  " ",
);

function makeVocabulary(r: () => number): string[] {
  const seen = new Set<string>();
  const words: string[] = [];
  while (words.length < VOCABULARY) {
    const n = 1 + Math.floor(r() * 3);
    let w = "";
    for (let i = 0; i < n; i++) w += syllables[Math.floor(r() * syllables.length)];
    if (words.length > 500)
      w += syllables[Math.floor(r() * syllables.length)]!.slice(0, 1 + Math.floor(r() * 2));
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  return words;
}

export class Corpus {
  readonly words: string[];
  private readonly cdf: Float64Array;
  readonly centres: Float32Array[];
  private readonly r: () => number;

  constructor(seed = 7) {
    this.r = rng(seed);
    this.words = makeVocabulary(this.r);
    this.cdf = new Float64Array(VOCABULARY);
    let sum = 0;
    for (let i = 0; i < VOCABULARY; i++) {
      sum += 1 / (i + 1);
      this.cdf[i] = sum;
    }
    for (let i = 0; i < VOCABULARY; i++) this.cdf[i] = this.cdf[i]! / sum;
    this.centres = Array.from({ length: TOPICS }, () => this.unit(this.gaussianVector()));
  }

  /** A word by Zipf rank. */
  word(): string {
    const x = this.r();
    let lo = 0;
    let hi = VOCABULARY - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return this.words[lo]!;
  }

  sentence(words: number): string {
    const parts: string[] = [];
    for (let i = 0; i < words; i++) parts.push(this.word());
    const s = parts.join(" ");
    return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
  }

  text(words: number): string {
    const out: string[] = [];
    let left = words;
    while (left > 0) {
      const n = Math.min(left, 8 + Math.floor(this.r() * 14));
      out.push(this.sentence(n));
      left -= n;
    }
    return out.join(" ");
  }

  private gaussianVector(): Float32Array {
    const v = new Float32Array(DIMS);
    for (let i = 0; i < DIMS; i++) {
      const u = 1 - this.r();
      v[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.r());
    }
    return v;
  }

  private unit(v: Float32Array): Float32Array {
    let sq = 0;
    for (const x of v) sq += x * x;
    const inv = 1 / Math.sqrt(sq);
    return v.map((x) => x * inv);
  }

  /** A vector near a topic centre, rounded to 6 decimals as an embedding model's JSON would be. */
  embedding(topic: number): number[] {
    const noise = this.gaussianVector();
    const c = this.centres[topic % TOPICS]!;
    const v = this.unit(c.map((x, i) => x + 0.06 * noise[i]!));
    return Array.from(v, (x) => Math.round(x * 1e6) / 1e6);
  }

  int(n: number): number {
    return Math.floor(this.r() * n);
  }

  post(i: number) {
    const tenant = this.int(20);
    const topic = this.int(TOPICS);
    const tags = [...new Set(Array.from({ length: 2 + this.int(3) }, () => `tag${this.int(50)}`))];
    return {
      title: this.sentence(6 + this.int(5)).slice(0, -1),
      summary: this.text(30 + this.int(20)),
      text: this.text(950 + this.int(100)),
      tenantId: `tenant-${tenant}`,
      tenantSlug: `blog${tenant}`,
      tags,
      concepts: Array.from({ length: 3 }, () => `concept${this.int(200)}`),
      author: `author${this.int(100)}`,
      publishedAt: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000 * 2).toISOString(),
      hotScore: Math.round(this.r() * 1000) / 100,
      embedding: this.embedding(topic),
    };
  }

  /** A query of 2–3 words of the middle of the vocabulary (not stop-word-like, not unique). */
  query(): string {
    const n = 2 + this.int(2);
    return Array.from({ length: n }, () => this.words[50 + this.int(2000)]).join(" ");
  }

  queryVector(): number[] {
    return this.embedding(this.int(TOPICS));
  }
}
