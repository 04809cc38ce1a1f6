import type { Collection } from "../storage/collection";
import { compileFilter } from "./filter";
import type { Doc } from "./paths";
import { plan } from "./planner";
import { type SortSpec, sortDocs } from "./sort";

export interface QueryOptions {
  filter?: Doc;
  sort?: SortSpec;
  skip?: number;
  /** 0 or absent: no limit. */
  limit?: number;
}

/** Matching documents in order, using an index where one helps and stopping early when it can. */
export function runQuery(coll: Collection | undefined, opts: QueryOptions): Doc[] {
  if (!coll) return [];
  const filter = opts.filter ?? {};
  const matcher = compileFilter(filter);
  const skip = opts.skip ?? 0;
  const limit = opts.limit && opts.limit > 0 ? opts.limit : Number.POSITIVE_INFINITY;
  const natural = opts.sort?.[0]?.[0] === "$natural" ? opts.sort[0][1] : undefined;
  // $natural: storage order, never an index's.
  const p =
    natural === undefined
      ? plan(coll, filter, opts.sort)
      : { docs: natural === 1 ? coll.docs.values() : [...coll.docs.values()].reverse(), sorted: true };
  if (p.sorted) {
    const out: Doc[] = [];
    let skipped = 0;
    for (const doc of p.docs) {
      if (!matcher.test(doc)) continue;
      if (skipped < skip) {
        skipped++;
        continue;
      }
      out.push(doc);
      if (out.length >= limit) break;
    }
    return out;
  }
  const matched: Doc[] = [];
  for (const doc of p.docs) if (matcher.test(doc)) matched.push(doc);
  const sorted = opts.sort ? sortDocs(matched, opts.sort) : matched;
  return sorted.slice(skip, limit === Number.POSITIVE_INFINITY ? undefined : skip + limit);
}
