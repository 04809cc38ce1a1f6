import { decode, rawDoc } from "../storage/bson-doc-map";
import type { Collection } from "../storage/collection";
import { compileFilter, type Matcher } from "./filter";
import { queryExecutorMetrics } from "./metrics";
import type { QueryContext } from "./op-context";
import type { Doc } from "./paths";
import { plan } from "./planner";
import { type SortSpec, sortDocs } from "./sort";

export interface QueryOptions {
  filter?: Doc;
  sort?: SortSpec;
  skip?: number;
  /** 0 or absent: no limit. */
  limit?: number;
  /**
   * The caller only sends the documents back unchanged (find without projection): results may be
   * field-less stand-ins carrying the stored bytes, so a match decided on the bytes is not decoded.
   */
  raw?: boolean;
  /** An index name or key pattern the planner must use (validated by the caller). */
  hint?: unknown;
  /** The operation's `let` variables and collation. */
  ctx?: QueryContext;
}

/** Matching documents in order, using an index where one helps and stopping early when it can. */
export function runQuery(coll: Collection | undefined, opts: QueryOptions): Doc[] {
  if (!coll) return [];
  const filter = opts.filter ?? {};
  const matcher = compileFilter(filter, opts.ctx);
  const strcmp = opts.ctx?.collation?.compare;
  const skip = opts.skip ?? 0;
  const limit = opts.limit && opts.limit > 0 ? opts.limit : Number.POSITIVE_INFINITY;
  const natural = opts.sort?.[0]?.[0] === "$natural" ? opts.sort[0][1] : undefined;
  if (natural !== undefined) {
    // $natural: storage order, never an index's.
    const docs = natural === 1 ? coll.docs.rawValues() : [...coll.docs.rawValues()].reverse();
    return collect(docs, matcher, opts.raw === true, skip, limit);
  }
  const p = plan(coll, filter, opts.sort, {
    hint: opts.hint,
    limit: Number.isFinite(limit) ? skip + limit : undefined,
    collated: strcmp !== undefined,
  });
  if (p.sorted) {
    const raw = opts.raw === true;
    const out: Doc[] = [];
    let skipped = 0;
    p.each((bytes) => {
      queryExecutorMetrics.scannedObjects++;
      const doc = matchBytes(matcher, bytes, raw);
      if (!doc) return true;
      if (skipped < skip) {
        skipped++;
        return true;
      }
      out.push(doc);
      return out.length < limit;
    });
    return out;
  }
  const matched: Doc[] = [];
  p.each((bytes) => {
    queryExecutorMetrics.scannedObjects++;
    const doc = matchBytes(matcher, bytes, false);
    if (doc) matched.push(doc);
    return true;
  });
  const sorted = opts.sort ? sortDocs(matched, opts.sort, strcmp) : matched;
  return sorted.slice(skip, limit === Number.POSITIVE_INFINITY ? undefined : skip + limit);
}

function collect(docs: Iterable<Buffer>, matcher: Matcher, raw: boolean, skip: number, limit: number): Doc[] {
  const out: Doc[] = [];
  let skipped = 0;
  for (const bytes of docs) {
    queryExecutorMetrics.scannedObjects++;
    const doc = matchBytes(matcher, bytes, raw);
    if (!doc) continue;
    if (skipped < skip) {
      skipped++;
      continue;
    }
    out.push(doc);
    if (out.length >= limit) break;
  }
  return out;
}

/** The document when it matches (a bytes-only stand-in when `raw` allows), else undefined. */
function matchBytes(matcher: Matcher, bytes: Buffer, raw: boolean): Doc | undefined {
  const quick = matcher.testRaw?.(bytes);
  if (quick === false) return undefined;
  if (quick === true) return raw ? rawDoc(bytes) : decode(bytes);
  const doc = decode(bytes);
  return matcher.test(doc) ? doc : undefined;
}
