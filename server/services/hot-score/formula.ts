/**
 * The hot score of a feed row: time-anchored, so it changes only when the post's signals do
 * (never with the clock), which is what lets the feed page over stored scores.
 *
 *     signals  = views + 4·likes + 8·comments
 *     hotScore = log10(max(1, signals)) + (publishedAt − 2025-01-01) / 12.5 h
 *
 * Every 12.5 hours of recency are worth one order of magnitude of signals: a post from today with
 * 10 signals ranks with one from 12.5 hours ago with 100. A post with no signals scores by its
 * publication time alone, so a fresh network's "hot" equals "new". Likes and comments weigh more
 * than views because they cost the reader an action (a view is counted once per reader per day).
 * `signalScore` (the `top` sort) is the same weighted sum without the time term.
 */

export const SIGNAL_WEIGHTS = { views: 1, likes: 4, comments: 8 } as const;
/** Publication times count from here (keeps the scores small numbers). */
export const HOT_EPOCH = new Date("2025-01-01T00:00:00.000Z");
/** 12.5 hours in milliseconds: one order of magnitude of signals per this much recency. */
export const HOT_DECAY_MS = 45_000_000;

export interface Signals {
  views: number;
  likes: number;
  comments: number;
}

export const NO_SIGNALS: Signals = { views: 0, likes: 0, comments: 0 };

export function signalScore(m: Signals): number {
  return (
    m.views * SIGNAL_WEIGHTS.views + m.likes * SIGNAL_WEIGHTS.likes + m.comments * SIGNAL_WEIGHTS.comments
  );
}

export function hotScore(m: Signals, publishedAt: Date): number {
  return (
    Math.log10(Math.max(1, signalScore(m))) + (publishedAt.getTime() - HOT_EPOCH.getTime()) / HOT_DECAY_MS
  );
}

/**
 * The same two formulas as aggregation expressions over a row's own `metrics` and `publishedAt`,
 * for pipeline updates: the database computes the score from the row it is writing, so a feed
 * sync (which changes `publishedAt`) and a metrics update (which changes `metrics`) can never leave
 * a score computed from the other's stale half.
 */
export const signalScoreExpr = {
  $add: [
    { $multiply: [SIGNAL_WEIGHTS.views, { $ifNull: ["$metrics.views", 0] }] },
    { $multiply: [SIGNAL_WEIGHTS.likes, { $ifNull: ["$metrics.likes", 0] }] },
    { $multiply: [SIGNAL_WEIGHTS.comments, { $ifNull: ["$metrics.comments", 0] }] },
  ],
};

export const hotScoreExpr = {
  $add: [
    { $log10: { $max: [1, signalScoreExpr] } },
    { $divide: [{ $subtract: ["$publishedAt", HOT_EPOCH] }, HOT_DECAY_MS] },
  ],
};
