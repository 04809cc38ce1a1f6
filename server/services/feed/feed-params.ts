import { z } from "zod";

/** `GET /api/feed` and `feed.list` parameters (ARCHITECTURE.md › contracts), validated once here. */

export const FEED_SORTS = ["hot", "new", "top"] as const;
export const FEED_PERIODS = ["day", "week", "month", "year", "all"] as const;
export type FeedSort = (typeof FEED_SORTS)[number];
export type FeedPeriod = (typeof FEED_PERIODS)[number];

export const MAX_FEED_LIMIT = 50;
export const DEFAULT_FEED_LIMIT = 20;
/** Several tags are merged from one index scan per tag; more than this is refused. */
export const MAX_FEED_TAGS = 5;

export const PERIOD_MS: Record<Exclude<FeedPeriod, "all">, number> = {
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 30 * 86_400_000,
  year: 365 * 86_400_000,
};

/** A tag as posts store it (trimmed, `#` dropped, lower-cased, inner whitespace collapsed). */
export function normalizeFeedTag(raw: string): string {
  return raw.replace(/^#+/, "").replace(/\s+/g, " ").trim().toLowerCase();
}

const tagList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(",")).map(normalizeFeedTag))
  .transform((tags) => [...new Set(tags.filter(Boolean))])
  .pipe(
    z
      .array(z.string().max(40, "A tag has at most 40 characters."))
      .max(MAX_FEED_TAGS, `Filter by at most ${MAX_FEED_TAGS} tags.`),
  );

export const feedQuerySchema = z
  .object({
    tag: tagList.optional(),
    /** A username or a user id. */
    author: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9_.-]{1,64}$/, "author must be a username or a user id")
      .optional(),
    /** A blog slug or a tenant id. */
    tenant: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9-]{1,63}$/, "tenant must be a blog slug or id")
      .optional(),
    sort: z.enum(FEED_SORTS, { message: `sort must be one of ${FEED_SORTS.join(", ")}` }).default("hot"),
    period: z
      .enum(FEED_PERIODS, { message: `period must be one of ${FEED_PERIODS.join(", ")}` })
      .default("week"),
    limit: z.coerce
      .number({ message: "limit must be a number" })
      .int("limit must be a whole number")
      .min(1, "limit must be at least 1")
      .max(MAX_FEED_LIMIT, `limit must be at most ${MAX_FEED_LIMIT}`)
      .default(DEFAULT_FEED_LIMIT),
    cursor: z.string().max(600, "cursor is too long").optional(),
  })
  .strict();

export type FeedQueryInput = z.input<typeof feedQuerySchema>;
export type FeedQuery = z.output<typeof feedQuerySchema>;

const KNOWN = new Set(["tag", "author", "tenant", "sort", "period", "limit", "cursor"]);

/**
 * URL search parameters → the query input: `tag` may repeat (or be comma-separated), empty values
 * count as absent, unknown parameters are refused so a typo is a 400 rather than a silent ignore.
 */
export function feedInputFromSearchParams(params: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key).filter((v) => v !== "");
    if (!values.length) continue;
    if (key === "tag") out.tag = values;
    else if (KNOWN.has(key)) out[key] = values.length === 1 ? values[0] : values;
    else out[key] = values[0];
  }
  return out;
}

/** The first problem, as one sentence for `{error:{message}}`. */
export function feedQueryProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "Invalid feed parameters.";
  if (issue.code === "unrecognized_keys") return `Unknown parameter: ${issue.keys.join(", ")}`;
  const field = issue.path[0] === undefined ? "" : String(issue.path[0]);
  // zod's own wording ("Invalid input: expected string, received array") names no parameter.
  if (issue.message.startsWith("Invalid input"))
    return `${field || "a parameter"} is not valid (given twice?)`;
  return issue.message;
}
