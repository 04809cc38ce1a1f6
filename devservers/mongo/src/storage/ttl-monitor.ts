import type { Doc } from "../query/paths";
import { valuesAtPath } from "../query/paths";
import type { StorageEngine } from "./engine";

const INTERVAL_MS = 60_000;

/**
 * Like mongod's TTL monitor: every 60 s, deletes documents whose TTL-indexed date (the earliest
 * one, for an array) lies more than `expireAfterSeconds` in the past.
 */
export function startTtlMonitor(engine: StorageEngine, log?: (msg: string) => void): () => void {
  const timer = setInterval(() => {
    try {
      if (expireNow(engine, new Date()) > 0) void engine.commit().catch((err) => log?.(`ttl commit: ${err}`));
    } catch (err) {
      log?.(`ttl monitor: ${(err as Error).message}`);
    }
  }, INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** Deletes expired documents in every collection with a TTL index; returns how many. */
export function expireNow(engine: StorageEngine, now: Date): number {
  let removed = 0;
  for (const colls of engine.catalog.dbs.values()) {
    for (const coll of colls.values()) {
      for (const ix of coll.indexes) {
        const ttl = ix.spec.expireAfterSeconds;
        if (typeof ttl !== "number" || ix.fields.length !== 1) continue;
        const cutoff = now.getTime() - ttl * 1000;
        const expired: Doc[] = [];
        for (const doc of coll.docs.values()) {
          const dates = valuesAtPath(doc, ix.fields[0]!).filter((v): v is Date => v instanceof Date);
          if (dates.length && Math.min(...dates.map((d) => d.getTime())) <= cutoff) expired.push(doc);
        }
        for (const doc of expired) if (coll.delete(doc._id)) removed++;
      }
    }
  }
  return removed;
}
