/**
 * Response serialization. Document sources are stored as the bytes the client sent; a hit or a
 * GET that returns the whole source splices those bytes into the response instead of parsing
 * and re-serializing them (`RawJson`). Scores are floats in Elasticsearch and print as Java
 * prints a float (0.2876821, not 0.28768208622932434): `shortFloat` gives the double whose
 * shortest decimal form is that text.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

export function stringify(value: unknown, pretty = false): string {
  const raws: string[] = [];
  const json = JSON.stringify(
    value,
    (_key, v) => {
      if (v instanceof RawJson) {
        raws.push(v.text);
        return `\u0000RAW${raws.length - 1}\u0000`;
      }
      return v;
    },
    pretty ? 2 : undefined,
  );
  if (raws.length === 0) return json;
  return json.replace(/"\\u0000RAW(\d+)\\u0000"/g, (_m, i: string) => raws[Number(i)]!);
}

const cache = new Map<number, number>();

/** The double printed like Java's Float.toString would print this float. */
export function shortFloat(f: number): number {
  if (!Number.isFinite(f) || f === 0) return f;
  const hit = cache.get(f);
  if (hit !== undefined) return hit;
  const target = Math.fround(f);
  let out = target;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(target.toPrecision(p));
    if (Math.fround(candidate) === target) {
      out = candidate;
      break;
    }
  }
  if (cache.size > 100_000) cache.clear();
  cache.set(f, out);
  return out;
}
