import { z } from "zod";

/**
 * The two Kafka message contracts of the content pipeline (issue 21). Both topics are keyed by
 * `tenantId:postId`, so every version of one post lands on one partition in order; a message
 * with a null value is a tombstone (unpublish, delete), its version in the `version` header.
 * A tenant tombstone is keyed `tenantId:*` and removes every post of the tenant.
 */

export const TASK_SCHEMA = 1;
export const RESULT_SCHEMA = 1;

const objectIdHex = z.string().regex(/^[0-9a-f]{24}$/, "a 24-hex ObjectId");

export const ingestionTaskSchema = z.object({
  schema: z.literal(TASK_SCHEMA),
  tenantId: objectIdHex,
  postId: objectIdHex,
  version: z.number().int().nonnegative(),
  title: z.string().max(1_000),
  tags: z.array(z.string().max(100)).max(50),
  text: z.string().max(1_000_000),
});
export type IngestionTask = z.infer<typeof ingestionTaskSchema>;

export const entitySchema = z.object({
  text: z.string(),
  type: z.enum(["person", "place", "organization"]),
});
export type Entity = z.infer<typeof entitySchema>;

export const ingestionResultSchema = z.object({
  schema: z.literal(RESULT_SCHEMA),
  tenantId: objectIdHex,
  postId: objectIdHex,
  version: z.number().int().nonnegative(),
  summary: z.string(),
  entities: z.array(entitySchema),
  keyConcepts: z.array(z.string()),
  language: z.string(),
  embedding: z.array(z.number()),
  model: z.string(),
  tookMs: z.number().nonnegative(),
});
export type IngestionResult = z.infer<typeof ingestionResultSchema>;

/** A message key: `tenantId:postId`, or `tenantId:*` for a whole-tenant tombstone. */
export function messageKey(tenantId: string, postId: string | "*"): string {
  return `${tenantId}:${postId}`;
}

export type ParsedKey = { tenantId: string; postId: string | null };

export function parseKey(key: Buffer | string | null | undefined): ParsedKey | null {
  if (key == null) return null;
  const [tenantId, postId, ...rest] = String(key).split(":");
  if (rest.length > 0 || !tenantId || !postId || !/^[0-9a-f]{24}$/.test(tenantId)) return null;
  if (postId === "*") return { tenantId, postId: null };
  return /^[0-9a-f]{24}$/.test(postId) ? { tenantId, postId } : null;
}

/** Kafka header value (Buffer, string or array of them) as a string. */
export function headerString(value: unknown): string | undefined {
  if (value == null) return undefined;
  if (Array.isArray(value)) return headerString(value[0]);
  return Buffer.isBuffer(value) ? value.toString("utf8") : String(value);
}

/**
 * Timing headers the ingestion service puts on a result (observability only, never needed to
 * apply it): when the task was produced (its Kafka timestamp) and when the service took it.
 */
export const TRACE_HEADERS = { taskAt: "task-at", receivedAt: "received-at" } as const;

/** Epoch ms of a header or Kafka timestamp, or undefined. */
export function epochMs(value: unknown): number | undefined {
  const s = headerString(value);
  const n = s === undefined || s === "" ? Number.NaN : Number(s);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
