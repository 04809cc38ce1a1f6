import { z } from "zod";
import { AppError } from "../../errors";

/**
 * The feed's page cursor, opaque to clients (base64url of JSON):
 * - `k`: keyset after the item with sort value `v` and row id `i` (new; hot/top past a snapshot);
 * - `s`: offset `o` into the score snapshot `s` taken at the first page of a hot/top query, with
 *   the last item's (`v`, `i`) so a snapshot that expired continues as a keyset.
 * Each cursor names its sort (`t`) and the filters' fingerprint (`f`), so it cannot be replayed
 * against another query.
 */
const hex24 = z.string().regex(/^[0-9a-f]{24}$/);
const base = { t: z.enum(["hot", "new", "top"]), f: z.string().max(64), v: z.number().finite(), i: hex24 };

const cursorSchema = z.discriminatedUnion("k", [
  z.object({ k: z.literal("k"), ...base }),
  z.object({
    k: z.literal("s"),
    ...base,
    s: z.string().regex(/^[A-Za-z0-9_-]{8,40}$/),
    o: z.number().int().min(1),
  }),
]);

export type FeedCursor = z.infer<typeof cursorSchema>;

export function encodeCursor(cursor: FeedCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

export function decodeCursor(
  raw: string,
  expect: { sort: FeedCursor["t"]; fingerprint: string },
): FeedCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw new AppError("BAD_REQUEST", "That page cursor is not valid.");
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success) throw new AppError("BAD_REQUEST", "That page cursor is not valid.");
  if (result.data.t !== expect.sort || result.data.f !== expect.fingerprint) {
    throw new AppError("BAD_REQUEST", "That page cursor belongs to another feed query.");
  }
  return result.data;
}
