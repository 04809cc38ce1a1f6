import type { PostDoc } from "../../db";
import { plainText } from "../posts/plain-text";

/**
 * The one Tiptap → plain-text extractor. The studio's renderer stores its output as `post.text`
 * at every save (server/services/posts/plain-text.ts); the pipeline reuses the same function, so
 * what is searched is exactly what the reader reads. extract.test.ts walks every node type of
 * the editor's schema to keep it that way.
 */
export function extractPlainText(content: unknown): string {
  return plainText(content);
}

/** The text an ingestion task carries: the stored rendering, or the content's when absent. */
export function postPlainText(post: Pick<PostDoc, "content" | "text">): string {
  return typeof post.text === "string" && post.text.length > 0 ? post.text : extractPlainText(post.content);
}
