import { z } from "zod";
import { COMMENT_MAX_LENGTH } from "../comments/comments-service";
import { MAX_TAG_LENGTH, MAX_TAGS } from "../posts/fields";
import { RealWorldError } from "./errors";

/** RealWorld request bodies and query strings, validated at the edge (422 with field errors). */

const BLANK = "can't be blank";
export const MAX_TITLE = 300;
export const MAX_DESCRIPTION = 500;
/** A body this long is a mistake or an attack, not a post (≈ 20,000 words). */
export const MAX_BODY = 200_000;
export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 20;

const text = (max: number) =>
  z.string({ error: BLANK }).trim().min(1, BLANK).max(max, `is too long (at most ${max} characters)`);

/** Markdown is kept exactly as sent (it is returned verbatim), so it is checked, not trimmed. */
const markdownBody = z
  .string({ error: BLANK })
  .max(MAX_BODY, `is too long (at most ${MAX_BODY} characters)`)
  .refine((s) => s.trim().length > 0, BLANK);

const tagList = z
  .array(
    z
      .string({ error: "must be a list of strings" })
      .max(MAX_TAG_LENGTH, `has a tag over ${MAX_TAG_LENGTH} characters`),
    {
      error: "must be a list of strings",
    },
  )
  .max(MAX_TAGS, `has more than ${MAX_TAGS} tags`)
  .nullish();

export const newArticleSchema = z.object({
  title: text(MAX_TITLE),
  description: text(MAX_DESCRIPTION),
  body: markdownBody,
  tagList,
  /** Conduit extension: the slug of one of the caller's blogs (root domain only). */
  blog: z.string({ error: "must be a blog's slug" }).trim().toLowerCase().max(63).nullish(),
});
export type NewArticle = z.output<typeof newArticleSchema>;

export const updateArticleSchema = z.object({
  title: text(MAX_TITLE).optional(),
  description: text(MAX_DESCRIPTION).optional(),
  body: markdownBody.optional(),
  tagList,
});
export type UpdateArticle = z.output<typeof updateArticleSchema>;

export const newCommentSchema = z.object({
  body: z
    .string({ error: BLANK })
    .transform((s) => s.replace(/\r\n?/g, "\n").trim())
    .pipe(
      z
        .string()
        .min(1, BLANK)
        .max(COMMENT_MAX_LENGTH, `is too long (at most ${COMMENT_MAX_LENGTH} characters)`),
    ),
});

const optionalString = z.string({ error: "must be a string" }).nullish();
export const updateUserSchema = z.object({
  email: optionalString,
  username: optionalString,
  password: optionalString,
  bio: optionalString,
  image: optionalString,
});
export type UpdateUser = z.output<typeof updateUserSchema>;

const queryInt = (name: string, min: number, max: number, fallback: number) =>
  z.preprocess(
    (v) => (v === undefined || v === "" ? undefined : v),
    z.coerce
      .number({ error: `${name} must be a number` })
      .int(`must be a whole number`)
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`)
      .default(fallback),
  );

export const pageSchema = z.object({
  limit: queryInt("limit", 1, MAX_LIMIT, DEFAULT_LIMIT),
  offset: queryInt("offset", 0, 1_000_000, 0),
});

const filterValue = z
  .string()
  .trim()
  .max(100, "is too long")
  .transform((v) => v || undefined)
  .optional();

export const listQuerySchema = pageSchema.extend({
  tag: filterValue,
  author: filterValue,
  favorited: filterValue,
});
export type ListQuery = z.output<typeof listQuerySchema>;
export type PageQuery = z.output<typeof pageSchema>;

/** The first problem of each field, as RealWorld's `{errors: {field: [message]}}`. */
export function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = issue.path.length ? String(issue.path[0]) : "body";
    out[field] ??= [];
    if (!out[field].includes(issue.message)) out[field].push(issue.message);
  }
  return out;
}

/** Parses or throws a 422 with the field errors. */
export function parseOr422<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new RealWorldError(422, fieldErrorsOf(parsed.error));
  return parsed.data;
}

/** The query string as a plain object (the first value of each parameter). */
export function queryObject(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of params) if (!(key in out)) out[key] = value;
  return out;
}
