/**
 * Which revisions of a post to keep, so storage stays bounded for a post edited for hours or
 * years (documented in the README):
 * - the newest KEEP_RECENT revisions, whatever they are;
 * - older ones thinned to the newest revision per clock hour for the last day, and per day before;
 * - never more than MAX_PER_POST in all (the oldest go first).
 * Autosaves already coalesce (one revision per author per window), so this only bites after
 * hours of editing.
 */
export const KEEP_RECENT = 10;
export const MAX_PER_POST = 50;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface RevisionStamp<Id> {
  _id: Id;
  createdAt: Date;
}

/** The ids to delete; `revisions` in any order, `now` the reference for "the last day". */
export function revisionsToThin<Id>(revisions: RevisionStamp<Id>[], now: Date): Id[] {
  const newestFirst = [...revisions].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const kept: RevisionStamp<Id>[] = [];
  const drop: Id[] = [];
  const buckets = new Set<string>();
  newestFirst.forEach((rev, i) => {
    if (i < KEEP_RECENT) {
      kept.push(rev);
      return;
    }
    const t = rev.createdAt.getTime();
    const bucket = now.getTime() - t < DAY ? `h${Math.floor(t / HOUR)}` : `d${Math.floor(t / DAY)}`;
    if (buckets.has(bucket)) drop.push(rev._id);
    else {
      buckets.add(bucket);
      kept.push(rev);
    }
  });
  for (const rev of kept.slice(MAX_PER_POST)) drop.push(rev._id);
  return drop;
}
