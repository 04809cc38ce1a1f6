import type { PostDoc, PostStatus, PostType } from "../../db/models";
import { excerptOf } from "./fields";

/** What lists show: everything but the body. */
export interface PostSummary {
  id: string;
  type: PostType;
  slug: string;
  title: string;
  excerpt: string;
  tags: string[];
  status: PostStatus;
  featured: boolean;
  coverUrl: string | null;
  publishedAt: Date | null;
  publishAt: Date | null;
  updatedAt: Date;
  authorIds: string[];
  wordCount: number;
  readingMinutes: number;
}

/** The whole post as the editor needs it. */
export interface EditorPost extends PostSummary {
  content: unknown;
  html: string;
  customExcerpt: boolean;
  coverAlt: string;
  slugCustom: boolean;
  previousSlugs: string[];
  version: number;
  hasPreviewLink: boolean;
  createdAt: Date;
}

/** The answer to an autosave: small, so saving a long post stays cheap on the wire. */
export interface SavedPost {
  id: string;
  version: number;
  title: string;
  slug: string;
  excerpt: string;
  tags: string[];
  status: PostStatus;
  wordCount: number;
  readingMinutes: number;
  updatedAt: Date;
}

type SummarySource = Omit<PostDoc, "content"> & { content?: unknown };

export function toSummary(doc: SummarySource): PostSummary {
  return {
    id: doc._id.toHexString(),
    type: doc.type ?? "post",
    slug: doc.slug,
    title: doc.title,
    excerpt: doc.excerpt || (doc.content !== undefined ? excerptOf(doc.content) : ""),
    tags: Array.isArray(doc.tags) ? doc.tags : [],
    status: doc.status,
    featured: doc.featured ?? false,
    coverUrl: doc.coverUrl ?? null,
    publishedAt: doc.publishedAt ?? null,
    publishAt: doc.publishAt ?? null,
    updatedAt: doc.updatedAt,
    authorIds: (doc.authorIds ?? []).map((id) => id.toHexString()),
    wordCount: doc.wordCount ?? 0,
    readingMinutes: doc.readingMinutes ?? 0,
  };
}

export function toEditorPost(doc: PostDoc): EditorPost {
  return {
    ...toSummary(doc),
    content: doc.content,
    html: doc.html ?? "",
    customExcerpt: doc.customExcerpt ?? false,
    coverAlt: doc.coverAlt ?? "",
    slugCustom: doc.slugCustom ?? false,
    previousSlugs: doc.previousSlugs ?? [],
    version: doc.version,
    hasPreviewLink: Boolean(doc.previewKey),
    createdAt: doc.createdAt,
  };
}

export function toSaved(doc: PostDoc): SavedPost {
  return {
    id: doc._id.toHexString(),
    version: doc.version,
    title: doc.title,
    slug: doc.slug,
    excerpt: doc.excerpt,
    tags: doc.tags,
    status: doc.status,
    wordCount: doc.wordCount ?? 0,
    readingMinutes: doc.readingMinutes ?? 0,
    updatedAt: doc.updatedAt,
  };
}
