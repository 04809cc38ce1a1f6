import { badRequest } from "../errors";

/**
 * Elasticsearch's `minimum_should_match` (Queries.calculateMinShouldMatch): an integer, a negative
 * integer (all but N), a percentage (rounded down), a negative percentage, or conditional
 * combinations such as `3<90%` (up to 3 optional clauses all are required, above that 90%).
 */
export function minShouldMatch(optionalClauses: number, spec: unknown): number {
  if (spec === undefined || spec === null) return 0;
  let s = String(spec).trim();
  if (s.includes("<")) {
    let result = optionalClauses;
    for (const part of s.split(/\s+/)) {
      const [upTo, then] = part.split("<");
      if (upTo === undefined || then === undefined || !/^\d+$/.test(upTo)) throw bad(spec);
      if (optionalClauses > Number(upTo)) result = minShouldMatch(optionalClauses, then);
      else break;
    }
    return clamp(result, optionalClauses);
  }
  let result: number;
  if (s.endsWith("%")) {
    s = s.slice(0, -1);
    const pct = Number(s);
    if (!Number.isFinite(pct)) throw bad(spec);
    result = Math.trunc((pct * optionalClauses) / 100);
    if (pct < 0) result = optionalClauses + result;
  } else {
    const n = Number(s);
    if (!Number.isInteger(n)) throw bad(spec);
    result = n < 0 ? optionalClauses + n : n;
  }
  return clamp(result, optionalClauses);
}

/** Never below 0, but may exceed the clauses (then nothing matches, as in Lucene). */
function clamp(result: number, _optionalClauses: number): number {
  return Math.max(0, result);
}

function bad(spec: unknown) {
  return badRequest(`Invalid minimum_should_match value [${String(spec)}]`);
}
